// The place finder's fast paths: the word-at-a-time gazetteer hash, the class table built from the gazetteer's
// classed words, and the two ways location words are matched (in the class table, or by a mask when there are too
// many). Texts are made up here; the gazetteer is the one the build converts.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "extract/gazetteer.h"
#include "extract/normalize.h"
#include "extract/places.h"

namespace lodestar::extract {
namespace {

std::string GazetteerPath() {
  // LODESTAR_BIN is <build>/bin/lodestar; the build converts the gazetteer to <build>/data/gazetteer.bin.
  return (std::filesystem::path(LODESTAR_BIN).parent_path().parent_path() / "data" / "gazetteer.bin").string();
}

TEST(ExtractPlaces, PaddedHashEqualsTheHashOfTheBytesAlone) {
  std::mt19937 rng(7);
  for (size_t len = 0; len <= 40; ++len) {
    for (int round = 0; round < 20; ++round) {
      std::string s(len + 8, '\0');
      for (char& c : s) c = static_cast<char>(rng());
      EXPECT_EQ(GzHashPadded(s.data(), len), GzHashBytes(s.data(), len)) << len;
      EXPECT_EQ(Gazetteer::Hash(std::string_view(s.data(), len)), GzHashBytes(s.data(), len));
    }
  }
  EXPECT_NE(Gazetteer::Hash("ab"), Gazetteer::Hash(std::string_view("ab\0", 3)));
}

TEST(ExtractPlaces, ClassedWordsAreExactlyTheWordsWithAClass) {
  auto gz = Gazetteer::Load(GazetteerPath());
  ASSERT_TRUE(gz.ok()) << gz.status().message();
  const std::vector<std::string_view> words = gz.value()->ClassedWords();
  ASSERT_FALSE(words.empty());
  for (std::string_view w : words) EXPECT_NE(gz.value()->WordClass(w), 0) << w;
  EXPECT_NE(gz.value()->WordClass("new"), 0);  // first word of "new york"
  EXPECT_NE(std::find(words.begin(), words.end(), "new"), words.end());
}

struct Found {
  std::string name, admin1;
  size_t begin, end;
  bool operator==(const Found&) const = default;
};

std::vector<Found> FindIn(PlaceFinder& finder, const std::string& text, std::string_view location_key,
                          const std::vector<std::string_view>& location_words) {
  NormText norm;
  Normalize(text, norm);
  std::vector<LocationFact> out;
  finder.Find(norm, text, "body", location_key, location_words, {}, out);
  std::vector<Found> found;
  for (const auto& l : out) found.push_back({l.name, l.admin1, l.span.begin, l.span.end});
  return found;
}

// Names after cues, before regions, long (over eight bytes) and in the location field, moved across the 64-byte
// blocks of the word bitmap by a growing lead-in.
TEST(ExtractPlaces, FindsTheSamePlacesWhereverTheTextStartsAndHoweverLocationWordsAreMatched) {
  auto gz = Gazetteer::Load(GazetteerPath());
  ASSERT_TRUE(gz.ok()) << gz.status().message();
  PlaceFinder finder(gz.value().get());
  const std::string body =
      "New in town, visiting Portland, OR this week. Then downtown Sacramento and later San Francisco CA. "
      "Also near Springfield Illinois, and from Toronto, ON. Call me in Kalamazoo.";
  const std::string_view location_key = "kalamazoo michigan";
  const std::vector<std::string_view> location_words = {"kalamazoo", "michigan"};
  std::vector<std::string> fillers;
  for (int k = 0; k < 80; ++k) fillers.push_back("filler" + std::to_string(k));
  std::vector<std::string_view> many_words = location_words;
  many_words.insert(many_words.end(), fillers.begin(), fillers.end());

  const std::vector<Found> base = FindIn(finder, body, location_key, location_words);
  auto has = [&](std::string_view name, std::string_view admin1) {
    return std::any_of(base.begin(), base.end(), [&](const Found& f) { return f.name == name && f.admin1 == admin1; });
  };
  EXPECT_TRUE(has("Portland", "OR"));
  EXPECT_TRUE(has("Sacramento", "CA"));
  EXPECT_TRUE(has("San Francisco", "CA"));
  EXPECT_TRUE(has("Kalamazoo", "MI"));
  // More location words than the class table takes: the mask path must find the same.
  EXPECT_EQ(FindIn(finder, body, location_key, many_words), base);
  // The class table is restored after each call: without location words, Kalamazoo (after a cue) is still found,
  // and a second call with them gives the first answer again.
  FindIn(finder, body, "", {});
  EXPECT_EQ(FindIn(finder, body, location_key, location_words), base);

  for (size_t lead = 1; lead <= 70; ++lead) {
    std::string text;
    while (text.size() < lead) text += "x ";
    text.resize(lead);
    text += ' ';
    std::vector<Found> moved = FindIn(finder, text + body, location_key, location_words);
    for (auto& f : moved) {
      f.begin -= text.size();
      f.end -= text.size();
    }
    EXPECT_EQ(moved, base) << lead;
  }
}

TEST(ExtractPlaces, WordsAcrossBlocksAndAtTheEndOfTheText) {
  auto gz = Gazetteer::Load(GazetteerPath());
  ASSERT_TRUE(gz.ok()) << gz.status().message();
  PlaceFinder finder(gz.value().get());
  EXPECT_TRUE(FindIn(finder, "", "", {}).empty());
  EXPECT_TRUE(FindIn(finder, "in", "", {}).empty());
  const std::vector<Found> end = FindIn(finder, "visiting Portland, OR", "", {});
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].name, "Portland");
  // A word longer than a 64-byte block, and one that ends exactly at a block boundary.
  const std::string long_word(150, 'q');
  EXPECT_TRUE(FindIn(finder, long_word + " in " + long_word, "", {}).empty());
  const std::string edge = std::string(55, 'z') + " in Boston";  // "Boston" ends at byte 65
  ASSERT_EQ(FindIn(finder, edge, "", {}).size(), 1u);
}

// The finder keeps the place index's answers for short words between calls: a finder that has seen many texts
// (so that its cache slots were filled, and taken over, by other words) answers each text as a fresh one does.
TEST(ExtractPlaces, CachedWordLookupsAnswerAsAFreshFinder) {
  auto gz = Gazetteer::Load(GazetteerPath());
  ASSERT_TRUE(gz.ok()) << gz.status().message();
  const Gazetteer& g = *gz.value();
  std::vector<std::string> texts;
  for (size_t p = 0; p < g.places().size(); p += 97) {
    const std::string key(g.Key(g.places()[p]));
    texts.push_back("we stay in " + key + " this week");
    texts.push_back("call me, " + key + " " + std::string(g.Admin1(g.places()[p])));
  }
  for (int k = 0; k < 300; ++k) texts.push_back("in zq" + std::to_string(k) + " and in portland");
  PlaceFinder shared(&g);
  std::vector<std::vector<Found>> first;
  for (const std::string& text : texts) first.push_back(FindIn(shared, text, "", {}));
  size_t found = 0;
  for (size_t k = 0; k < texts.size(); ++k) {
    PlaceFinder fresh(&g);
    const std::vector<Found> want = FindIn(fresh, texts[k], "", {});
    EXPECT_EQ(first[k], want) << texts[k];
    EXPECT_EQ(FindIn(shared, texts[k], "", {}), want) << texts[k];
    found += !want.empty();
  }
  EXPECT_GT(found, texts.size() / 4);
}

}  // namespace
}  // namespace lodestar::extract
