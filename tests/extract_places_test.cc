// The place finder's fast paths: the word-at-a-time gazetteer hash, the class table built from the gazetteer's
// classed words, the two ways location words are matched (in the class table, or by a mask when there are too
// many), and Find as a whole held to FindReference. Texts are made up here; the gazetteer is the one the build
// converts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <random>
#include <sstream>
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

// Every field of every fact, so that two runs compare whole.
std::string Describe(const std::vector<LocationFact>& facts) {
  std::ostringstream o;
  o.precision(17);
  for (const auto& l : facts) {
    o << l.name << '|' << l.admin1 << '|' << l.country << '|' << l.lat << '|' << l.lon << '|' << l.span.field << '|'
      << l.span.begin << '|' << l.span.end << '|' << l.confidence << '\n';
  }
  return o.str();
}

// Find against FindReference on random texts made of the words that matter to it (place keys of one to three
// words, region names and abbreviations, cue words, classed words and longer words sharing their first eight
// bytes, location words) among filler, numbers, capitals, non-ASCII letters and the joiners and separators it
// reads, with location fields and context regions of every kind (none, few, more words than the class table
// takes, regions no admin1 can equal), into outputs that already hold facts or are nearly full.
TEST(ExtractPlaces, FindEqualsTheReference) {
  auto gz = Gazetteer::Load(GazetteerPath());
  ASSERT_TRUE(gz.ok()) << gz.status().message();
  const Gazetteer& g = *gz.value();
  std::mt19937 rng(20240611);
  auto pick = [&](const auto& v) -> const auto& { return v[rng() % v.size()]; };
  std::vector<std::string> words;
  for (size_t p = 0; p < g.places().size(); p += 211) words.emplace_back(g.Key(g.places()[p]));
  for (const GzRegion& r : g.regions()) {
    const std::string k(g.Key(r));
    words.push_back(k);
    std::string upper = k;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    words.push_back(upper);
  }
  for (std::string_view w : g.ClassedWords()) {
    words.emplace_back(w);
    words.push_back(std::string(w) + "s");             // a longer word with the same first bytes
    words.push_back(std::string(w) + "xxxxxxxxxx");    // longer than eight bytes
  }
  for (const char* w : {"in", "to", "en", "de", "near", "from", "around", "located", "outside", "visiting",
                        "downtown", "downtowns", "visitings", "In", "NEAR", "Portland", "portland", "san", "new",
                        "york", "new york", "san francisco", "los angeles", "st", "saint", "fort", "mobile",
                        "sandy", "charlotte", "victoria", "or", "OR", "me", "ME", "ca", "CA"}) {
    words.emplace_back(w);
  }
  const std::vector<std::string> fillers = {"the", "a", "call", "me", "now", "24/7", "$150", "hr", "x", "qv",
                                            "sexy", "new", "girl", "caf\xc3\xa9", "\xe2\x9d\xa4\xef\xb8\x8f",
                                            "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", "503",
                                            "555-1234", "it's", "o'fallon", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"};
  const std::vector<std::string> joins = {" ", " ", " ", ", ", "-", ".", " - ", " (", "\n", "  ", "!", "'", ",",
                                          ". ", "/", " & "};
  const std::vector<std::string> location_fields = {"", "portland or", "kalamazoo michigan", "new york",
                                                    "san francisco california", "ab", "la", "st louis"};
  std::vector<std::string> many_words;
  for (int k = 0; k < 90; ++k) many_words.push_back("loc" + std::to_string(k * 7919));
  const std::vector<std::vector<std::string>> region_sets = {
      {}, {"OR"}, {"ME", "ME"}, {"CA", "TX", "NY", "OR"}, {"", "O", "ORE", "ABCDEFGH", "ABCDEFGHI"},
      {std::string("O\0", 2), "WA"}, {"ON", "QC", "BC"}};
  PlaceFinder finder(&g);
  size_t found = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    const int n = 1 + static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) {
      if (k > 0) text += pick(joins);
      text += rng() % 3 == 0 ? pick(fillers) : pick(words);
    }
    if (rng() % 8 == 0) text.insert(0, std::string(rng() % 130, 'y') + ' ');  // words across 64-byte blocks
    // The location field: a key, or more words than the class table takes, some of them in the text.
    std::string location_key = pick(location_fields);
    std::vector<std::string> owned;
    if (rng() % 10 == 0) {
      owned = many_words;
      owned.push_back(pick(words));
      location_key.clear();
      for (const auto& w : owned) {
        if (!location_key.empty()) location_key += ' ';
        location_key += w;
      }
      text += ' ';
      text += owned.back();
      text += ' ';
      text += many_words[rng() % many_words.size()];
    }
    std::vector<std::string_view> location_words;
    for (size_t b = 0; b < location_key.size();) {
      size_t e = location_key.find(' ', b);
      if (e == std::string::npos) e = location_key.size();
      if (e > b) location_words.push_back(std::string_view(location_key).substr(b, e - b));
      b = e + 1;
    }
    const std::vector<std::string>& regions = pick(region_sets);
    NormText norm;
    Normalize(text, norm);
    std::vector<LocationFact> fast, slow;
    if (rng() % 6 == 0) {  // outputs that already hold facts (which the text may name again), or nearly full
      const std::string other = "visiting portland, OR and downtown boston";
      NormText on;
      Normalize(other, on);
      finder.FindReference(on, other, "title", "", {}, {}, slow);
      if (rng() % 2 == 0) {
        while (slow.size() < 31) slow.emplace_back().name = std::to_string(slow.size());
      }
      fast = slow;
    }
    const char* field = rng() % 2 ? "title" : "body";
    finder.Find(norm, text, field, location_key, location_words, regions, fast);
    finder.FindReference(norm, text, field, location_key, location_words, regions, slow);
    ASSERT_EQ(Describe(fast), Describe(slow)) << text << " / " << location_key;
    found += !slow.empty();
  }
  EXPECT_GT(found, 1000u);
}

// The token cap: words past the first 20,001 are not searched, by either path.
TEST(ExtractPlaces, FindEqualsTheReferencePastTheTokenCap) {
  auto gz = Gazetteer::Load(GazetteerPath());
  ASSERT_TRUE(gz.ok()) << gz.status().message();
  PlaceFinder finder(gz.value().get());
  for (size_t lead : {19990u, 19996u, 19997u, 19998u, 19999u, 20000u, 20001u}) {
    std::string text;
    for (size_t k = 0; k < lead; ++k) text += k % 2 ? "xo " : "qu ";  // not single letters: those are joined
    text += "in boston, MA near portland oregon";
    NormText norm;
    Normalize(text, norm);
    std::vector<LocationFact> fast, slow;
    finder.Find(norm, text, "body", "", {}, {"MA"}, fast);
    finder.FindReference(norm, text, "body", "", {}, {"MA"}, slow);
    EXPECT_EQ(Describe(fast), Describe(slow)) << lead;
    if (lead <= 19996) {
      EXPECT_FALSE(slow.empty()) << lead;
    }
    if (lead >= 20000) {
      EXPECT_TRUE(slow.empty()) << lead;
    }
  }
}

}  // namespace
}  // namespace lodestar::extract
