// The phone finder's number-word precheck (MaySplitIntoNumberWords in phones.cc, its tests reordered so most words
// fail at their first three letters) never turns away a run that does split into number words: phones spelled
// as runs of glued English and Spanish number words, with every spelling of every digit, at every length the
// precheck allows, are all found; and ordinary words that merely start and end like number words stay words.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "extract/normalize.h"
#include "extract/phones.h"

namespace lodestar::extract {
namespace {

std::vector<PhoneFact> FindIn(PhoneFinder& finder, const std::string& text) {
  NormText norm;
  Normalize(text, norm);
  std::vector<PhoneFact> out;
  finder.Find(norm, text, "body", "US", out);
  return out;
}

// Every spelling the finder reads for each digit (number words, "o"/"oh" for zero, "threight" for 38 apart).
const std::vector<std::vector<std::string>>& Spellings() {
  static const std::vector<std::vector<std::string>> spellings = {
      {"zero", "oh", "o", "cero"}, {"one", "uno"},   {"two", "dos"},     {"three", "tres"}, {"four", "cuatro"},
      {"five", "cinco"},           {"six", "seis"},  {"seven", "siete"}, {"eight", "ocho"}, {"nine", "nueve"}};
  return spellings;
}

TEST(ExtractNumberWords, SpelledPhonesAreFound) {
  const std::string digits = "5037243016";
  std::mt19937_64 rng(11);
  PhoneFinder finder;
  for (int iter = 0; iter < 4000; ++iter) {
    // The ten digits in one, two or three glued runs (a run of more than 48 letters is never a number).
    const size_t cut1 = 1 + rng() % 9, cut2 = cut1 + rng() % (10 - cut1);
    std::string text = iter % 2 ? "call " : "Text me ";
    for (size_t k = 0; k < digits.size(); ++k) {
      if (k == cut1 || (k == cut2 && cut2 > cut1)) text += iter % 3 ? " " : ".";
      const auto& options = Spellings()[digits[k] - '0'];
      std::string word = options[rng() % options.size()];
      if (rng() % 4 == 0) word[0] = static_cast<char>(word[0] - 32);  // upper case folds back
      text += word;
    }
    text += " tonight";
    const std::vector<PhoneFact> found = FindIn(finder, text);
    ASSERT_EQ(found.size(), 1u) << text;
    EXPECT_EQ(found[0].e164, "+15037243016") << text;
    EXPECT_TRUE(found[0].obfuscated) << text;
  }
}

// "threight" (three + eight, after the normaliser folds "eee") and runs mixing words with digits.
TEST(ExtractNumberWords, FoldedAndMixedRunsAreFound) {
  PhoneFinder finder;
  for (const std::string text : {"call fiveohthree sevenTWOfour 3016", "call 5o3 724 threezeroonesix",
                                 "call cincocerotres sietedoscuatro tresceroUNOseis"}) {
    const std::vector<PhoneFact> found = FindIn(finder, text);
    ASSERT_EQ(found.size(), 1u) << text;
    EXPECT_EQ(found[0].e164, "+15037243016") << text;
  }
  const std::vector<PhoneFact> found = FindIn(finder, "call 503 threeeight 4 3016");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].e164, "+15033843016");
}

// Words whose first and last letters could start and end a number word, but which do not split, stay words.
TEST(ExtractNumberWords, OrdinaryWordsStayWords) {
  PhoneFinder finder;
  for (const std::string text : {"the tone of someone often seen", "onion stones sent to theo", "zone three"}) {
    EXPECT_TRUE(FindIn(finder, text).empty()) << text;
  }
}

}  // namespace
}  // namespace lodestar::extract
