// The price and age scanners' fast paths answer as the plain searches: ScanMoney (which tries only the few places
// before a run of digits where a currency or price word can end, after two-byte filters on either side of the run)
// as RE2 on kMoneyPattern; ScanDurations (which tries only the digits and the word starts that a duration word can
// start with, found sixteen bytes at a time) as RE2 on kDurationPattern; ScanAges (which lists the few places before
// a two-digit run where "age", "i am" or "tengo" can end) as RE2 on kAgePattern; ScanTitleAges (which tries only the
// runs right after " - ") as RE2 on kTitleAgePattern; and ScanDurationsAround (which starts each range's search at
// the nearest word that no match spans) as the whole-text ScanDurations, for a range starting and ending at every
// position of texts built around the words a match can run across.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "extract/age_scan.h"
#include "extract/measure_scan.h"
#include "extract/price_scan.h"

namespace lodestar::extract {
namespace {

using Record = std::vector<long>;

// Every group of every match as (begin, end) offsets, -1 for a group that took no part.
void Append(std::string_view text, const re2::StringPiece* g, int n, Record& out) {
  for (int k = 0; k < n; ++k) {
    out.push_back(g[k].data() ? g[k].data() - text.data() : -1);
    out.push_back(g[k].data() ? static_cast<long>(g[k].size()) : -1);
  }
}

// Successive RE2 searches, each from where the last match ended (texts here are far from the 4,096-match cap).
Record Re2All(const RE2& re, std::string_view text) {
  Record out;
  const int groups = re.NumberOfCapturingGroups() + 1;
  re2::StringPiece g[kMoneyGroups];  // the most groups of the patterns here
  const re2::StringPiece input(text.data(), text.size());
  for (size_t pos = 0; pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, g, groups);) {
    Append(text, g, groups, out);
    const size_t end = static_cast<size_t>(g[0].data() - text.data()) + g[0].size();
    pos = end > pos ? end : pos + 1;
  }
  return out;
}

Record Scanned(void (*scan)(std::string_view, std::vector<GroupMatch>&), int groups, std::string_view text) {
  std::vector<GroupMatch> found;
  scan(text, found);
  Record out;
  for (const GroupMatch& m : found) Append(text, m.g.data(), groups, out);
  return out;
}

Record ScannedMoney(std::string_view text) { return Scanned(ScanMoney, kMoneyGroups, text); }

// Texts with phrases whose matches cross white space, '.' and '/' (counts with tenths and " 1/2", "half an hour",
// "hour and a half", "one night"), price words with links and '$', currencies before and after amounts, and words
// that only look like them.
const char* const kTexts[] = {
    "rates are $ 150 for half an hour, 250 hour and a half",
    "x half  an  hour 80 and a 1 night 900",
    "2 1/2 hours 500 then 1.5 hr 300 or 12.5hr",
    "gift: 100 and donation-200 roses $300 quick visit",
    "an hour 120 a night 1000 all night 2000 one night 1500",
    "halfan hr 60 full hour 150 over  night 700 hourly",
    "usd  150 usd150 150 usd 150.00 euros \xE2\x82\xAC 90 \xC2\xA3 80 80 \xC2\xA3",
    "rateis200 roses:300 rate 12345678 donations are $12345 x",
    "abc12 hours 3/4 hr a.b 1. 5 hr 1 .5 hr 99 qv 45 hh",
    "call 555 123 4567 and 30 min 100 or 60 mins 180 / hr",
    "one  and a half a hour and half 200/hr 150 per hour 80 an hr",
    "over 21 years 150 minutes, half 1/2 hour 2 1/2 h 100",
};

TEST(ExtractPricesFast, MoneyAsRe2) {
  RE2::Options opts;
  opts.set_log_errors(false);
  const RE2 money(kMoneyPattern, opts);
  ASSERT_TRUE(money.ok());
  for (const char* text : kTexts) {
    EXPECT_EQ(ScannedMoney(text), Re2All(money, text)) << text;
    // And every suffix: runs of digits and words cut at every place.
    const std::string_view whole(text);
    for (size_t k = 1; k < whole.size(); ++k) {
      const std::string tail(whole.substr(k));
      ASSERT_EQ(ScannedMoney(tail), Re2All(money, tail)) << tail;
    }
  }
}

TEST(ExtractPricesFast, DurationsAroundEveryRange) {
  for (const char* c : kTexts) {
    const std::string_view text(c);
    std::vector<GroupMatch> all;
    ScanDurations(text, all);
    for (size_t first = 0; first <= text.size() + 1; ++first) {
      for (size_t second = first; second <= text.size() + 1; second += 3) {
        Record want, got;
        for (const GroupMatch& m : all) {
          const size_t b = static_cast<size_t>(m.g[0].data() - text.data()), e = b + m.g[0].size();
          if (e >= first && b <= second) Append(text, m.g.data(), kDurationGroups, want);
        }
        std::vector<GroupMatch> around;
        ScanDurationsAround(text, {{first, second}}, around);
        for (const GroupMatch& m : around) Append(text, m.g.data(), kDurationGroups, got);
        ASSERT_EQ(got, want) << text << " [" << first << ", " << second << "]";
      }
    }
    // Two ranges: the second's search goes on from where the first's stopped.
    for (size_t first = 0; first + 8 <= text.size(); first += 2) {
      const std::vector<std::pair<size_t, size_t>> ranges = {{first, first + 4}, {first + 6, first + 20}};
      Record want, got;
      for (const GroupMatch& m : all) {
        const size_t b = static_cast<size_t>(m.g[0].data() - text.data()), e = b + m.g[0].size();
        for (const auto& r : ranges) {
          if (e >= r.first && b <= r.second) {
            Append(text, m.g.data(), kDurationGroups, want);
            break;
          }
        }
      }
      std::vector<GroupMatch> around;
      ScanDurationsAround(text, ranges, around);
      for (const GroupMatch& m : around) Append(text, m.g.data(), kDurationGroups, got);
      ASSERT_EQ(got, want) << text << " at " << first;
    }
  }
}

// The four scanners and their patterns, compiled once.
struct Scanners {
  RE2 money, duration, age, title_age;
  static RE2::Options Quiet() {
    RE2::Options opts;
    opts.set_log_errors(false);
    return opts;
  }
  Scanners()
      : money(kMoneyPattern, Quiet()),
        duration(kDurationPattern, Quiet()),
        age(kAgePattern, Quiet()),
        title_age(kTitleAgePattern, Quiet()) {}
  bool ok() const { return money.ok() && duration.ok() && age.ok() && title_age.ok(); }
  // The first scanner that answers otherwise than RE2 on `text`, or "".
  std::string Differs(std::string_view text) const {
    if (Scanned(ScanMoney, kMoneyGroups, text) != Re2All(money, text)) return "money";
    if (Scanned(ScanDurations, kDurationGroups, text) != Re2All(duration, text)) return "duration";
    if (Scanned(ScanAges, kAgeGroups, text) != Re2All(age, text)) return "age";
    if (Scanned(ScanTitleAges, kTitleAgeGroups, text) != Re2All(title_age, text)) return "title age";
    return "";
  }
};

// Texts around the places the fast paths decide at: what ends right before a run of digits (currencies, price words,
// links, "i am" and its fillers, "age" and its links, "tengo", " - ", and words that end with the same bytes), what
// follows it (currency words and per-hour links by their first two bytes, age units), and duration words and counts
// on either side of a sixteen-byte block boundary.
const char* const kEdgeTexts[] = {
    "rates: 150 roses are 200 gift of 300 donation=400 x-500 is 600 of 700 usd 800 usd800 the 150 you're 20",
    "measurements 36dd-24-36 available 24/7 text 555 1234 visits 150 stats: 5'4 120lbs hours: 10am-11pm",
    "150 and 150 am 150 an hr 150 a hr 150 a  hour 150 /hr 150 / hr 150/7 150 per hour 150 pm 150 pounds 80 ann",
    "100 rs 100 rose 100 dd 100 ddd 100 dollars 100 dog 100 bucks 100 bb 100 euros 100 eh 100 gbp 100 gb 100 us",
    "100 usd 100 u 100.00 usd 100.00 hr 100 qv 100 q 100 hh 100 h 100.5 hr 99 $ 99 \xC2\xA3 99 \xE2\x82\xAC 99 \xC2",
    "i am 22 i'm 23 im 24 i m 25 i am a 26 i'm only 27 im just 28 i  am   a   29 xi am 30 ham 31 i' m 32 i a 33",
    "age 22 aged: 23 edad-24 age is 25 ageis26 age=27 page 28 cage: 29 tengo 30 tengo31 stengo 32 age  :  33",
    "22 yrs old 23 years young 24 yr of age 25 y/o 26 yo 27 y.o. 28 yrs 29 years 30 anos 31 ano 32 yox 33 a 34 y",
    "sizzling hot - 22 x - 23, $ - 24 . - 25 9 - 26 \xE2\x82\xAC - 27 a  - 28 a\t-\t29\t - 30 - 31 a - 333 a - 3",
    "abcdefghijklmn 1 hour 30 min qv 2 hrs half an hour 1 night overnight 15min 1.5 hours 2 1/2 hours hourly fh",
    "a1234567890123 hr a123456789012 hr x123456789012345hr 9999999999999999 1 hr 12 hr 123 hr 1 1/2 hr all night",
    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9 quick visit over  night one night a night full hour",
};

TEST(ExtractPricesFast, EdgeTextsAndTheirSuffixesAsRe2) {
  const Scanners scanners;
  ASSERT_TRUE(scanners.ok());
  for (const char* c : kEdgeTexts) {
    const std::string_view whole(c);
    // Every suffix and prefix: each run of digits and word cut at every place, and every block alignment.
    for (size_t k = 0; k < whole.size(); ++k) {
      const std::string tail(whole.substr(k)), head(whole.substr(0, whole.size() - k));
      ASSERT_EQ(scanners.Differs(tail), "") << tail;
      ASSERT_EQ(scanners.Differs(head), "") << head;
    }
  }
}

TEST(ExtractPricesFast, RandomTextsAsRe2) {
  const Scanners scanners;
  ASSERT_TRUE(scanners.ok());
  const char* pieces[] = {" ", " ", "  ", "\n", "\t", "$", "\xC2\xA3", "\xE2\x82\xAC", "\xC2", "\xE2\x82", "usd", "us",
                          "dollars", "do", "roses", "ro", "rs", "r", "bucks", "bu", "euro", "eu", "gbp", "gb",
                          "donations", "rate", "rates", "gift", "te", "es", "ns", "on", "ft", "is", "are", "re", "of",
                          ":", "-", "=", "/", "per", "pe", "pm", "a", "an", "am", "and", "hr", "hour", "hh", "qv", "h",
                          "q", "half", "quick", "visit", "full", "fh", "over", "night", "one", "all", "min", "mins",
                          "1/2", ".", ".5", ".50", "0", "1", "12", "22", "150", "1500", "12345", "123456",
                          "age", "aged", "edad", "i", "i'm", "im", "m", "only", "just", "tengo", "yrs", "years", "yr",
                          "yo", "y/o", "y.o.", "old", "young", "anos", "ano", "y", " - ", "-", ",", "x", "_", "'",
                          "\xC3\xA9", "\xF0\x9F\x8C\xB9", "abcdefghijklmnop"};
  std::mt19937_64 rng(2024);
  for (int iter = 0; iter < 40000; ++iter) {
    std::string text;
    for (size_t i = 1 + rng() % 24; i > 0; --i) text += pieces[rng() % std::size(pieces)];
    ASSERT_EQ(scanners.Differs(text), "") << text;
  }
  // And bytes at random, mostly printable.
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text(rng() % 120, '\0');
    for (char& c : text) c = static_cast<char>(rng() % 4 ? 32 + rng() % 95 : rng() % 256);
    ASSERT_EQ(scanners.Differs(text), "") << text;
  }
}

}  // namespace
}  // namespace lodestar::extract
