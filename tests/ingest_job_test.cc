// The ingest pipeline recycles its batches (BatchPool in pipeline/ingest_job.cc): records, ads and facts keep
// their strings' capacity from one batch to the next. These tests hold it to what fresh objects give: a store
// written one record per batch (every batch recycled) must equal one written in a single batch, for inputs whose
// records leave different fields out, in JSON Lines and CSV.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "extract/facts_codec.h"
#include "pipeline/ingest_job.h"
#include "store/store.h"
#include "test_util.h"

namespace lodestar {
namespace {

struct Stored {
  core::Ad ad;
  std::string facts;  // as `lodestar extract --json` prints them
};

std::vector<Stored> IngestAndRead(const std::string& input, const std::string& db, size_t block_bytes) {
  pipeline::IngestOptions opt;
  opt.files = {input};
  opt.db_dir = db;
  opt.block_bytes = block_bytes;
  opt.threads = 1;
  opt.progress = false;
  auto summary = pipeline::RunIngest(opt);
  EXPECT_TRUE(summary.ok()) << summary.status().message();
  std::vector<Stored> out;
  auto store = store::Store::Open(db, store::Store::Mode::kRead);
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return out;
  EXPECT_TRUE((*store)
                  ->ForEachAd([&](const store::StoredAd& s) {
                    auto facts = extract::DecodeStoredFacts(s.facts);
                    EXPECT_TRUE(facts.ok());
                    out.push_back({s.ad, facts.ok() ? extract::FactsToJson(*facts) : ""});
                    return true;
                  })
                  .ok());
  return out;
}

void ExpectSameStores(const std::vector<Stored>& one_batch, const std::vector<Stored>& recycled) {
  ASSERT_EQ(one_batch.size(), recycled.size());
  for (size_t i = 0; i < one_batch.size(); ++i) {
    const core::Ad &a = one_batch[i].ad, &b = recycled[i].ad;
    EXPECT_EQ(a.source_id, b.source_id) << i;
    EXPECT_EQ(a.source, b.source) << i;
    EXPECT_EQ(a.url, b.url) << i;
    EXPECT_EQ(a.title, b.title) << i;
    EXPECT_EQ(a.body, b.body) << i;
    EXPECT_EQ(a.location, b.location) << i;
    EXPECT_EQ(a.posted, b.posted) << i;
    EXPECT_EQ(a.raw, b.raw) << i;
    EXPECT_EQ(a.content_hash, b.content_hash) << i;
    EXPECT_EQ(a.provenance.line, b.provenance.line) << i;
    EXPECT_EQ(a.provenance.byte_offset, b.provenance.byte_offset) << i;
    EXPECT_EQ(one_batch[i].facts, recycled[i].facts) << i;
  }
}

// Record i has a long or a short body and leaves out the location, url, id or date in turn, so a recycled ad
// whose previous use had the field must come back without it.
std::string Body(int i) {
  std::string body = "hi";
  if (i % 2) body.assign("Call 503-724-").append(std::to_string(3000 + i)).append(", 24 yrs, $150/hr, Portland, OR.");
  if (i % 5 == 0) body.append(300, 'x').append(" new in town");
  return body;
}

TEST(IngestJob, RecycledBatchesStoreWhatFreshOnesDo_JsonLines) {
  test::TempDir tmp;
  std::string jsonl;
  for (int i = 0; i < 40; ++i) {
    const std::string n = std::to_string(i);
    jsonl.append("{");
    if (i % 4 != 1) jsonl.append("\"id\":\"r").append(n).append("\",");
    if (i % 2 == 0) jsonl.append("\"url\":\"https://site.example/").append(n).append("\",");
    if (i % 3 == 0) jsonl.append("\"location\":\"Portland, OR\",");
    if (i % 7 == 0) jsonl.append("\"posted\":").append(std::to_string(1490000000 + i)).append(",");
    if (i % 6 != 5) jsonl.append("\"title\":\"Title ").append(n).append("\",");
    jsonl.append("\"body\":\"").append(Body(i)).append("\"}\n");
  }
  test::WriteFile(tmp / "in.jsonl", jsonl);
  const auto one = IngestAndRead(tmp / "in.jsonl", tmp / "one", size_t{1} << 20);
  const auto recycled = IngestAndRead(tmp / "in.jsonl", tmp / "recycled", 1);
  ASSERT_EQ(one.size(), 40u);
  ExpectSameStores(one, recycled);
  EXPECT_TRUE(recycled[1].ad.location.empty());
  EXPECT_TRUE(recycled[1].ad.url.empty());
  EXPECT_EQ(recycled[1].ad.posted, 0);
  EXPECT_NE(recycled[1].facts.find("+15037243001"), std::string::npos);
}

TEST(IngestJob, RecycledBatchesStoreWhatFreshOnesDo_Csv) {
  test::TempDir tmp;
  std::string csv = "id,title,body,location\n";
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict, bug 105329) on chains of string + string.
  for (int i = 0; i < 30; ++i) {
    if (i % 4 != 1) csv.append("c").append(std::to_string(i));
    csv.append(",");
    if (i % 6 != 5) csv.append("Title ").append(std::to_string(i));
    csv.append(",\"").append(Body(i)).append("\",");
    if (i % 3 == 0) csv.append("\"Austin, TX\"");
    csv.append("\n");
  }
  test::WriteFile(tmp / "in.csv", csv);
  const auto one = IngestAndRead(tmp / "in.csv", tmp / "one", size_t{1} << 20);
  const auto recycled = IngestAndRead(tmp / "in.csv", tmp / "recycled", 1);
  ASSERT_EQ(one.size(), 30u);
  ExpectSameStores(one, recycled);
  EXPECT_TRUE(recycled[1].ad.location.empty());
}

}  // namespace
}  // namespace lodestar
