// The phone finder's speed-ups (issue 3) find what the plain paths find: longest-first validation of a run's
// candidates keeps the longest valid one, and idle text skipped 64 bytes at a time (block masks kept between
// calls, words rejected by their first letter, a digit after a word read back to the word, short digit runs passed
// over whole) is read as the full byte-by-byte state machine reads it. Generated texts only.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "extract/normalize.h"
#include "extract/phones.h"

namespace lodestar::extract {
namespace {

std::vector<PhoneFact> FindIn(PhoneFinder& finder, const std::string& text, const std::string& region) {
  NormText norm;
  Normalize(text, norm);
  std::vector<PhoneFact> out;
  finder.Find(norm, text, "body", region, out);
  return out;
}

// A run whose shorter and longer groupings are both asked: the longest valid one is the phone, and its span ends
// where that grouping ends.
TEST(ExtractPhonesFast, LongestValidGroupingWins) {
  struct Case {
    const char* text;
    const char* region;
    const char* e164;
    const char* raw;
  };
  const Case cases[] = {
      {"call 07911 123 456 now", "GB", "+447911123456", "07911 123 456"},
      {"ring 020 7946 0958 today", "GB", "+442079460958", "020 7946 0958"},
      {"ring 0161 234 5678 9 today", "GB", "+441612345678", "0161 234 5678"},
      {"tel 55 1234 5678 ok", "MX", "+525512345678", "55 1234 5678"},
      {"text 503 724 3016 1 ok", "US", "+15037243016", "503 724 3016"},
      {"intl +44 7911 123456 99 ok", "US", "+447911123456", "+44 7911 123456"},
      {"both 503.724.3016 and 07911 123 456", "GB", "+15037243016", "503.724.3016"},
  };
  PhoneFinder finder;
  for (const Case& c : cases) {
    const std::vector<PhoneFact> got = FindIn(finder, c.text, c.region);
    ASSERT_FALSE(got.empty()) << c.text;
    EXPECT_EQ(got[0].e164, c.e164) << c.text;
    EXPECT_EQ(got[0].raw, c.raw) << c.text;
  }
}

// A fresh finder and one that has answered many numbers before (its caches warm) find the same phones.
TEST(ExtractPhonesFast, WarmFinderMatchesFresh) {
  const char* numbers[] = {"07911 123 456", "020 7946 0958", "55 1234 5678", "503 724 3016", "+44 7911 123456",
                           "0161 234 5678 9", "212 555 0123", "98765 43210", "0412 345 678", "01 23 45 67 89"};
  const char* regions[] = {"US", "GB", "MX", "IN", "AU"};
  std::mt19937_64 rng(41);
  PhoneFinder warm;
  for (int iter = 0; iter < 400; ++iter) {
    std::string text = "see ";
    for (int k = 0; k < 3; ++k) text += std::string(numbers[rng() % std::size(numbers)]) + " x ";
    const std::string region = regions[rng() % std::size(regions)];
    PhoneFinder fresh;
    const std::vector<PhoneFact> a = FindIn(warm, text, region), b = FindIn(fresh, text, region);
    ASSERT_EQ(a.size(), b.size()) << iter;
    for (size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].e164, b[k].e164);
      EXPECT_EQ(a[k].span, b[k].span);
    }
  }
}

// Long texts with the pieces the finder reacts to at every offset of the 64-byte blocks: words touching digits,
// number words, non-ASCII characters and signs that bring the finder back into a block it has classified.
TEST(ExtractPhonesFast, BlockSkipMatchesFullScan) {
  const char* pieces[] = {" ",    "  ",       ". ",    "-",    "\n",  "+",   "$",     "\xE2\x82\xAC", "\xC3\xA9",
                          "call", "tonight",  "the",   "sweet", "one", "two", "five",  "oh",           "o",
                          "zero", "threight", "simone", "l",    "ll",  "lO",  "5",     "44",           "503",
                          "724",  "3016",     "x9",    "ab7",  "7cd", "(",   ")",     "thousand",     "everyone",
                          "\xF0\x9F\x92\x8B", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopq"};
  std::mt19937_64 rng(43);
  PhoneFinder skipping, full;
  full.SetSkipIdleText(false);
  size_t found = 0;
  for (int iter = 0; iter < 6000; ++iter) {
    std::string text(rng() % 130, 'a' + static_cast<char>(rng() % 3));  // a long word first, so offsets vary
    text += ' ';
    const size_t n = 10 + rng() % 60;
    for (size_t i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
    const std::string region = iter % 2 ? "US" : "GB";
    const std::vector<PhoneFact> a = FindIn(skipping, text, region), b = FindIn(full, text, region);
    ASSERT_EQ(a.size(), b.size()) << "input bytes: " << text.size();
    for (size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].e164, b[k].e164);
      EXPECT_EQ(a[k].span, b[k].span);
      EXPECT_EQ(a[k].obfuscated, b[k].obfuscated);
    }
    found += a.size();
  }
  EXPECT_GT(found, 200u);  // the texts did hold phones
}

// Digits in every context the run reader reacts to, short and long runs alike: runs of fewer than seven digits that
// end at a letter run, a kOther byte or the text's end are passed over whole by the idle finder, and must find
// exactly what reading them group by group finds (look-alikes and number words after them continue the run; a
// '+', clock colon or height inside them only splits it).
TEST(ExtractPhonesFast, ShortDigitRunsMatchFullScan) {
  const char* pieces[] = {"1",   "5",   "07",  "44",  "503", "724", "3016", "0044", "00", "12345", "+",  "$",
                          " ",   "  ",  "-",   ".",   "/",   ":",   "'",    "\"",   "(",  ")",     "\n", "x",
                          "l",   "lO",  "o",   "oh",  "two", "five", "seven", "pm", "lbs", "b",    "ol",  "ii",
                          "\xE2\x82\xAC", "\xC3\xA9", "5'4", "4'11\"", "10:30", "760:796:2950", "#", "call"};
  std::mt19937_64 rng(47);
  PhoneFinder skipping, full;
  full.SetSkipIdleText(false);
  const char* regions[] = {"US", "US", "GB", "MX"};
  size_t found = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text(rng() % 100, 'a' + static_cast<char>(rng() % 3));
    text += ' ';
    const size_t n = 3 + rng() % 30;
    for (size_t i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
    const std::string region = regions[iter % std::size(regions)];
    const std::vector<PhoneFact> a = FindIn(skipping, text, region), b = FindIn(full, text, region);
    ASSERT_EQ(a.size(), b.size()) << "input bytes: " << text.size();
    for (size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].e164, b[k].e164);
      EXPECT_EQ(a[k].span, b[k].span);
      EXPECT_EQ(a[k].raw, b[k].raw);
      EXPECT_EQ(a[k].obfuscated, b[k].obfuscated);
      EXPECT_EQ(a[k].confidence, b[k].confidence);
    }
    found += a.size();
  }
  EXPECT_GT(found, 300u);  // the texts did hold phones
}

}  // namespace
}  // namespace lodestar::extract
