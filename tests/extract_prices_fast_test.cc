// The price scanners' fast paths answer as the plain searches: ScanMoney (which tries only the few places before a
// run of digits where a currency or price word can end) as RE2 on kMoneyPattern, and ScanDurationsAround (which
// starts each range's search at the nearest word that no match spans) as the whole-text ScanDurations, for a range
// starting and ending at every position of texts built around the words a match can run across.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

Record Re2Money(const RE2& re, std::string_view text) {
  Record out;
  re2::StringPiece g[kMoneyGroups];
  const re2::StringPiece input(text.data(), text.size());
  for (size_t pos = 0; pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, g, kMoneyGroups);) {
    Append(text, g, kMoneyGroups, out);
    const size_t end = static_cast<size_t>(g[0].data() - text.data()) + g[0].size();
    pos = end > pos ? end : pos + 1;
  }
  return out;
}

Record ScannedMoney(std::string_view text) {
  std::vector<GroupMatch> found;
  ScanMoney(text, found);
  Record out;
  for (const GroupMatch& m : found) Append(text, m.g.data(), kMoneyGroups, out);
  return out;
}

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
    EXPECT_EQ(ScannedMoney(text), Re2Money(money, text)) << text;
    // And every suffix: runs of digits and words cut at every place.
    const std::string_view whole(text);
    for (size_t k = 1; k < whole.size(); ++k) {
      const std::string tail(whole.substr(k));
      ASSERT_EQ(ScannedMoney(tail), Re2Money(money, tail)) << tail;
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

}  // namespace
}  // namespace lodestar::extract
