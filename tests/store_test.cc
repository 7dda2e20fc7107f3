// Unit tests of the store: encoding, blocks, durability and crash repair.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <thread>

#include "core/ad.h"
#include "core/json_text.h"
#include "core/time.h"
#include "core/utf8.h"
#include "store/ad_codec.h"
#include "store/block.h"
#include "store/hash_set.h"
#include "store/store.h"
#include "test_util.h"

namespace lodestar {
namespace {

core::Ad MakeAd(int i) {
  core::Ad ad;
  ad.source_id = "ad-" + std::to_string(i);
  ad.source = "example-site";
  ad.url = "https://example.test/ads/" + std::to_string(i);
  ad.title = "Sample title " + std::to_string(i);
  ad.body = "Sample body text with a number " + std::to_string(i * 7919) + " and some words.";
  ad.location = "Springfield, IL";
  ad.posted = 1490000000 + i;
  ad.raw = "{\"id\":\"ad-" + std::to_string(i) + "\"}";
  ad.provenance = {1, 0, static_cast<uint64_t>(i + 1), static_cast<uint64_t>(i * 100)};
  ad.content_hash = core::ComputeContentHash(ad);
  return ad;
}

// An ad whose raw record is the JSON a source would write for it, so format 2 can keep its fields as ranges.
core::Ad MakeJsonAd(int i) {
  core::Ad ad = MakeAd(i);
  ad.body = "Line one \"quoted\"\nline two\tend \u00e9t\u00e9 \U0001F600 path/to\\x " + std::to_string(i);
  std::string raw = "{\"id\":";
  core::AppendJsonString(raw, ad.source_id);
  raw += ",\"title\":";
  core::AppendJsonString(raw, ad.title);
  raw += ",\"body\":";
  core::AppendJsonString(raw, ad.body);
  raw += ",\"url\":\"https:\\/\\/example.test\\/ads\\/" + std::to_string(i) + "\"}";
  ad.raw = raw;
  ad.content_hash = core::ComputeContentHash(ad);
  return ad;
}

void ExpectSameAd(const core::Ad& back, const core::Ad& ad) {
  EXPECT_EQ(back.source_id, ad.source_id);
  EXPECT_EQ(back.source, ad.source);
  EXPECT_EQ(back.url, ad.url);
  EXPECT_EQ(back.title, ad.title);
  EXPECT_EQ(back.body, ad.body);
  EXPECT_EQ(back.location, ad.location);
  EXPECT_EQ(back.posted, ad.posted);
  EXPECT_EQ(back.crawled, ad.crawled);
  EXPECT_EQ(back.provenance.run_id, ad.provenance.run_id);
  EXPECT_EQ(back.provenance.line, ad.provenance.line);
  EXPECT_EQ(back.provenance.byte_offset, ad.provenance.byte_offset);
  EXPECT_EQ(back.content_hash, ad.content_hash);
  EXPECT_EQ(back.raw, ad.raw);
}

class AdCodec : public ::testing::TestWithParam<uint32_t> {};
INSTANTIATE_TEST_SUITE_P(Formats, AdCodec, ::testing::Values(store::kFormatLiteralFields, store::kFormatRawRanges));

TEST_P(AdCodec, RoundTripsEveryField) {
  for (const core::Ad& made : {MakeAd(3), MakeJsonAd(4)}) {
    core::Ad ad = made;
    ad.crawled = -5;  // negative times must survive zigzag encoding
    std::string bytes;
    store::EncodeAd(ad, "\x01" "facts", GetParam(), bytes);
    core::Ad back;
    std::string facts;
    size_t pos = 0;
    ASSERT_TRUE(store::DecodeAd(bytes, &pos, GetParam(), back, facts));
    EXPECT_EQ(pos, bytes.size());
    ExpectSameAd(back, ad);
    EXPECT_EQ(facts, "\x01" "facts");
  }
}

TEST_P(AdCodec, RejectsTruncatedRecords) {
  for (const core::Ad& ad : {MakeAd(1), MakeJsonAd(2)}) {
    std::string bytes;
    store::EncodeAd(ad, "", GetParam(), bytes);
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      core::Ad back;
      std::string facts;
      size_t pos = 0;
      EXPECT_FALSE(store::DecodeAd(std::string_view(bytes).substr(0, cut), &pos, GetParam(), back, facts)) << cut;
    }
  }
}

// Format 2 keeps a field as a range of raw only when the range's JSON unescaping is the field: the encoding of
// the JSON ad is much smaller than its fields, and fields that are not in raw, or differ from it in one byte,
// come back exactly.
TEST(AdCodecRanges, FieldsFoundInRawAreNotKeptTwice) {
  const core::Ad ad = MakeJsonAd(7);
  std::string literal, ranged;
  store::EncodeAd(ad, "", store::kFormatLiteralFields, literal);
  store::EncodeAd(ad, "", store::kFormatRawRanges, ranged);
  EXPECT_LT(ranged.size() + ad.body.size() + ad.title.size() / 2, literal.size());

  core::Ad odd = ad;
  odd.body.back() = '#';        // one byte off what raw holds
  odd.title = "not in raw at all";
  odd.url = "https://example.test/ads/7";  // raw writes it with \/
  odd.content_hash = core::ComputeContentHash(odd);
  for (const core::Ad& a : {ad, odd}) {
    std::string bytes;
    store::EncodeAd(a, "", store::kFormatRawRanges, bytes);
    core::Ad back;
    std::string facts;
    size_t pos = 0;
    ASSERT_TRUE(store::DecodeAd(bytes, &pos, store::kFormatRawRanges, back, facts));
    ExpectSameAd(back, a);
  }
}

TEST(AdCodecRanges, RandomFieldsAndRecordsRoundTrip) {
  std::mt19937 rng(11);
  const std::string alphabet = "ab \"\\/\n\t\x01\xc3\xa9{}:,u";
  for (int round = 0; round < 3000; ++round) {
    core::Ad ad = MakeAd(round);
    auto random_text = [&](size_t n) {
      std::string t;
      for (size_t k = 0; k < n; ++k) t += alphabet[rng() % alphabet.size()];
      return core::RepairUtf8(t);
    };
    ad.title = random_text(rng() % 20);
    ad.body = random_text(rng() % 60);
    // Raw holds the fields escaped, verbatim, both or neither, with random bytes around them.
    std::string raw = random_text(rng() % 10);
    if (rng() % 2) core::AppendJsonString(raw, ad.body);
    if (rng() % 2) raw += ad.title;
    raw += random_text(rng() % 10);
    if (rng() % 3 == 0) raw += "\\u00e9\\ud83d\\ude00\\uD800\\q";
    ad.raw = raw;
    std::string bytes;
    store::EncodeAd(ad, "", store::kFormatRawRanges, bytes);
    core::Ad back;
    std::string facts;
    size_t pos = 0;
    ASSERT_TRUE(store::DecodeAd(bytes, &pos, store::kFormatRawRanges, back, facts)) << round;
    ExpectSameAd(back, ad);
  }
}

TEST(JsonUnescape, InvertsTheEscaperAndRejectsWhatJsonRejects) {
  std::string out;
  ASSERT_TRUE(core::AppendJsonUnescaped(out, "a\\\"b\\/c\\n\\u00e9\\ud83d\\ude00\"q"));
  EXPECT_EQ(out, "a\"b/c\n\xc3\xa9\xf0\x9f\x98\x80\"q");
  for (const char* bad : {"\\", "\\x", "\\u12", "\\ud83d", "\\ude00", "\\ud83d\\u0041"}) {
    out.clear();
    EXPECT_FALSE(core::AppendJsonUnescaped(out, bad)) << bad;
  }
  const std::string text = "xx\\tab\\u0041yy";
  EXPECT_EQ(core::MatchJsonUnescaped(text, 2, "\tabA"), 12u);
  EXPECT_EQ(core::MatchJsonUnescaped(text, 2, "\tabB"), std::string_view::npos);
  EXPECT_EQ(core::MatchJsonUnescaped(text, 2, "\tabAyyz"), std::string_view::npos);
  EXPECT_EQ(core::MatchJsonUnescaped(text, 0, ""), 0u);
}

TEST(Block, DetectsAnyFlippedByte) {
  store::BlockBuilder b;
  for (int i = 0; i < 20; ++i) b.Add(MakeAd(i), "");
  std::string block = b.Finish(3);
  store::BlockInfo info;
  std::vector<store::IndexEntry> index;
  ASSERT_TRUE(store::ParseBlock(block, info, &index));
  EXPECT_EQ(info.ad_count, 20u);
  EXPECT_EQ(index[4].content_hash, MakeAd(4).content_hash);
  for (size_t i = 0; i < block.size(); i += 7) {
    std::string bad = block;
    bad[i] ^= 0x40;
    EXPECT_FALSE(store::ParseBlock(bad, info, nullptr)) << "flip at " << i;
  }
  EXPECT_FALSE(store::ParseBlock(std::string_view(block).substr(0, block.size() - 1), info, nullptr));
}

// Finish reuses one compression context and output buffer per thread; blocks of growing and shrinking sizes,
// at several levels and on two threads, must each decode to exactly what was added.
TEST(Block, ConsecutiveBlocksReuseCompressionStateExactly) {
  auto build_and_check = [](int ads, int level, int salt) {
    store::BlockBuilder b;
    b.Reserve(ads, ads * 300);
    for (int i = 0; i < ads; ++i) b.Add(MakeAd(salt + i), "{\"n\":" + std::to_string(salt + i) + "}");
    std::string block = b.Finish(level);
    store::BlockInfo info;
    ASSERT_TRUE(store::ParseBlock(block, info, nullptr)) << ads << " ads at level " << level;
    ASSERT_EQ(info.ad_count, static_cast<uint32_t>(ads));
    int seen = 0;
    auto st = store::DecodeBlockAds(block, info, store::kFormatVersion, [&](core::Ad& ad, std::string& facts) {
      const core::Ad want = MakeAd(salt + seen);
      EXPECT_EQ(ad.source_id, want.source_id);
      EXPECT_EQ(ad.body, want.body);
      EXPECT_EQ(ad.raw, want.raw);
      EXPECT_EQ(ad.content_hash, want.content_hash);
      EXPECT_EQ(facts, "{\"n\":" + std::to_string(salt + seen) + "}");
      ++seen;
      return true;
    });
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(seen, ads);
  };
  const int sizes[] = {5, 4000, 1, 20000, 300};
  const int levels[] = {3, 1, -1, 19, 3};
  for (int k = 0; k < 5; ++k) build_and_check(sizes[k], levels[k], k * 100000);
  std::thread other([&] {
    build_and_check(3000, 3, 7);
    build_and_check(10, 3, 9);
  });
  other.join();
}

TEST(ContentHashSet, InsertsOnceAndGrows) {
  store::ContentHashSet set;
  for (uint64_t i = 1; i <= 100000; ++i) EXPECT_TRUE(set.Insert({i * 0x9E3779B97F4A7C15ull, i}));
  for (uint64_t i = 1; i <= 100000; i += 13) EXPECT_FALSE(set.Insert({i * 0x9E3779B97F4A7C15ull, i}));
  EXPECT_TRUE(set.Insert({0, 0}));
  EXPECT_FALSE(set.Insert({0, 0}));
  EXPECT_EQ(set.size(), 100001u);
}

void WriteRun(const std::string& dir, int first, int count, bool end_run) {
  auto db = store::Store::Open(dir, store::Store::Mode::kAppend);
  ASSERT_TRUE(db.ok()) << db.status().message();
  ASSERT_TRUE((*db)->BeginRun({{"/input.jsonl", 1, 1}}).ok());
  store::BlockBuilder b((*db)->format());
  uint32_t n = 0;
  for (int i = first; i < first + count; ++i) {
    core::Ad ad = MakeAd(i);
    if ((*db)->InsertIfNew(ad.content_hash)) {
      b.Add(ad, "");
      ++n;
    }
  }
  if (n) {
    ASSERT_TRUE((*db)->AppendBlock(b.Finish(3), n).ok());
  }
  ASSERT_TRUE((*db)->Commit().ok());
  if (end_run) {
    ASSERT_TRUE((*db)->EndRun(n, count - n, 0, 0).ok());
  }
}

TEST(Store, ReopensAndDeduplicatesAcrossRuns) {
  test::TempDir tmp;
  WriteRun(tmp.str(), 0, 100, true);
  WriteRun(tmp.str(), 50, 100, true);  // 50 repeats, 50 new
  auto db = store::Store::Open(tmp.str(), store::Store::Mode::kRead);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ((*db)->ad_count(), 150u);
  uint64_t seen = 0;
  ASSERT_TRUE((*db)->ForEachAd([&](const store::StoredAd& s) {
                     EXPECT_EQ(s.ordinal, seen);
                     ++seen;
                     return true;
                   })
                  .ok());
  EXPECT_EQ(seen, 150u);
  auto found = (*db)->FindById("ad-120");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->ad.title, "Sample title 120");
  EXPECT_EQ((*found)->ordinal, 120u);
  auto missing = (*db)->FindById("ad-999");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST(Store, TornTailFromACrashIsCutAndCommittedAdsSurvive) {
  test::TempDir tmp;
  WriteRun(tmp.str(), 0, 40, /*end_run=*/false);  // "crash": no seal, no end record
  // Simulate a torn block write after the commit: append half a block of garbage.
  std::string seg = tmp / "segments/000001.seg";
  {
    store::BlockBuilder b;
    for (int i = 1000; i < 1010; ++i) b.Add(MakeAd(i), "");
    std::string block = b.Finish(3);
    std::ofstream out(seg, std::ios::binary | std::ios::app);
    out.write(block.data(), static_cast<std::streamsize>(block.size() / 2));
  }
  {
    auto reader = store::Store::Open(tmp.str(), store::Store::Mode::kRead);
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ((*reader)->ad_count(), 40u);  // readers ignore the torn block
  }
  WriteRun(tmp.str(), 30, 20, true);  // the writer repairs, then appends 10 new
  auto db = store::Store::Open(tmp.str(), store::Store::Mode::kRead);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ((*db)->ad_count(), 50u);
}

TEST(Store, RefusesAnotherFormatVersion) {
  test::TempDir tmp;
  WriteRun(tmp.str(), 0, 5, true);
  test::WriteFile(tmp / "STORE", "lodestar-store 999\n");
  auto db = store::Store::Open(tmp.str(), store::Store::Mode::kRead);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), core::StatusCode::kIncompatible);
  EXPECT_NE(db.status().message().find("999"), std::string::npos);
}

// A store created in format 1 stays in format 1: this build appends to it in that format and reads it back.
TEST(Store, KeepsAndReadsAnOlderFormat) {
  test::TempDir tmp;
  std::filesystem::create_directories(tmp / "segments");
  test::WriteFile(tmp / "STORE", "lodestar-store 1\n");
  WriteRun(tmp.str(), 0, 30, true);
  WriteRun(tmp.str(), 20, 30, true);
  auto db = store::Store::Open(tmp.str(), store::Store::Mode::kRead);
  ASSERT_TRUE(db.ok()) << db.status().message();
  EXPECT_EQ((*db)->format(), store::kFormatLiteralFields);
  int seen = 0;
  ASSERT_TRUE((*db)->ForEachAd([&](const store::StoredAd& s) {
                     ExpectSameAd(s.ad, MakeAd(seen++));
                     return true;
                   }).ok());
  EXPECT_EQ(seen, 50);
}

TEST(Store, OneWriterAtATime) {
  test::TempDir tmp;
  auto first = store::Store::Open(tmp.str(), store::Store::Mode::kAppend);
  ASSERT_TRUE(first.ok());
  auto second = store::Store::Open(tmp.str(), store::Store::Mode::kAppend);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("another lodestar process"), std::string::npos);
}

TEST(Store, MissingStoreSaysHowToMakeOne) {
  auto db = store::Store::Open("/nonexistent/lodestar-store", store::Store::Mode::kRead);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("lodestar ingest"), std::string::npos);
}

TEST(Utf8, RepairsAndCounts) {
  size_t repairs = 0;
  std::string fixed = core::RepairUtf8("ok \xff\xfe bad \xe2\x82 end \xc3\xa9", &repairs);
  EXPECT_TRUE(core::IsValidUtf8(fixed));
  EXPECT_EQ(repairs, 3u);
  EXPECT_NE(fixed.find("\xc3\xa9"), std::string::npos);  // valid é kept
  EXPECT_EQ(core::RepairUtf8("\xed\xa0\x80"), "\xEF\xBF\xBD");  // a UTF-16 surrogate is not UTF-8
}

TEST(Time, ParsesCommonFormats) {
  EXPECT_EQ(core::ParseTimestamp("2017-03-05"), 1488672000);
  EXPECT_EQ(core::ParseTimestamp("2017-03-05T01:02:03Z"), 1488672000 + 3723);
  EXPECT_EQ(core::ParseTimestamp("2017-03-05T01:02:03+01:00"), 1488672000 + 3723 - 3600);
  EXPECT_EQ(core::ParseTimestamp("2017-03-05 01:02:03"), 1488672000 + 3723);
  EXPECT_EQ(core::ParseTimestamp("03/05/2017"), 1488672000);
  EXPECT_EQ(core::ParseTimestamp("1488672000"), 1488672000);
  EXPECT_EQ(core::ParseTimestamp("1488672000123"), 1488672000);
  EXPECT_FALSE(core::ParseTimestamp("yesterday"));
  EXPECT_FALSE(core::ParseTimestamp("2017-02-30"));
  EXPECT_EQ(core::FormatDate(1488672000), "2017-03-05");
}

}  // namespace
}  // namespace lodestar
