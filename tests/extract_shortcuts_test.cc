// Extraction speed work (issue 3) must not change what is found: the shortcuts taken for speed are held here to
// the slow paths they replace, on generated inputs with known answers.
#include <gtest/gtest.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <cstring>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <re2/re2.h>

#include <algorithm>

#include "extract/extractor.h"
#include "extract_test_util.h"
#include "lexicon_test_util.h"
#include "word_trigger_patterns.h"
#include "extract/gazetteer.h"
#include "extract/lexicon.h"
#include "extract/normalize.h"
#include "extract/payments.h"
#include "extract/phones.h"
#include "extract/age_scan.h"
#include "extract/handle_scan.h"
#include "extract/measure_scan.h"
#include "extract/prechecks.h"
#include "extract/price_scan.h"

namespace lodestar::extract {
namespace {

std::shared_ptr<const ExtractorResources> Res() { return test::SharedResources(); }

// The US shortcut answers exactly as libphonenumber's IsValidNumber: US, Canadian, Caribbean and invalid numbers.
TEST(ExtractShortcuts, NanpShortcutMatchesLibphonenumber) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  std::vector<uint64_t> numbers = {5037243016, 2025550123, 4165550199, 6475710594, 2684601234, 8765551234,
                                   7875551234, 8005551234, 9005551234, 2001234567, 5551234567, 9999999999};
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t npa = 200 + rng() % 800, nxx = 200 + rng() % 800, line = rng() % 10000;
    numbers.push_back(npa * 10000000 + nxx * 10000 + line);
  }
  int valid = 0;
  for (uint64_t n : numbers) {
    PhoneNumber number;
    number.set_country_code(1);
    number.set_national_number(n);
    const bool want = util->IsValidNumber(number);
    valid += want;
    ASSERT_EQ(IsValidNanpNumber(n), want) << n;
  }
  EXPECT_GT(valid, 1000);                               // both answers occur
  EXPECT_LT(valid, static_cast<int>(numbers.size()));
}

// Each byte-level pre-check never rules out text its RE2 pattern matches. Random texts are built from the
// pieces the patterns care about, so matches and near misses are both common.
TEST(ExtractShortcuts, PrechecksNeverSkipAMatch) {
  const char* pieces[] = {" ", " ", " ", "\n", "at", " at ", "(at)", "[at]", "{at}", "@", "dot", " dot ", ".", "(dot)",
                          "gmail", "me", "com", "net", "x-y", "5", "4", "6", "1", "2", "0", "'", "\"", "ft", "feet",
                          "foot", "cm", "lb", "lbs", "pounds", "#", "kg", "-", " - ", ",", "$", "$a", "cash", "app", "ig",
                          "sc", "tw", "of", "tg", "wa", ":", "abc", "name_x", "\xC3\xA9", "\xEF\xBC\x84", "22", "160"};
  std::mt19937_64 rng(11);
  const auto res = Res();
  ASSERT_NE(res, nullptr);
  int matched = 0;
  for (int iter = 0; iter < 30000; ++iter) {
    std::string text;
    const size_t n = 1 + rng() % 14;
    for (size_t i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
    const std::string norm = NormalizeForDisplay(text);
    ASSERT_EQ(PrecheckViolation(*res, norm), "") << "text: " << norm;
    matched += norm.find('@') != std::string::npos;
  }
  EXPECT_GT(matched, 100);
  // Texts each pattern does match: the pre-checks must let them through (and so must report nothing).
  for (const char* s : {"mia at gmail dot com", "mia (at) yahoo.com", "5 ft 4", "5'4\"", "160 cm", "120 lbs", "55kg",
                        "110#", "Hot - 22", "$mia_rose", "ig: mia", "of @mia", "cash app: miarose", "cashapp $mia"}) {
    EXPECT_EQ(PrecheckViolation(*res, NormalizeForDisplay(s)), "") << s;
  }
}

// Each windowed RE2 pass (windows.h) reports exactly what its whole-text search reports: every group of every
// match, in order. Texts are built from the pieces the patterns turn on (separators, dots, digits, units, long
// local parts and domains that reach the {0,63} bounds, white space of every kind, multi-byte characters), both
// as written and normalised; then real ad texts, normalised.
TEST(ExtractShortcuts, WindowsFindWhatTheWholeTextFinds) {
  const char* pieces[] = {" ", " ", "  ", "\n", "\t", "\r", "\f", "@", "@ ", " at ", "at", "(at)", "[at]", "{at}", "dot",
                          " dot ", ".", ". ", "(dot)", "[dot]", "gmail", "mia.rose", "x_y", "a-b", "%", "+", "com", "co.uk",
                          "online", "net", "http://", "https://", "www.", "/path?q=1", "<", ")", "'", "\"", "''", "5",
                          "4", "6", "1", "12", "145", "160", "199", "120", "2500", ".5", "ft", "feet", "foot", "in",
                          "inches", "cm", "lb", "lbs", "pounds", "#", "kg", "$", "_", "\xC3\xA9", "\xE2\x82\xAC",
                          "\xC2\xA3", "usd", "donations", "are", "roses", "rate", "gift", "of", "per", "hh", "half", "hour",
                          ".50", "=", "-", "\xF0\x9F\x98\x80", "abc", "age", "aged", "edad", "is", "i", "i'm", "im",
                          "only", "just", "a", "yrs", "years", "old", "young", "y/o", "y.o.", "yo", "anos", "tengo",
                          "22", "24"};
  std::vector<std::string> owned(std::begin(pieces), std::end(pieces));
  owned.push_back(std::string(70, 'k'));
  owned.push_back(std::string(66, 'd') + ".");
  owned.push_back(std::string(66, '7'));
  std::mt19937_64 rng(23);
  const auto res = Res();
  ASSERT_NE(res, nullptr);
  int with_match = 0;
  for (int iter = 0; iter < 40000; ++iter) {
    std::string text;
    const size_t n = 1 + rng() % 24;
    for (size_t i = 0; i < n; ++i) text += owned[rng() % owned.size()];
    ASSERT_EQ(WindowViolation(*res, text), "") << "text: " << text;
    const std::string norm = NormalizeForDisplay(text);
    ASSERT_EQ(WindowViolation(*res, norm), "") << "text: " << norm;
    with_match += norm.find('@') != std::string::npos;
  }
  EXPECT_GT(with_match, 1000);
  for (const char* s : {"mia at gmail dot com", "mia (at) yahoo.com", "mia @ site . co.uk x", "5 ft 4 in", "5'4\"",
                        "160 cm", "120 lbs", "55kg", "110#", "see www.example.com/a,b or http://x.org", "ig @mia_rose",
                        // the longest text each window must reach on either side of its number
                        "kik me", "kik: me mia", "snap @ mia_x", "only fans @mia", "tweet  me x_y", "whats app: 12", "kik mercedes_x",
                        "kik user name", "telegram " "abcdefghijklmnopqrstuvwxyz0123456789", "xkik mia", "kik .mia",
                        "x i am only 22", "x 22 years.young x", "x 22 years\xF0\x9F\x98\x80", "x 22 yrs of age x",
                        "x donations are $150", "x 12345.50 donations x", "x 150 per half hour x", "x usd 150.00 x"}) {
    ASSERT_EQ(WindowViolation(*res, NormalizeForDisplay(s)), "") << s;
  }
  std::ifstream real(std::string(LODESTAR_SHARED_DATA) + "/ads/backpage-ca.jsonl");
  std::string line;
  int lines = 0;
  while (std::getline(real, line) && lines < 3000) {
    ++lines;
    const std::string norm = NormalizeForDisplay(line);  // the whole record: titles, bodies and URLs
    ASSERT_EQ(WindowViolation(*res, norm), "") << "line " << lines;
  }
}

// The bitcoin scan looks only at runs of letters and digits through every 26th byte; it finds exactly the
// addresses a scan of every run finds: valid and damaged addresses at every offset, glued to other letters and
// digits or not, next to each other.
TEST(ExtractShortcuts, BitcoinScanFindsWhatEveryRunScanFinds) {
  const char* addresses[] = {"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                             "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"};
  const char* fillers[] = {" ", "  ", ", ", "\n", "x", "ab", "12", "-", "\xC3\xA9", "btc:", "send to "};
  auto reference = [](std::string_view o) {  // every maximal run of [0-9A-Za-z] with 26-74 bytes, checked
    std::vector<std::string> found;
    for (size_t i = 0; i < o.size();) {
      if (!std::isalnum(static_cast<unsigned char>(o[i]))) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < o.size() && std::isalnum(static_cast<unsigned char>(o[j]))) ++j;
      const std::string_view tok = o.substr(i, j - i);
      if (tok.size() >= 26 && tok.size() <= 74 && (IsValidBase58Address(tok) || IsValidBech32Address(tok))) {
        found.emplace_back(tok);
      }
      i = j;
    }
    return found;
  };
  FactExtractor fx(Res());
  std::mt19937_64 rng(43);
  int found_any = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    core::Ad ad;
    ad.body.assign(rng() % 60, 'q');
    const size_t n = 1 + rng() % 5;
    for (size_t k = 0; k < n; ++k) {
      ad.body += rng() % 3 ? fillers[rng() % std::size(fillers)] : "";
      ad.body += addresses[rng() % std::size(addresses)];
    }
    std::vector<std::string> got;
    for (const auto& p : fx.Extract(ad).payments) {
      if (p.kind == "bitcoin") got.push_back(p.value);
    }
    ASSERT_EQ(got, reference(ad.body)) << ad.body;
    found_any += !got.empty();
  }
  EXPECT_GT(found_any, 1000);
}

// One extractor reused across ads (warm number-validation and location caches, reused buffers) finds exactly what a fresh
// extractor finds for each ad on its own.
TEST(ExtractShortcuts, ReusedExtractorMatchesFreshOnes) {
  std::mt19937_64 rng(3);
  const char* npas[] = {"503", "971", "212", "647", "416", "268", "876", "305", "702", "555"};
  const char* fillers[] = {"Call me", "text", "new in town", "I'm 24", "$80 qv, 150 hh", "5'4\", 120 lbs",
                           "mia at gmail dot com", "ig: mia_rose", "in Portland, OR", "incall only", "cashapp $miarose",
                           "five oh three", "24/7", "Hot - 22"};
  FactExtractor reused(Res());
  for (int i = 0; i < 3000; ++i) {
    core::Ad ad;
    ad.title = fillers[rng() % std::size(fillers)];
    for (int k = 0; k < 4; ++k) {
      ad.body += fillers[rng() % std::size(fillers)];
      ad.body += ' ';
      const std::string npa = npas[rng() % std::size(npas)];
      const std::string nxx = std::to_string(200 + rng() % 20), line = std::to_string(1000 + rng() % 9000);
      switch (rng() % 4) {
        case 0: ad.body += npa + "-" + nxx + "-" + line; break;
        case 1: ad.body += "(" + npa + ") " + nxx + " " + line; break;
        case 2: ad.body += npa + "." + nxx + "." + line; break;
        default: ad.body += "1" + npa + nxx + line; break;
      }
      ad.body += ". ";
    }
    // Locations recur out of order, so the per-location cache is read as well as filled.
    const char* locations[] = {"Portland, OR", "Toronto, ON", "London", "Dublin, CA", "Manchester Blvd, Inglewood",
                               "New Delhi, IN", "", "Portland, Maine"};
    ad.location = locations[rng() % std::size(locations)];
    FactExtractor fresh(Res());
    ASSERT_EQ(FactsToJson(reused.Extract(ad)), FactsToJson(fresh.Extract(ad))) << ad.body;
  }
}


// The normaliser's fast paths (word-at-a-time ASCII runs, vectorised copies, block moves in the in-place passes)
// give exactly the plain per-byte implementation's text and offset map: on texts built from the pieces the passes
// react to (space runs, repeated letters next to digits, letter-spaced words, non-ASCII folds) and on random bytes.
TEST(ExtractShortcuts, NormalizeMatchesReference) {
  const char* pieces[] = {" ", "  ", "   ", "\n", ".", "-", "*", "|", "~", "_", "+", "a", "b", "o", "w", "ooo", "www",
                          "ssss", "5", "0", "12", "x y z", "h.o.t", "y o u n g", "a  b", "Hot", "SOOO", "i", "l",
                          "\t", "\x7f", "`", "\xC3\xA9", "\xD0\xB0", "\xEF\xBC\x90", "\xF0\x9F\x98\x80", "\xE2\x80\x8B",
                          "\xE2\x91\xA0", "\xE2\x80\x94", "\xE2\x80\x99", "\xE2\x85\xA7", "\xC3", "\xFF", "abcdefghijk",
                          "0123456789", "call me"};
  std::mt19937_64 rng(19);
  NormText fast, ref;
  auto check = [&](const std::string& text) {
    Normalize(text, fast);
    NormalizeReference(text, ref);
    ASSERT_EQ(fast.text, ref.text) << "input bytes: " << text.size();
    ASSERT_EQ(fast.src_begin, ref.src_begin);
    ASSERT_EQ(fast.src_end, ref.src_end);
  };
  size_t changed = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    const size_t n = 1 + rng() % 40;
    for (size_t i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
    check(text);
    changed += ref.text.size() < text.size();
  }
  EXPECT_GT(changed, 10000u);  // the passes did drop bytes in most texts
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text(rng() % 300, '\0');
    const bool ascii = iter % 2 == 0;  // mostly-ASCII texts reach the fast run copy
    for (char& c : text) c = static_cast<char>(ascii && rng() % 16 ? rng() % 128 : rng() % 256);
    check(text);
  }
  check("");
}

// The phone finder passes over idle text (no digit group open, no '+' or currency sign pending) a word at a time,
// looking only at digits, signs, non-ASCII bytes and words that may be number words or touch a digit. It finds
// exactly what the full state machine finds byte by byte: on texts built from the pieces the finder reacts to
// (number words, look-alikes, heights, clock times, signs, separators) and on random bytes.
TEST(ExtractShortcuts, PhoneIdleSkipMatchesFullScan) {
  const char* pieces[] = {" ", "  ", ". ", "-", "(", ")", "/", ":", "'", "\"", "+", "$", "\xE2\x82\xAC", "\xC2\xA3",
                          "\n", "@", "call", "text", "me", "the", "to", "one", "two", "five", "oh", "o", "zero",
                          "seven", "cinco", "dos", "threight", "twozerotwo", "honey", "simone", "tone", "l", "ll",
                          "lO", "i", "5", "4", "0", "00", "44", "503", "555", "0100", "724", "3016", "7700",
                          "900123", "212", "10:30", "5'4", "4'11\"", "\xC3\xA9t\xC3\xA9", "\xD0\xBE",
                          "\xEF\xBC\x95", "Hot", "SOOO", "x y z", "  five  oh  three  "};
  std::mt19937_64 rng(31);
  PhoneFinder skipping, full;
  full.SetSkipIdleText(false);
  NormText norm;
  size_t found = 0, texts = 0;
  auto check = [&](const std::string& text, const std::string& region) {
    Normalize(text, norm);
    std::vector<PhoneFact> a, b;
    skipping.Find(norm, text, "body", region, a);
    full.Find(norm, text, "body", region, b);
    ASSERT_EQ(a.size(), b.size()) << "input bytes: " << text.size();
    for (size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].e164, b[k].e164);
      EXPECT_EQ(a[k].raw, b[k].raw);
      EXPECT_EQ(a[k].span, b[k].span);
      EXPECT_EQ(a[k].obfuscated, b[k].obfuscated);
      EXPECT_EQ(a[k].confidence, b[k].confidence);
    }
    found += a.size();
    ++texts;
  };
  const std::string regions[] = {"US", "GB", "IN"};
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    const size_t n = 1 + rng() % 40;
    for (size_t i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
    check(text, regions[iter % 3]);
  }
  EXPECT_GT(found, 2000u);  // the texts did hold phones, spelled and written
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text(rng() % 300, '\0');
    const bool ascii = iter % 2 == 0;
    for (char& c : text) c = static_cast<char>(ascii && rng() % 16 ? rng() % 128 : rng() % 256);
    check(text, "US");
  }
  check("", "US");
}

// The number-word splitter's quick rejects (first/last letter, adjacent letter pairs) never reject a word that
// splits: compared with a plain recursive split on words built from number words, with and without damage.
bool SplitsIntoNumberWords(std::string_view s) {
  static const char* kWords[] = {"zero", "oh", "o", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                 "nine", "ten", "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete",
                                 "ocho", "nueve", "diez", "threight"};
  if (s.empty()) return true;
  for (const char* w : kWords) {
    const std::string_view v(w);
    if (s.substr(0, v.size()) == v && SplitsIntoNumberWords(s.substr(v.size()))) return true;
  }
  return false;
}

TEST(ExtractShortcuts, NumberWordsMatchPlainSplit) {
  const char* pieces[] = {"zero", "oh", "o", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                          "ten", "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
                          "diez", "threight", "e", "n", "s", "t", "x", "honey", "simone"};
  std::mt19937_64 rng(23);
  int yes = 0;
  for (int iter = 0; iter < 50000; ++iter) {
    std::string w;
    const size_t n = 1 + rng() % 5;
    for (size_t i = 0; i < n; ++i) w += pieces[rng() % std::size(pieces)];
    if (rng() % 4 == 0 && !w.empty()) w[rng() % w.size()] = static_cast<char>('a' + rng() % 26);
    if (w.size() > 48) continue;  // the splitter's bound on a letter run
    const bool want = SplitsIntoNumberWords(w);
    yes += want;
    ASSERT_EQ(IsNumberWords(w), want) << w;
  }
  EXPECT_GT(yes, 5000);
}

// ExtractPhones keeps the parsed region per location (as Extract does): a reused extractor, seeing locations out of
// order, finds the same phones as a fresh one, and the same as the full Extract.
TEST(ExtractShortcuts, ExtractPhonesRegionCacheMatchesFresh) {
  std::mt19937_64 rng(29);
  const char* locations[] = {"Portland, OR", "London", "Mumbai", "Toronto, ON", "Dublin, CA", "Paris", "Paris, TX",
                             "", "Sydney"};
  const char* numbers[] = {"020 7946 0958", "07700 900123", "503-724-3016", "98765 43210", "0412 345 678",
                           "01 23 45 67 89", "+44 7700 900123", "212 555 0123"};
  FactExtractor reused(Res());
  std::vector<PhoneFact> got, want;
  for (int i = 0; i < 2000; ++i) {
    core::Ad ad;
    ad.location = locations[rng() % std::size(locations)];
    ad.body = std::string("call ") + numbers[rng() % std::size(numbers)] + " or " + numbers[rng() % std::size(numbers)];
    reused.ExtractPhones(ad, got);
    FactExtractor fresh(Res());
    fresh.ExtractPhones(ad, want);
    const Facts full = fresh.Extract(ad);
    ASSERT_EQ(got.size(), want.size()) << ad.location;
    ASSERT_EQ(got.size(), full.phones.size()) << ad.location;
    for (size_t k = 0; k < got.size(); ++k) {
      ASSERT_EQ(got[k].e164, want[k].e164);
      ASSERT_EQ(got[k].e164, full.phones[k].e164);
    }
  }
}

}  // namespace
}  // namespace lodestar::extract

namespace lodestar::extract {
namespace {

// Texts built from the pieces the URL trigger, the e-mail and handle passes and the lexicon react to, plus
// random bytes: matches and near misses are both common.
std::vector<std::string> GeneratedTexts(uint64_t seed, int count) {
  const char* pieces[] = {" ", " ", "\n", ".", "..", "a", "ab", "abc", "abcdef", "abcdefg", "x1", "9", "_", "-", "A",
                          "www.", "http:", "https:", "ww", "co.uk", ".com", "com", "@", " at ", "(at)", "dot", "gmail",
                          "ig", "ig:", "sc @", "of", "tw:", "twitter", "tweet me", "insta", "snap", "kik", "telegram",
                          "whats app", "only fans", "fansly", "skype", "wechat", "mia_rose", "new in town",
                          "incall only", "24/7", "young", "teen", "my girls", "\xC3\xA9", "\xE2\x80\x94"};
  std::mt19937_64 rng(seed);
  std::vector<std::string> out;
  for (int iter = 0; iter < count; ++iter) {
    std::string text;
    if (iter % 5 == 4) {
      text.assign(rng() % 200, '\0');
      for (char& c : text) c = static_cast<char>(rng() % 4 ? 32 + rng() % 95 : rng() % 256);
    } else {
      const size_t n = 1 + rng() % 16;
      for (size_t i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
    }
    out.push_back(std::move(text));
  }
  return out;
}

using test::GroupRecord;
using test::RecordGroups;
using test::Re2Matches;

GroupRecord ScannerMatches(void (*scan)(std::string_view, std::vector<GroupMatch>&), int n, std::string_view text) {
  std::vector<GroupMatch> matches;
  scan(text, matches);
  GroupRecord out;
  for (const GroupMatch& m : matches) RecordGroups(text, m.g.data(), n, out);
  return out;
}

// ScanMoney, ScanDurations, ScanAges, ScanHeights, ScanWeights and ScanTitleAges report what RE2 reports for their
// patterns: every match, every group, in order, on random texts of prices, durations, ages, measurements and near
// misses (raw and normalised), the longest reaches of each alternative, generated texts, and real and generated ads.
TEST(ExtractShortcuts, ScannersFindWhatRe2Finds) {
  RE2::Options opts;
  opts.set_log_errors(false);
  const RE2 money(kMoneyPattern, opts), duration(kDurationPattern, opts), age(kAgePattern, opts);
  ASSERT_TRUE(money.ok() && duration.ok() && age.ok());
  const RE2 height(kHeightPattern, opts), weight(kWeightPattern, opts), title_age(kTitleAgePattern, opts);
  ASSERT_TRUE(height.ok() && weight.ok() && title_age.ok());
  ASSERT_EQ(height.NumberOfCapturingGroups() + 1, kHeightGroups);
  ASSERT_EQ(weight.NumberOfCapturingGroups() + 1, kWeightGroups);
  ASSERT_EQ(title_age.NumberOfCapturingGroups() + 1, kTitleAgeGroups);
  ASSERT_EQ(age.NumberOfCapturingGroups() + 1, kAgeGroups);
  ASSERT_EQ(money.NumberOfCapturingGroups() + 1, kMoneyGroups);
  ASSERT_EQ(duration.NumberOfCapturingGroups() + 1, kDurationGroups);
  const RE2 handle(kPlatformHandlePattern, opts);
  ASSERT_TRUE(handle.ok());
  ASSERT_EQ(handle.NumberOfCapturingGroups() + 1, kPlatformHandleGroups);
  long prices = 0, durations = 0, ages = 0, heights = 0, weights = 0, title_ages = 0, handles = 0;
  std::mt19937_64 range_rng(59);
  auto check = [&](std::string_view text) {
    const GroupRecord want_money = Re2Matches(money, text), want_duration = Re2Matches(duration, text);
    prices += static_cast<long>(want_money.size());
    durations += static_cast<long>(want_duration.size());
    if (ScannerMatches(ScanMoney, kMoneyGroups, text) != want_money) return std::string("money");
    if (ScannerMatches(ScanDurations, kDurationGroups, text) != want_duration) return std::string("duration");
    const GroupRecord want_age = Re2Matches(age, text);
    ages += static_cast<long>(want_age.size());
    if (ScannerMatches(ScanAges, kAgeGroups, text) != want_age) return std::string("age");
    const GroupRecord want_height = Re2Matches(height, text), want_weight = Re2Matches(weight, text),
                      want_title_age = Re2Matches(title_age, text);
    heights += static_cast<long>(want_height.size());
    weights += static_cast<long>(want_weight.size());
    title_ages += static_cast<long>(want_title_age.size());
    if (ScannerMatches(ScanHeights, kHeightGroups, text) != want_height) return std::string("height");
    if (ScannerMatches(ScanWeights, kWeightGroups, text) != want_weight) return std::string("weight");
    if (ScannerMatches(ScanTitleAges, kTitleAgeGroups, text) != want_title_age) return std::string("title age");
    const GroupRecord want_handle = Re2Matches(handle, text);
    handles += static_cast<long>(want_handle.size());
    if (ScannerMatches(ScanPlatformHandles, kPlatformHandleGroups, text) != want_handle) return std::string("handle");
    // ScanDurationsAround: the matches of the whole search that reach into random ranges.
    std::vector<GroupMatch> all, around;
    ScanDurations(text, all);
    std::vector<std::pair<size_t, size_t>> ranges;
    for (size_t k = range_rng() % 5; k > 0; --k) {
      const size_t lo = range_rng() % (text.size() + 8);
      ranges.push_back({lo, lo + range_rng() % 40});
    }
    std::sort(ranges.begin(), ranges.end());
    ScanDurationsAround(text, ranges, around);
    GroupRecord want_around, got_around;
    for (const GroupMatch& m : all) {
      const size_t b = static_cast<size_t>(m.g[0].data() - text.data()), e = b + m.g[0].size();
      if (std::any_of(ranges.begin(), ranges.end(), [&](const auto& r) { return e >= r.first && b <= r.second; })) {
        RecordGroups(text, m.g.data(), kDurationGroups, want_around);
      }
    }
    for (const GroupMatch& m : around) RecordGroups(text, m.g.data(), kDurationGroups, got_around);
    if (got_around != want_around) return std::string("durations around ranges");
    return std::string();
  };
  const char* pieces[] = {" ", " ", "  ", "\n", "\t", "\v", "\r", "\f", "$", "$ ", "\xC2\xA3", "\xE2\x82\xAC", "usd",
                          "usd ", "usd\t", "dollar", "dollars", "rose", "roses", "rs", "bucks", "eur", "euro", "euros",
                          "gbp", "donation", "donations", "rate", "rates", "gift", "gifts", "is", "are", ":", "-", "=",
                          "of", "/", "per", "a", "an", "hr", "hrs", "hour", "hours", "hourly", "hrly", "hh", "qv",
                          "half", "quick", "visit", "quickie", "full", "fh", "over", "night", "overnight", "one", "all",
                          "minutes", "minute", "mins", "min", "mn", "h", "1/2", " 1/2", ".", ".5", ".50", "0", "1", "2",
                          "5", "12", "30", "60", "150", "200", "1500", "12345", "123456", "x", "_", "s", "ly", "and",
                          "\xC3\xA9", "\xC2", "\xA3", "\xE2\x82", "\xF0\x9F\x8C\xB9", "'", "#", ",",
                          // ages
                          "age", "aged", "edad", "i", "i'm", "im", "m", "am", "only", "just", "tengo", "anos", "ano",
                          "yr", "yrs", "year", "years", "y/o", "yo", "y.o.", "y.o", "old", "young", "24", "19", "99",
                          "X", "\xE0\x80\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC0\x80", "\x80",
                          // heights, weights, title ages
                          "5", "4", "6", "3", "''", "\"", "ft", "feet", "foot", "in", "inch", "inches", "cm", "145",
                          "160", "199", "139", "lb", "lbs", "pounds", "kg", " - ", "S", ".4",
                          // platform handles
                          "twitter", "tweet me", "tweet", "instagram", "insta", "snapchat", "snap", "kik", "telegram",
                          "whats app", "whatsapp", "onlyfans", "only fans", "fansly", "skype", "wechat", "handle",
                          "user", "username", "account", "page", "at", "on", "me", "@", ">", "|", "mia_rose",
                          "mia.rose", "x9"};
  std::mt19937_64 rng(47);
  for (int iter = 0; iter < 60000; ++iter) {
    std::string text;
    const size_t n = 1 + rng() % 20;
    for (size_t i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
    ASSERT_EQ(check(text), "") << "text: " << text;
    ASSERT_EQ(check(NormalizeForDisplay(text)), "") << "normalised text of: " << text;
  }
  for (const char* s : {"donations are $12345 x", "rates is 150", "rateis200", "roses:300", "gift=$80", "rate 12345",
                        "200 an hour", "200 ahh", "200perhr", "80 / half  hour", "80 half-hour", "150 hours",
                        "2 1/2 hours", "1.5 hr", "12.5hr", "100 min", "2000 min", "hour and a half", "hour  and half",
                        "half an hour", "halfan hr", "full hour", "fullhour", "1 night", "a night", "all night",
                        "over  night", "quick visit", "quickvisit", "$1234567", "usd 150.00", "150.00 usd", "150.0 usd",
                        "12.345 euros", "1,500 dollars", "150dollars", "150 dollarsx", "$", "usd", "1",
                        // ages: the longest reach before the number, and each alternative's edges
                        "x i am only 22", "i'm just 22", "im a 22", "i  m 22", "aged is 22", "age:22", "edad-22",
                        "22yrs.old", "22 year of  age", "22 years young", "22 y.o.", "22 y.o", "22 yo", "22y/o!",
                        "22 yrs", "22 anos", "22 ano", "tengo 22", "tengo22", "22 yox", "22 yo_", "122 yo",
                        // heights: every optional part, spaces given back, the closing character or end
                        "5'4\"", "5' 4''", "5 ft 4 in", "5ft4inches", "5 feet  10.5  inches!", "5'4inch", "5'4 x",
                        "5'  x", "5'", "5'123", "5' 12", "5'4.5\"", "6 foot", "x5'4", "_5'4", "55'4", "5'4\xC3\xA9",
                        "5'4\xC3", "5 '  ", "5 ft\n", "4'11''1", "5'4.x", "5'4. ", "5'09.9inches7", "145cm", "199 cm",
                        "145 cmx", "1450cm", "2145cm", "139cm", "160  cm.",
                        // weights
                        "120lbs", "120 lbsx", "120 lbS", "120lb.", "120 pounds", "120#", "120#1", "12 kg", "1200 kg",
                        "120kgs", "120 kg!", "x120 lbs", "99 lb\xE2\x82\xAC", "99 lb\xE2\x82", "99#\xF0\x9F\x8C\xB9",
                        // title ages
                        " - 22", "- 22", "x - 22", "$ - 22", ". - 22", "9 - 22", "\xE2\x82\xAC - 22", "\xC3\xA9 - 22,",
                        "\x80 - 22", "\xC3 - 22", "a - 223", "a - 22x", "a - 22 - 33", "a  - 22\n", "a\t-\t22\t",
                        " - 22 - 33", "\v - 22", "ab\xF0\x9F\x8C\xB9 - 22 "}) {
    ASSERT_EQ(check(s), "") << s;
  }
  for (const std::string& text : GeneratedTexts(53, 20000)) ASSERT_EQ(check(text), "") << "text: " << text;
  // Each filler word and mark between a platform name and its handle, alone and in runs.
  for (const char* filler : {"me", "handle", "name", "id", "username", "user", "account", "page", "is", "at", "on",
                             ":", "=", "@", ">", "|", "-"}) {
    for (const std::string& text : {std::string("kik ") + filler + " mia", std::string("snap") + filler + "mia",
                                   std::string("only fans ") + filler + " " + filler + " @mia.x",
                                   std::string("kik ") + filler}) {
      ASSERT_EQ(check(text), "") << text;
    }
  }
  {  // long enough for the 4,096-match cap: ScanDurationsAround reads the whole text
    std::string capped;
    while (capped.size() < 12000) capped += "1h qv, ";
    ASSERT_EQ(check(capped), "");
    for (const char* unit : {"5'4 ", "99# ", "a - 22 "}) {  // and each measurement scanner's
      std::string many;
      while (many.size() < 40000) many += unit;
      ASSERT_EQ(check(many), "") << unit;
    }
  }
  const std::string files[] = {std::string(LODESTAR_SHARED_DATA) + "/ads/backpage-ca.jsonl",
                               std::string(LODESTAR_SHARED_DATA) + "/ads/dig-ad-type-train.jsonl"};
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::string line;
    for (int lines = 0; lines < 3000 && std::getline(in, line); ++lines) {
      ASSERT_EQ(check(line), "") << file << " line " << lines + 1;
      ASSERT_EQ(check(NormalizeForDisplay(line)), "") << file << " line " << lines + 1 << " normalised";
    }
  }
  EXPECT_GT(prices, 20000);
  EXPECT_GT(durations, 20000);
  EXPECT_GT(ages, 20000);
  EXPECT_GT(handles, 10000);
  EXPECT_GT(heights, 20000);
  EXPECT_GT(weights, 15000);
  EXPECT_GT(title_ages, 8000);
}

// UrlTriggerFires answers exactly as the pattern it replaced in the Hyperscan scan (ASCII \b, as both Hyperscan
// without UCP and RE2 read it), on normalised and on raw text.
TEST(ExtractShortcuts, UrlTriggerMatchesItsPattern) {
  const RE2 pattern("www\\.|https?:|[a-z0-9]\\.[a-z]{2,6}\\b", RE2::Latin1);
  ASSERT_TRUE(pattern.ok());
  int fired = 0, total = 0;
  for (const std::string& raw : GeneratedTexts(31, 30000)) {
    for (const std::string& t : std::vector<std::string>{raw, NormalizeForDisplay(raw)}) {
      const bool want = RE2::PartialMatch(t, pattern);
      ASSERT_EQ(UrlTriggerFires(t), want) << t;
      fired += want;
      ++total;
    }
  }
  EXPECT_GT(fired, total / 10);
  EXPECT_LT(fired, total * 9 / 10);
  for (const char* t : {"a.com", "a.comx", "a.co_", "a.c", "x.abcdef", "x.abcdefg", "-.com", "a.Com", "www", "http"}) {
    EXPECT_EQ(UrlTriggerFires(t), RE2::PartialMatch(t, pattern)) << t;
  }
}

// WordTriggers answers exactly as the four Hyperscan trigger patterns it replaced (ASCII \b; \s with \v, as
// Hyperscan reads it), each on its own.
TEST(ExtractShortcuts, WordTriggersMatchTheirPatterns) {
  const test::TriggerPatterns patterns = test::WordTriggerPatterns();
  const char* pieces[] = {" ", " ", "\n", "\v", "\t", ".", "/", "'", "_", "x", "A", "9", "i", "m", "am", "im", "i'm",
                          "age", "aged", "edad", "tengo", "y", "o", "yo", "yr", "yrs", "year", "ano", "anos", "y/o",
                          "y.o", "$", "\xC2\xA3", "\xE2\x82\xAC", "usd", "dollar", "rose", "rs", "hr", "hour", "hh",
                          "qv", "half", "gift", "rate", "euro", "gbp", "bucks", "donation", "ft", "feet", "foot", "cm",
                          "lb", "lbs", "pounds", "kg", "#", "\xC3\xA9", "tokyo", "others"};
  std::mt19937_64 rng(41);
  int fired[4] = {}, total = 0;
  for (int iter = 0; iter < 40000; ++iter) {
    std::string text;
    const size_t n = 1 + rng() % 6;
    for (size_t i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
    const uint32_t got = WordTriggers(text);
    for (size_t k = 0; k < std::size(patterns); ++k) {
      const bool want = RE2::PartialMatch(text, *patterns[k].second);
      ASSERT_EQ((got & patterns[k].first) != 0, want) << "pattern " << k << " text: " << text;
      fired[k] += want;
    }
    ++total;
  }
  for (const char* t : {"i m", "i  am", "i\vam", "i\tm", "i,m", "xi m", "i mx", "i'm", "i'mx", "xi'm", "y/o", "xy.o",
                        "y/ox", "y./o", "$", "5'", "#1", "3rs", "hours", "ages", "tokyo!", "anos_", "\xC2\xA3"}) {
    for (size_t k = 0; k < std::size(patterns); ++k) {
      EXPECT_EQ((WordTriggers(t) & patterns[k].first) != 0, RE2::PartialMatch(t, *patterns[k].second)) << k << " " << t;
    }
  }
  for (int k = 0; k < 4; ++k) {
    EXPECT_GT(fired[k], total / 20) << k;  // both answers occur for each trigger
    EXPECT_LT(fired[k], total * 19 / 20) << k;
  }
}

// The e-mail and handle passes run without a scan trigger: every fact they report lies in a field whose
// normalised text the dropped trigger patterns match, so with the triggers the same facts were found.
TEST(ExtractShortcuts, EmailAndHandleFactsNeedNoTrigger) {
  const RE2 email_trigger("@|\\bat\\b", RE2::Latin1);
  const RE2 handle_trigger(
      "@|\\b(twitter|tweet|insta|instagram|ig|snap|snapchat|sc|kik|telegram|tg|whats\\s*app|wa|onlyfans|only\\s*fans|"
      "of|fansly|skype|wechat|tw)\\b",
      RE2::Latin1);
  FactExtractor fx(Res());
  int emails = 0, handles = 0;
  for (const std::string& text : GeneratedTexts(37, 20000)) {
    core::Ad ad;
    ad.body = text;
    const Facts f = fx.Extract(ad);
    const std::string norm = NormalizeForDisplay(text);
    if (!f.emails.empty()) {
      ASSERT_TRUE(RE2::PartialMatch(norm, email_trigger)) << norm;
    }
    if (!f.handles.empty()) {
      ASSERT_TRUE(RE2::PartialMatch(norm, handle_trigger)) << norm;
    }
    emails += !f.emails.empty();
    handles += !f.handles.empty();
  }
  EXPECT_GT(emails, 50);
  EXPECT_GT(handles, 500);
}

// The lexicon database is compiled without HS_FLAG_SINGLEMATCH; the scan keeps each entry's first report. That is
// what the flag gives: the same (entry, end) pairs as a database compiled with it.
TEST(ExtractShortcuts, LexiconFirstReportsMatchSingleMatch) {
  auto lex = Lexicon::Load(std::string(LODESTAR_SOURCE_DIR) + "/data");
  ASSERT_TRUE(lex.ok()) << lex.status().message();
  const auto& entries = lex.value()->entries();
  std::vector<const char*> patterns;
  std::vector<unsigned int> flags, ids;
  for (size_t i = 0; i < entries.size(); ++i) {
    patterns.push_back(entries[i].pattern.c_str());
    const bool upper = std::any_of(entries[i].pattern.begin(), entries[i].pattern.end(),
                                   [](char c) { return c >= 'A' && c <= 'Z'; });
    flags.push_back((upper ? HS_FLAG_CASELESS : 0u) | HS_FLAG_SINGLEMATCH | HS_FLAG_DOTALL);
    ids.push_back(static_cast<unsigned int>(i));
  }
  hs_database_t* single = nullptr;
  hs_compile_error_t* err = nullptr;
  ASSERT_EQ(hs_compile_multi(patterns.data(), flags.data(), ids.data(), static_cast<unsigned int>(patterns.size()),
                             HS_MODE_BLOCK, nullptr, &single, &err),
            HS_SUCCESS);
  hs_scratch_t* s1 = nullptr;
  hs_scratch_t* s2 = lex.value()->AllocScratch();
  ASSERT_EQ(hs_alloc_scratch(single, &s1), HS_SUCCESS);
  using Reports = std::vector<std::pair<unsigned, unsigned long long>>;
  auto record = [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) -> int {
    auto* r = static_cast<Reports*>(ctx);
    for (const auto& [seen, end] : *r) {
      if (seen == id) return 0;
    }
    r->emplace_back(id, to);
    return 0;
  };
  size_t reports = 0;
  for (const std::string& raw : GeneratedTexts(41, 20000)) {
    const std::string t = NormalizeForDisplay(raw);
    if (t.empty()) continue;
    Reports want, got;
    hs_scan(single, t.data(), static_cast<unsigned>(t.size()), 0, s1, record, &want);
    hs_scan(lex.value()->database(), t.data(), static_cast<unsigned>(t.size()), 0, s2, record, &got);
    // Triggers only count as fired or not (with the flag, a trigger may even report a later match than its
    // first); the order aside, as Lexicon callers sort hits by position.
    for (Reports* r : {&got, &want}) {
      std::erase_if(*r, [&](const auto& x) { return entries[x.first].kind == LexKind::kTrigger; });
      std::sort(r->begin(), r->end());
    }
    ASSERT_EQ(got, want) << t;
    reports += want.size();
  }
  EXPECT_GT(reports, 1000u);
  hs_free_scratch(s1);
  hs_free_scratch(s2);
  hs_free_database(single);
}

// Entries whose pattern is a list of words between \b find where a hit starts by comparing bytes: the same start
// as their RE2 tail pattern at every position, on texts built from the lexicon's own words with upper case, word
// bytes glued on either side, digits, and the non-ASCII characters RE2 folds to ASCII letters (KELVIN SIGN, LONG S).
TEST(ExtractShortcuts, LexiconWordStartsMatchTheTailPattern) {
  auto lex = Lexicon::Load(std::string(LODESTAR_SOURCE_DIR) + "/data");
  ASSERT_TRUE(lex.ok()) << lex.status().message();
  std::vector<const LexEntry*> with_words;
  std::vector<std::string> pieces = {" ", "  ", "\n", "-", "_", "x", "s", "9", "K", "\xE2\x84\xAA", "\xC5\xBF",
                                     "\xC3\xA9", ".", "'"};
  for (const LexEntry& e : lex.value()->entries()) {
    if (e.words.empty()) continue;
    with_words.push_back(&e);
    for (const std::string& w : e.words) {
      pieces.push_back(w);
      std::string upper = w;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      pieces.push_back(upper);
      pieces.push_back(w.substr(0, w.size() / 2));
    }
  }
  ASSERT_GT(with_words.size(), 10u);
  std::mt19937_64 rng(47);
  std::vector<std::string> texts = GeneratedTexts(43, 2000);
  for (int iter = 0; iter < 4000; ++iter) {
    std::string text;
    const size_t n = 1 + rng() % 12;
    for (size_t i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
    texts.push_back(std::move(text));
  }
  texts.push_back(std::string(250, 'x') + " asian");  // a start near the 200-byte window
  for (const LexEntry* e : with_words) {
    for (const std::string& w : e->words) {
      for (const auto& [ascii, folded] : {std::pair<char, const char*>{'s', "\xC5\xBF"}, {'k', "\xE2\x84\xAA"}}) {
        if (const size_t p = w.find(ascii); p != std::string::npos) {
          texts.push_back("in " + w.substr(0, p) + folded + w.substr(p + 1));
        }
      }
    }
  }
  EXPECT_GT(test::ExpectHitStartsMatchTail(with_words, texts), 1000u);
}

// Place lookups take major/common-word flags from the key's summary instead of reading the places: the summary
// is the OR of the places' flags.
TEST(ExtractShortcuts, GazetteerKeyFlagsAreTheOrOfItsPlaces) {
  auto gz = Gazetteer::Load(LODESTAR_GAZETTEER_BIN);
  if (!gz.ok()) GTEST_SKIP() << gz.status().message();
  int found = 0;
  for (const char* key : {"portland", "paris", "springfield", "london", "toronto", "new york", "san jose", "austin",
                          "dublin", "victoria", "aurora", "mercedes", "chase", "kent", "not a place at all"}) {
    uint32_t any = 0xffffffff;
    const auto range = gz.value()->Find(key, &any);
    uint32_t want = 0;
    for (const auto& p : range) want |= p.flags;
    EXPECT_EQ(any, want) << key;
    EXPECT_EQ(gz.value()->MaybeKnownHashed(Gazetteer::Hash(key)), gz.value()->MaybeKnown(key));
    found += !range.empty();
  }
  EXPECT_GT(found, 8);
}

// The gazetteer's flat tables (place keys with their multi-word prefixes, word classes, regions) answer as maps
// built straight from the binary file do: every key, prefix, class word and region, and words that are none.
TEST(ExtractShortcuts, GazetteerFlatTablesMatchMapsOfTheFile) {
  auto loaded = Gazetteer::Load(LODESTAR_GAZETTEER_BIN);
  if (!loaded.ok()) GTEST_SKIP() << loaded.status().message();
  const Gazetteer& gz = *loaded.value();
  std::ifstream in(LODESTAR_GAZETTEER_BIN, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  GzHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  std::vector<GzPlace> places(h.n_places);
  std::vector<GzRegion> regions(h.n_regions);
  const char* p = bytes.data() + sizeof h;
  std::memcpy(places.data(), p, places.size() * sizeof(GzPlace));
  p += places.size() * sizeof(GzPlace);
  std::memcpy(regions.data(), p, regions.size() * sizeof(GzRegion));
  p += regions.size() * sizeof(GzRegion) + size_t{h.n_area_codes} * sizeof(GzAreaCode);
  const char* pool = p;
  std::map<std::string, uint32_t> key_flags;  // key -> OR of its places' flags
  std::set<std::string> prefixes;
  std::map<std::string, uint8_t> word_class;
  std::map<std::string, size_t> region_of;  // key -> first region with it
  for (size_t r = 0; r < regions.size(); ++r) {
    const std::string key(pool + regions[r].key_off, regions[r].key_len);
    region_of.emplace(key, r);
    const size_t sp = key.find(' ');
    word_class[key.substr(0, sp)] |= sp == std::string::npos ? Gazetteer::kWordRegion : Gazetteer::kWordRegionPrefix;
  }
  for (const GzPlace& pl : places) {
    const std::string key(pool + pl.key_off, pl.key_len);
    key_flags[key] |= pl.flags;
    if (pl.flags & kPlaceMajor) word_class[key.substr(0, key.find(' '))] |= Gazetteer::kWordMajorFirst;
    for (size_t sp = key.find(' '); sp != std::string::npos; sp = key.find(' ', sp + 1)) prefixes.insert(key.substr(0, sp));
  }
  for (const auto& [key, flags] : key_flags) {
    uint32_t any = 0;
    ASSERT_FALSE(gz.Find(key, &any).empty()) << key;
    ASSERT_EQ(any, flags) << key;
    ASSERT_EQ(gz.IsPrefix(key), prefixes.count(key) > 0) << key;
    ASSERT_TRUE(gz.MaybeKnown(key)) << key;
  }
  for (const std::string& prefix : prefixes) {
    ASSERT_TRUE(gz.IsPrefix(prefix)) << prefix;
    ASSERT_EQ(gz.Find(prefix).empty(), key_flags.count(prefix) == 0) << prefix;
  }
  for (const auto& [word, cls] : word_class) ASSERT_EQ(gz.WordClass(word), cls) << word;
  for (const auto& [key, r] : region_of) {
    const GzRegion* got = gz.FindRegion(key);
    ASSERT_NE(got, nullptr) << key;
    ASSERT_EQ(std::memcmp(got, &regions[r], sizeof(GzRegion)), 0) << key;
  }
  // Words that are none of these, some sharing a prefix or a length with real keys.
  std::mt19937_64 rng(47);
  int checked = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string w(1 + rng() % 10, 'a');
    for (char& c : w) c = static_cast<char>('a' + rng() % 26);
    if (i % 3 == 0) w = key_flags.begin()->first + w;
    if (key_flags.count(w) || prefixes.count(w) || word_class.count(w) || region_of.count(w)) continue;
    ASSERT_TRUE(gz.Find(w).empty()) << w;
    ASSERT_FALSE(gz.IsPrefix(w)) << w;
    ASSERT_EQ(gz.WordClass(w), 0) << w;
    ASSERT_EQ(gz.FindRegion(w), nullptr) << w;
    ++checked;
  }
  EXPECT_GT(checked, 15000);
  EXPECT_GT(key_flags.size(), 100000u);
  EXPECT_GT(prefixes.size(), 1000u);
}

}  // namespace
}  // namespace lodestar::extract
