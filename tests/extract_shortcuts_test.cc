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

}  // namespace
}  // namespace lodestar::extract
