// The normaliser's block paths (SSE2 on x86-64: the ASCII fold that fills the offset map as it goes, the
// collapse and single-letter scans and the single-letter block the join pass reuses) give exactly the text and
// offset map of the plain per-byte NormalizeReference: on random mixes of ASCII words, the patterns the passes react
// to, non-ASCII folds and invalid UTF-8, and with each such pattern swept across the block boundaries.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "extract/normalize.h"

namespace lodestar::extract {
namespace {

// Texts the passes react to, plus plain words, upper case, controls, multi-byte folds and broken UTF-8.
const std::vector<std::string>& Pieces() {
  static const std::vector<std::string> pieces = {
      " ", "  ", "    ", "\n", "\n\n", "\t", "\r\n", "\x01", "\x7f", "`", ".", "-", "*", "|", "~", "_", "+", "'",
      "a", "b", "I", "x", "w", "ooo", "OOOO", "www", "zzzzz", "5", "0", "42", "5ooo", "ooo7", "e e e", "y o u n g",
      "h.o.t", "s-e-x-y", "a  b  c", "a....b....c", "Hello", "WORLD", "call me", "don't", "5'1\"", "38B-27-41",
      "abcdefghijklmnopqrstuvwxyz", "0123456789", "The Quick Brown Fox",
      "\xC3\xA9", "\xC3\x89", "\xC3\xB1", "\xD0\xB0", "\xD0\x9E", "\xCE\xBF", "\xEF\xBC\x95", "\xEF\xBC\xA1",
      "\xE2\x80\x8B", "\xE2\x80\x94", "\xE2\x80\x99", "\xE2\x80\x9C", "\xE2\x91\xA0", "\xE2\x9D\xB6", "\xE2\x85\xA7",
      "\xEF\xB8\x8F", "\xE2\x83\xA3", "\xF0\x9F\x98\x80", "\xF0\x9F\x94\xA5", "\xF0\x9D\x90\x80", "\xEF\xB7\xBA",
      "\xC3", "\xE2\x80", "\xF0\x9F", "\xFF", "\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80"};
  return pieces;
}

void ExpectSame(const std::string& text) {
  NormText fast, ref;
  Normalize(text, fast);
  NormalizeReference(text, ref);
  ASSERT_EQ(fast.text, ref.text) << "input of " << text.size() << " bytes";
  ASSERT_EQ(fast.src_begin, ref.src_begin) << "input of " << text.size() << " bytes";
  ASSERT_EQ(fast.src_end, ref.src_end) << "input of " << text.size() << " bytes";
}

TEST(ExtractNormalizeFast, RandomMixedTextsMatchReference) {
  std::mt19937_64 rng(20261127);
  const auto& pieces = Pieces();
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    const size_t count = rng() % 60;
    for (size_t k = 0; k < count; ++k) {
      // Mostly ASCII pieces, so long ASCII runs (whole sixteen-byte blocks) are common.
      const size_t pick = rng() % 4 ? rng() % 47 : rng() % pieces.size();
      text += pieces[pick];
    }
    ExpectSame(text);
  }
}

TEST(ExtractNormalizeFast, RandomBytesMatchReference) {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text(rng() % 200, '\0');
    const unsigned non_ascii_in_64 = static_cast<unsigned>(iter % 5);  // 0 .. 4 chances in 64 per byte
    for (char& c : text) {
      c = static_cast<char>(rng() % 64 < non_ascii_in_64 ? 0x80 + rng() % 128 : rng() % 128);
    }
    ExpectSame(text);
  }
}

// Each piece at every offset of plain ASCII texts of every length up to 70, so it meets every lane of a block, the
// block ends and the byte-at-a-time tails.
TEST(ExtractNormalizeFast, PiecesAtEveryOffsetMatchReference) {
  const std::string filler = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor";
  for (const std::string& piece : Pieces()) {
    for (size_t len = 0; len <= 70; ++len) {
      for (size_t at = 0; at <= len; ++at) {
        std::string text = filler.substr(0, len);
        text.insert(at, piece);
        ExpectSame(text);
      }
    }
  }
}

// Known truth, independent of the reference: plain ASCII folds byte for byte with an identity offset map.
TEST(ExtractNormalizeFast, AsciiRunsMapOneToOne) {
  std::string text;
  for (int k = 0; k < 40; ++k) text += "Call Me At Ten, Dear\n";
  NormText out;
  Normalize(text, out);
  ASSERT_EQ(out.text.size(), text.size());
  for (size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    EXPECT_EQ(out.text[k], c >= 'A' && c <= 'Z' ? c + 32 : c) << k;
    EXPECT_EQ(out.src_begin[k], k);
    EXPECT_EQ(out.src_end[k], k + 1);
  }
}

TEST(ExtractNormalizeFast, KnownFolds) {
  NormText out;
  // "Café" + 20 spaces + "SOOOO hot" + backquote + tab, long enough for whole blocks.
  const std::string text = "Caf\xC3\xA9                    SOOOO hot`\tn e w girl";
  Normalize(text, out);
  EXPECT_EQ(out.text, "cafe so hot' new girl");
  ASSERT_EQ(out.src_begin.size(), out.text.size());
  EXPECT_EQ(out.src_begin[3], 3u);  // the e of the two-byte é
  EXPECT_EQ(out.src_end[3], 5u);
  EXPECT_EQ(out.src_begin[4], 5u);  // the spaces collapse onto the first, spanning all twenty
  EXPECT_EQ(out.src_end[4], 25u);
  EXPECT_EQ(out.src_begin[6], 26u);  // "OOOO" becomes one o spanning four bytes
  EXPECT_EQ(out.src_end[6], 30u);
}

TEST(ExtractNormalizeFast, ReusedOutputIsOverwritten) {
  NormText out;
  Normalize(std::string(300, 'q') + " \xF0\x9F\x98\x80 long text", out);
  Normalize("ab", out);
  EXPECT_EQ(out.text, "ab");
  EXPECT_EQ(out.src_begin.size(), 2u);
  EXPECT_EQ(out.src_end.size(), 2u);
  Normalize("", out);
  EXPECT_TRUE(out.text.empty());
  EXPECT_TRUE(out.src_begin.empty());
}

}  // namespace
}  // namespace lodestar::extract
