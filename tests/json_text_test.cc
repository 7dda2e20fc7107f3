// core::AppendJsonString / AppendJsonEscaped: the one JSON string escaper used by
// the facts writer, the CSV reader's raw rows and the synthetic corpus.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>

#include "core/json_text.h"
#include "core/utf8.h"

namespace lodestar::core {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(JsonText, PlainTextIsQuotedUnchanged) {
  EXPECT_EQ(Quoted(""), "\"\"");
  EXPECT_EQ(Quoted("Quiet room near the station, ask for Sam"), "\"Quiet room near the station, ask for Sam\"");
}

TEST(JsonText, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Quoted("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(Quoted("C:\\tmp"), R"("C:\\tmp")");
  EXPECT_EQ(Quoted("a\nb\rc\td"), R"("a\nb\rc\td")");
  EXPECT_EQ(Quoted(std::string("nul\0end", 7)), R"("nul\u0000end")");
  EXPECT_EQ(Quoted("\x01\x1f"), R"("\u0001\u001f")");
  EXPECT_EQ(Quoted("bell\x07"), R"("bell\u0007")");
  EXPECT_EQ(Quoted("del\x7f"), R"("del\u007f")");
  EXPECT_EQ(Quoted("\x1b[0m"), R"("\u001b[0m")");
}

TEST(JsonText, KeepsValidUtf8) {
  for (const std::string s : {"caf\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC", "\xF0\x9F\x98\x80 ok", "\xEF\xBF\xBD",
                              "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF"}) {
    EXPECT_EQ(Quoted(s), "\"" + s + "\"") << s;
  }
}

TEST(JsonText, ReplacesEachInvalidByteWithUFFFD) {
  const std::string r = kReplacement;
  EXPECT_EQ(Quoted("a\xFFz"), "\"a" + r + "z\"");
  EXPECT_EQ(Quoted("\x80"), "\"" + r + "\"");                              // stray continuation byte
  EXPECT_EQ(Quoted("\xE2\x82"), "\"" + r + r + "\"");                      // cut short at the end
  EXPECT_EQ(Quoted("\xE2\x82x"), "\"" + r + r + "x\"");                    // cut short by ASCII
  EXPECT_EQ(Quoted("\xC0\xAF"), "\"" + r + r + "\"");                      // overlong '/'
  EXPECT_EQ(Quoted("\xE0\x80\xAF"), "\"" + r + r + r + "\"");              // overlong, 3 bytes
  EXPECT_EQ(Quoted("\xED\xA0\x80"), "\"" + r + r + r + "\"");              // UTF-16 surrogate
  EXPECT_EQ(Quoted("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\"");      // above U+10FFFF
  EXPECT_EQ(Quoted("\xF5\x80"), "\"" + r + r + "\"");
  EXPECT_EQ(Quoted("ok \"\xFF\""), "\"ok \\\"" + r + "\\\"\"");
}

TEST(JsonText, EscapedAppendsWithoutQuotes) {
  std::string out = "{\"k\":\"";
  AppendJsonEscaped(out, "x\"y");
  out += "\"}";
  EXPECT_EQ(out, R"({"k":"x\"y"})");
  std::string empty;
  AppendJsonEscaped(empty, "");
  EXPECT_EQ(empty, "");
}

// Random bytes, biased towards the interesting ones: the output is always valid
// UTF-8 and valid JSON, and valid UTF-8 input parses back to itself.
TEST(JsonText, AnyInputGivesValidJsonThatRoundTrips) {
  std::mt19937 rng(7);
  const unsigned char kInteresting[] = {0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, '"', '\\', 0x7F, 0x80, 0xBF, 0xC2,
                                        0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 'a', '/'};
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    size_t len = rng() % 12;
    for (size_t i = 0; i < len; ++i) {
      s += static_cast<char>(rng() % 3 ? kInteresting[rng() % sizeof kInteresting] : rng() % 256);
    }
    std::string out = Quoted(s);
    ASSERT_TRUE(IsValidUtf8(out)) << round;
    auto j = nlohmann::json::parse(out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << round << ": " << out;
    ASSERT_TRUE(j.is_string());
    if (IsValidUtf8(s)) {
      EXPECT_EQ(j.get<std::string>(), s) << round;
    } else {
      EXPECT_NE(j.get<std::string>().find(kReplacement), std::string::npos) << round;
    }
  }
}

}  // namespace
}  // namespace lodestar::core
