#include "pipeline/ingest_job.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>

#include "core/progress.h"
#include "core/utf8.h"
#include "extract/extractor.h"
#include "extract/facts_codec.h"
#include "io/input_stream.h"
#include "store/block.h"
#include "store/store.h"

namespace lodestar::pipeline {
using core::Result;
using core::Status;
using core::StatusCode;

namespace {

// One unit of work flowing through the pipeline; becomes one store block.
struct Batch {
  std::vector<ingest::RawRecord> records;
  std::vector<core::Ad> ads;
  std::vector<uint8_t> fate;  // per record: kStore, kDuplicate or kQuarantine
  std::vector<std::string> reasons;
  std::vector<std::string> facts;  // extracted facts as JSON, per record
  uint64_t bytes = 0;
  uint64_t utf8_repairs = 0;
  uint64_t file_bytes_read = 0;  // reader position after this batch (for progress)
  std::string block;
  uint32_t block_ads = 0;
};
enum Fate : uint8_t { kStore = 0, kDuplicate = 1, kQuarantine = 2 };

// Batches are recycled: a finished batch goes back to the pool with its vectors and strings, and the next one
// reuses their capacity, so reading, decoding and encoding facts allocate almost nothing per ad (allocation and
// freeing were ~5% of ingest instructions). At most max_number_of_live_tokens batches exist at once.
class BatchPool {
 public:
  // A batch with no records, ads or facts, whose members keep the capacity of an earlier use.
  std::shared_ptr<Batch> Get() {
    std::unique_ptr<Batch> b;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        b = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!b) b = std::make_unique<Batch>();
    b->bytes = b->utf8_repairs = b->file_bytes_read = 0;
    b->block.clear();
    b->block_ads = 0;
    // The vectors are sized by the stages that fill them; their elements are reset there (Ad::clear, assign).
    return std::shared_ptr<Batch>(b.release(), [this](Batch* done) {
      std::lock_guard<std::mutex> lock(mu_);
      free_.emplace_back(done);
    });
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<Batch>> free_;
};

struct DecoderSlot {
  std::unique_ptr<ingest::RecordDecoder> decoder;
};
struct ExtractorSlot {
  std::unique_ptr<extract::FactExtractor> extractor;
  extract::Facts facts;  // reused between ads
};

}  // namespace

Result<IngestSummary> RunIngest(const IngestOptions& opt) {
  IngestSummary summary;
  auto t0 = std::chrono::steady_clock::now();
  if (opt.files.empty())
    return Status::Error(StatusCode::kInvalidInput, "no input files; give one or more FILE arguments");

  // Check every input before touching the store, so a typo costs nothing.
  std::vector<store::RunFile> run_files;
  uint64_t total_bytes = 0;
  for (const auto& f : opt.files) {
    store::RunFile rf;
    rf.path = f == "-" ? "-" : std::filesystem::weakly_canonical(std::filesystem::absolute(f)).string();
    if (f != "-") {
      struct stat st;
      if (::stat(f.c_str(), &st) != 0)
        return Status::Error(StatusCode::kNotFound,
                             fmt::format("{}: no such file; check the path (nothing was ingested)", f));
      if (S_ISDIR(st.st_mode))
        return Status::Error(StatusCode::kInvalidInput,
                             fmt::format("{}: is a directory; pass the files inside it (nothing was ingested)", f));
      if (::access(f.c_str(), R_OK) != 0)
        return Status::Error(StatusCode::kIoError,
                             fmt::format("{}: not readable; check its permissions (nothing was ingested)", f));
      rf.size = static_cast<uint64_t>(st.st_size);
      rf.mtime = st.st_mtime;
      total_bytes += rf.size;
    }
    run_files.push_back(rf);
  }

  auto opened = store::Store::Open(opt.db_dir, store::Store::Mode::kAppend);
  if (!opened.ok()) return opened.status();
  auto& db = **opened;
  auto run = db.BeginRun(run_files);
  if (!run.ok()) return run.status();
  summary.run_id = *run;

  std::optional<tbb::global_control> limit;
  if (opt.threads > 0) limit.emplace(tbb::global_control::max_allowed_parallelism, opt.threads);

  std::shared_ptr<const extract::ExtractorResources> resources;
  if (opt.extract) {
    auto loaded = extract::LoadResources();
    if (!loaded.ok()) return loaded.status();
    resources = *loaded;
  }
  tbb::enumerable_thread_specific<ExtractorSlot> extractors;
  BatchPool pool;  // declared before the pipelines run, so it outlives every batch

  core::ProgressReporter progress("ingest", total_bytes, "bytes", opt.progress);
  std::map<std::string, uint64_t> reasons;
  Status fatal;
  auto last_commit = std::chrono::steady_clock::now();

  auto commit = [&]() -> Status {
    if (auto st = db.Commit(); !st.ok()) return st;
    if (opt.on_commit) opt.on_commit(db.ad_count());
    last_commit = std::chrono::steady_clock::now();
    return Status::Ok();
  };

  for (uint32_t file_index = 0; file_index < opt.files.size() && fatal.ok(); ++file_index) {
    const std::string& path = opt.files[file_index];
    auto reader_or = ingest::OpenReader(path, opt.format, opt.field_map);
    if (!reader_or.ok()) {
      summary.file_errors.push_back({path, reader_or.status().message()});
      continue;
    }
    auto& reader = **reader_or;
    tbb::enumerable_thread_specific<DecoderSlot> decoders;
    bool reader_done = false;
    uint64_t last_file_bytes = 0;

    tbb::parallel_pipeline(
        /*max_number_of_live_tokens=*/8,
        // 1. Read records (serial: a reader is a sequential stream).
        tbb::make_filter<void, std::shared_ptr<Batch>>(
            tbb::filter_mode::serial_in_order,
            [&](tbb::flow_control& fc) -> std::shared_ptr<Batch> {
              if (reader_done || !fatal.ok()) {
                fc.stop();
                return nullptr;
              }
              auto batch = pool.Get();
              auto& records = batch->records;
              size_t n = 0;
              while (batch->bytes < opt.block_bytes && n < 8192) {
                if (n == records.size()) records.emplace_back();
                ingest::RawRecord& rec = records[n];
                rec.bytes.clear();  // as a fresh record, keeping the capacity
                rec.line = rec.byte_offset = 0;
                auto more = reader.Next(rec);
                if (!more.ok()) {
                  summary.file_errors.push_back({path, more.status().message()});
                  reader_done = true;
                  break;
                }
                if (!*more) {
                  reader_done = true;
                  break;
                }
                batch->bytes += rec.bytes.size();
                ++n;
              }
              records.resize(n);
              batch->file_bytes_read = reader.file_bytes_read();
              return batch;
            }) &
            // 2. Decode and hash (parallel).
            tbb::make_filter<std::shared_ptr<Batch>, std::shared_ptr<Batch>>(
                tbb::filter_mode::parallel,
                [&](std::shared_ptr<Batch> batch) {
                  auto& slot = decoders.local();
                  if (!slot.decoder) slot.decoder = reader.NewDecoder();
                  size_t n = batch->records.size();
                  batch->ads.resize(n);
                  batch->fate.assign(n, kStore);
                  batch->reasons.resize(n);
                  ingest::DecodeStats stats;
                  for (size_t i = 0; i < n; ++i) {
                    auto& ad = batch->ads[i];
                    const auto& rec = batch->records[i];
                    ad.clear();  // a recycled Ad (BatchPool) must decode as a fresh one does
                    batch->reasons[i].clear();
                    auto st = slot.decoder->Decode(rec, ad, stats);
                    if (!st.ok()) {
                      batch->fate[i] = kQuarantine;
                      batch->reasons[i] = st.message();
                      continue;
                    }
                    ad.provenance = {summary.run_id, file_index, rec.line, rec.byte_offset};
                    ad.content_hash = core::ComputeContentHash(ad);
                  }
                  batch->utf8_repairs = stats.utf8_repairs;
                  return batch;
                }) &
            // 3. Deduplicate (serial: one shared hash set).
            tbb::make_filter<std::shared_ptr<Batch>, std::shared_ptr<Batch>>(
                tbb::filter_mode::serial_in_order,
                [&](std::shared_ptr<Batch> batch) {
                  for (size_t i = 0; i < batch->ads.size(); ++i)
                    if (batch->fate[i] == kStore && !db.InsertIfNew(batch->ads[i].content_hash))
                      batch->fate[i] = kDuplicate;
                  return batch;
                }) &
            // 4. Extract facts, encode and compress a block (parallel). Extraction waits until after deduplication:
            // a re-posted ad is not stored, so its facts would be thrown away.
            tbb::make_filter<std::shared_ptr<Batch>, std::shared_ptr<Batch>>(
                tbb::filter_mode::parallel,
                [&](std::shared_ptr<Batch> batch) {
                  batch->facts.resize(batch->ads.size());
                  for (auto& f : batch->facts) f.clear();  // recycled: empty unless extracted below
                  if (resources) {
                    ExtractorSlot& ex = extractors.local();
                    if (!ex.extractor) ex.extractor = std::make_unique<extract::FactExtractor>(resources);
                    for (size_t i = 0; i < batch->ads.size(); ++i) {
                      if (batch->fate[i] != kStore) continue;
                      ex.extractor->Extract(batch->ads[i], ex.facts);
                      // Format-1 stores keep facts as JSON; later ones in the binary form (facts_codec.h).
                      if (db.format() == store::kFormatLiteralFields) {
                        batch->facts[i] = extract::FactsToJson(ex.facts);
                      } else {
                        batch->facts[i].clear();
                        extract::EncodeFacts(ex.facts, batch->facts[i]);
                      }
                    }
                  }
                  store::BlockBuilder builder(db.format());
                  size_t ads = 0, payload = 0;
                  for (size_t i = 0; i < batch->ads.size(); ++i) {
                    if (batch->fate[i] != kStore) continue;
                    const auto& ad = batch->ads[i];
                    ++ads;
                    // Strings plus varints, hash and length prefixes (EncodeAd adds at most ~100 bytes).
                    payload += ad.source_id.size() + ad.source.size() + ad.url.size() + ad.title.size() +
                               ad.body.size() + ad.location.size() + ad.raw.size() + batch->facts[i].size() + 128;
                  }
                  builder.Reserve(ads, payload);
                  for (size_t i = 0; i < batch->ads.size(); ++i)
                    if (batch->fate[i] == kStore) builder.Add(batch->ads[i], batch->facts[i]);
                  batch->block_ads = static_cast<uint32_t>(builder.ad_count());
                  if (batch->block_ads > 0) batch->block = builder.Finish(opt.zstd_level);
                  return batch;
                }) &
            // 5. Write, quarantine, commit (serial, in input order).
            tbb::make_filter<std::shared_ptr<Batch>, void>(
                tbb::filter_mode::serial_in_order, [&](std::shared_ptr<Batch> batch) {
                  if (!fatal.ok()) return;
                  if (batch->block_ads > 0) {
                    if (auto st = db.AppendBlock(batch->block, batch->block_ads); !st.ok()) {
                      fatal = st;
                      return;
                    }
                  }
                  for (size_t i = 0; i < batch->records.size(); ++i) {
                    ++summary.records;
                    if (batch->fate[i] == kStore) ++summary.ads_new;
                    if (batch->fate[i] == kDuplicate) ++summary.duplicates;
                    if (batch->fate[i] != kQuarantine) continue;
                    const auto& rec = batch->records[i];
                    store::QuarantineEntry q{summary.run_id, run_files[file_index].path, rec.line,
                                             rec.byte_offset, batch->reasons[i], core::RepairUtf8(rec.bytes)};
                    auto added = db.AppendQuarantine(q);
                    if (!added.ok()) {
                      fatal = added.status();
                      return;
                    }
                    if (*added) {
                      ++summary.quarantined;
                      ++reasons[batch->reasons[i]];
                    }
                  }
                  summary.utf8_repairs += batch->utf8_repairs;
                  summary.input_bytes += batch->bytes;
                  progress.Add(batch->file_bytes_read - last_file_bytes, batch->records.size());
                  last_file_bytes = batch->file_bytes_read;
                  if (summary.quarantined > opt.max_errors) {
                    fatal = Status::Error(
                        StatusCode::kTooManyErrors,
                        fmt::format("{}: more than {} malformed records (--max-errors); stopped after committing the "
                                    "good records so far; see `lodestar stats --db {}` for the quarantine",
                                    path, opt.max_errors, opt.db_dir));
                    return;
                  }
                  if (std::chrono::steady_clock::now() - last_commit >=
                      std::chrono::duration<double>(opt.commit_interval_seconds)) {
                    if (auto st = commit(); !st.ok()) fatal = st;
                  }
                }));
  }
  progress.Finish();

  // Commit whatever was accepted, even when stopping on an error.
  Status end = db.EndRun(summary.ads_new, summary.duplicates, summary.quarantined, summary.utf8_repairs);
  if (end.ok() && opt.on_commit) opt.on_commit(db.ad_count());
  summary.store_ads = db.ad_count();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const auto& [reason, count] : reasons) summary.quarantine_reasons.emplace_back(reason, count);
  std::sort(summary.quarantine_reasons.begin(), summary.quarantine_reasons.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  if (!fatal.ok()) return fatal;
  if (!end.ok()) return end;
  return summary;
}

}  // namespace lodestar::pipeline
