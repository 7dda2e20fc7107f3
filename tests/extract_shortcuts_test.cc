// Extraction speed work (issue 3) must not change what is found: the shortcuts taken for speed are held here to
// the slow paths they replace, on generated inputs with known answers.
#include <gtest/gtest.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <random>
#include <string>
#include <vector>

#include "extract/extractor.h"
#include "extract_test_util.h"
#include "extract/normalize.h"
#include "extract/phones.h"
#include "extract/prechecks.h"

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
                          "foot", "cm", "lb", "lbs", "pounds", "#", "kg", "-", " - ", ",", "$", "$a", "cash", "ig",
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
                        "110#", "Hot - 22", "$mia_rose", "ig: mia", "of @mia"}) {
    EXPECT_EQ(PrecheckViolation(*res, NormalizeForDisplay(s)), "") << s;
  }
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
