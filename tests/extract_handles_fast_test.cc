// The handle and payment passes' fast paths (issue 3) report exactly what the whole-text RE2 searches they replace
// report: the platform-handle scanner, which tries only word starts found from 64-byte masks, and the windows the
// two cashapp passes search. Held on texts built around the masks' block edges and on random texts of near misses.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "extract/handle_scan.h"
#include "extract/prechecks.h"
#include "extract/windows.h"
#include "extract_test_util.h"

namespace lodestar::extract {
namespace {

// The patterns of the two cashapp passes, as extractor.cc compiles them.
constexpr char kCashTagPattern[] = "(?:^|[^a-z0-9$])\\$([a-z][a-z0-9_\\-]{2,19})\\b";
constexpr char kCashWordPattern[] =
    "\\bcash\\s*app\\b(?:\\s*(?:me|is|at|:|-|=|@|tag|name))*\\s*\\$?([a-z][a-z0-9_\\-]{2,19})\\b";

using Record = test::GroupRecord;
using test::Re2Matches;

Record Windowed(const RE2& re, std::string_view text, void (*build)(std::string_view, std::vector<Window>&)) {
  std::vector<Window> windows;
  build(text, windows);
  Record out;
  const int n = re.NumberOfCapturingGroups() + 1;
  ForEachMatchIn(re, text, windows, [&](const re2::StringPiece* g) { test::RecordGroups(text, g, n, out); });
  return out;
}

Record Scanned(std::string_view text) {
  std::vector<GroupMatch> matches;
  ScanPlatformHandles(text, matches);
  Record out;
  for (const GroupMatch& m : matches) test::RecordGroups(text, m.g.data(), kPlatformHandleGroups, out);
  return out;
}

// Random texts from pieces that make and nearly make matches of the three patterns.
std::string RandomText(std::mt19937_64& rng) {
  static const std::vector<std::string> kPieces = {
      "cash", "app", "cashapp", "cash app", "cash  app", "cash\napp", " me ", " is ", " at ", ":", "-", "=", "@", "tag",
      "name", "$", "$mia", "$ab", "$abc_d", "$x-y-z", "$$ab", "a$bcd", "9$abc", "$4ab", "kik", "snap", "snapchat",
      "insta", "instagram", "twitter", "tweet me", "telegram", "whatsapp", "whats app", "onlyfans", "only fans",
      "fansly", "skype", "wechat", "sc", "ig", " ", "  ", "\n", "\t", ".", ",", "_", "mia_rose", "x", "ab", "rose.x",
      "12345", "handle", "username", "account", "page", "\xc3\xa9", "\xe2\x80\x94", "\xf0\x9f\x98\x8a", "\xc3",
      "abcdefghijklmnopqrstuvwxyz", "kikmia", "ski", "to", "of", "wa"};
  std::string s;
  const size_t pieces = 1 + rng() % 40;
  for (size_t i = 0; i < pieces; ++i) s += kPieces[rng() % kPieces.size()];
  return s;
}

TEST(ExtractHandlesFast, CashAppWindowsHoldEveryMatch) {
  RE2::Options opts;
  opts.set_log_errors(false);
  const RE2 tag(kCashTagPattern, opts), word(kCashWordPattern, opts);
  ASSERT_TRUE(tag.ok() && word.ok());
  const std::vector<std::string> fixed = {
      "$mia", "pay $mia_rose now", "x$abc", "\xc3\xa9$abcd", "$abcdefghijklmnopqrstuvwxyz", "cash app mia_rose",
      "cashapp: $mia", "cash app me at @ = - tag name is $rose", "ecash app bob", "cash app", "cash  \n app   $ab",
      "cash app is $abcdefghijklmnopqrstuvwxyz0123", "$ab $abc $abcd", "cash app $ab cash app $abc"};
  long tags = 0, words = 0;
  auto check = [&](const std::string& t) {
    const Record want_tag = Re2Matches(tag, t), want_word = Re2Matches(word, t);
    tags += static_cast<long>(want_tag.size());
    words += static_cast<long>(want_word.size());
    EXPECT_EQ(Windowed(tag, t, DollarTagWindows), want_tag) << t;
    EXPECT_EQ(Windowed(word, t, CashAppWindows), want_word) << t;
  };
  for (const std::string& t : fixed) check(t);
  std::mt19937_64 rng(17);
  for (int i = 0; i < 20000; ++i) check(RandomText(rng));
  EXPECT_GT(tags, 1000);  // the texts do exercise both patterns
  EXPECT_GT(words, 1000);
}

// Word starts on both sides of the 64-byte mask edges: a platform name starting at every offset around 64 and 128,
// after a word byte (no match), after white space, after multi-byte characters and at the very start or end.
TEST(ExtractHandlesFast, HandleScanAcrossMaskEdges) {
  RE2::Options opts;
  opts.set_log_errors(false);
  const RE2 handle(kPlatformHandlePattern, opts);
  ASSERT_TRUE(handle.ok());
  long found = 0;
  for (const std::string before : {" ", "x", "_", "9", "\xc3\xa9", "\n", "."}) {
    for (size_t offset = 50; offset < 140; ++offset) {
      for (const std::string name : {"kik me mia_x", "snapchat: rose", "only fans @bb", "wechat", "instagram x.y"}) {
        std::string t(offset, 'a');
        for (size_t k = 0; k < offset; k += 7) t[k] = ' ';
        t += before + name;
        const Record want = Re2Matches(handle, t);
        found += static_cast<long>(want.size());
        EXPECT_EQ(Scanned(t), want) << t;
        t += " tweet  me " + name;  // a second match after the first
        EXPECT_EQ(Scanned(t), Re2Matches(handle, t)) << t;
      }
    }
  }
  EXPECT_GT(found, 1000);
  std::mt19937_64 rng(23);
  for (int i = 0; i < 20000; ++i) {
    const std::string t = RandomText(rng);
    EXPECT_EQ(Scanned(t), Re2Matches(handle, t)) << t;
  }
}

}  // namespace
}  // namespace lodestar::extract
