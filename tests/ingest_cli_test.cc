// End-to-end tests of `lodestar ingest/stats/show` as a user runs them:
// real ads, bad input, compressed input, idempotence and kill -9 crash safety.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "test_util.h"

namespace lodestar {
namespace {
using test::Lodestar;
using test::RunShell;
using test::SharedData;
using test::TempDir;
using test::WriteFile;

nlohmann::json Stats(const std::string& db) {
  auto r = Lodestar("stats --json --db " + db);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return nlohmann::json::parse(r.out, nullptr, false);
}

// The highest "committed N ads" line a run printed.
uint64_t LastCommitted(const std::string& output) {
  uint64_t committed = 0;
  size_t pos = 0;
  while ((pos = output.find("committed ", pos)) != std::string::npos) {
    bool line_start = pos == 0 || output[pos - 1] == '\n';
    pos += 10;
    if (line_start && pos < output.size() && std::isdigit(static_cast<unsigned char>(output[pos])))
      committed = std::max<uint64_t>(committed, std::stoull(output.substr(pos)));
  }
  return committed;
}

// Synthetic ads of about 1 KB; our own text, nothing from real data.
std::string GeneratedAds(int first, int count) {
  std::string out;
  std::string filler(800, 'x');
  for (int i = first; i < first + count; ++i)
    out += "{\"id\":\"g" + std::to_string(i) + "\",\"title\":\"Generated ad " + std::to_string(i) +
           "\",\"body\":\"Body " + std::to_string(i * 31) + " " + filler +
           "\",\"location\":\"Salem, OR\",\"posted\":\"2017-05-0" + std::to_string(1 + i % 9) + "\"}\n";
  return out;
}

TEST(IngestCli, RealBackpageAdsLoadWithNoOptions) {
  TempDir tmp;
  auto r = Lodestar("ingest --quiet " + SharedData("ads/backpage-ca.jsonl") + " " +
                    SharedData("ads/dig-ad-type-train.jsonl") + " --db " + tmp.str());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto s = Stats(tmp.str());
  EXPECT_EQ(s["ads"], 6201 + 494);
  EXPECT_EQ(s["quarantined"], 0);
  EXPECT_EQ(s["by_source"]["backpage"], 6201);
  auto show = Lodestar("show bp_2 --json --db " + tmp.str());
  ASSERT_EQ(show.exit_code, 0) << show.out;
  auto ad = nlohmann::json::parse(show.out);
  EXPECT_EQ(ad["id"], "bp_2");
  EXPECT_EQ(ad["provenance"]["line"], 2);
  EXPECT_NE(ad["provenance"]["file"].get<std::string>().find("backpage-ca.jsonl"), std::string::npos);
  EXPECT_FALSE(ad["body"].get<std::string>().empty());
  EXPECT_NE(ad["raw"].get<std::string>().find("\"social_link\""), std::string::npos);  // raw kept whole
  // DIG's classifier pages use "text" for the body and have their own ids.
  auto dig = Lodestar("show digcls-train-0 --json --db " + tmp.str());
  ASSERT_EQ(dig.exit_code, 0) << dig.out;
  EXPECT_FALSE(nlohmann::json::parse(dig.out)["body"].get<std::string>().empty());
}

TEST(IngestCli, ReingestIsIdempotent) {
  TempDir tmp;
  std::string input = tmp / "ads.jsonl";
  WriteFile(input, GeneratedAds(0, 500) + "{broken\n");
  ASSERT_EQ(Lodestar("ingest --quiet " + input + " --db " + tmp / "db").exit_code, 0);
  auto first = Stats(tmp / "db");
  auto again = Lodestar("ingest --quiet " + input + " --db " + tmp / "db");
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("0 new ads, 500 duplicates"), std::string::npos) << again.out;
  auto second = Stats(tmp / "db");
  EXPECT_EQ(first["ads"], 500);
  EXPECT_EQ(second["ads"], 500);
  EXPECT_EQ(first["quarantined"], 1);
  EXPECT_EQ(second["quarantined"], 1);  // the same bad record is not quarantined twice
  EXPECT_EQ(second["runs"], 2);
}

TEST(IngestCli, MalformedRecordsAreQuarantinedAndNeighboursKept) {
  TempDir tmp;
  std::string input = tmp / "mixed.jsonl";
  WriteFile(input,
            "{\"id\":\"a1\",\"title\":\"first\",\"body\":\"good one\"}\n"
            "{\"id\":\"a2\",\"title\":\"unterminated\n"
            "[1,2,3]\n"
            "\n"
            "{\"id\":\"a3\",\"price\":\"100\"}\n"
            "{\"id\":\"a4\",\"body\":\"bad bytes \xff\xfe here\"}\n"
            "{\"id\":\"a5\",\"description\":\"other name for the body\",\"date\":\"2017-01-02\"}\n");
  auto r = Lodestar("ingest --quiet " + input + " --db " + tmp / "db");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("2 UTF-8 repairs"), std::string::npos) << r.out;  // 0xff and 0xfe
  auto s = Stats(tmp / "db");
  EXPECT_EQ(s["ads"], 3);  // a1, a4 (repaired), a5
  EXPECT_EQ(s["quarantined"], 3);
  EXPECT_EQ(s["by_day"]["2017-01-02"], 1);
  auto q = test::ReadFile(tmp / "db/quarantine.jsonl");
  EXPECT_NE(q.find("\"line\":2"), std::string::npos);
  EXPECT_NE(q.find("\"line\":3"), std::string::npos);
  EXPECT_NE(q.find("not a JSON object"), std::string::npos);
  EXPECT_NE(q.find("record has no text"), std::string::npos);
  auto a4 = nlohmann::json::parse(Lodestar("show a4 --json --db " + tmp / "db").out);
  EXPECT_NE(a4["body"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(IngestCli, MaxErrorsFailsFastButKeepsGoodRecords) {
  TempDir tmp;
  std::string input = tmp / "bad.jsonl";
  WriteFile(input, GeneratedAds(0, 10) + "{x\n{y\n{z\n" + GeneratedAds(10, 10));
  auto r = Lodestar("ingest --quiet --max-errors 1 " + input + " --db " + tmp / "db");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("--max-errors"), std::string::npos) << r.out;
  auto s = Stats(tmp / "db");
  EXPECT_GE(s["ads"].get<int>(), 10);
}

TEST(IngestCli, MissingFileIsOneClearLineAndNothingIsWritten) {
  TempDir tmp;
  auto r = Lodestar("ingest --quiet " + tmp / "nope.jsonl" + " --db " + tmp / "db");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("nope.jsonl: no such file"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  auto s = Lodestar("stats --db " + tmp / "db");
  EXPECT_NE(s.exit_code, 0);
}

TEST(IngestCli, IncompatibleStoreIsRefused) {
  TempDir tmp;
  std::string input = tmp / "a.jsonl";
  WriteFile(input, GeneratedAds(0, 3));
  ASSERT_EQ(Lodestar("ingest --quiet " + input + " --db " + tmp / "db").exit_code, 0);
  WriteFile(tmp / "db/STORE", "lodestar-store 7\n");
  auto r = Lodestar("ingest --quiet " + input + " --db " + tmp / "db");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("not supported by this lodestar"), std::string::npos) << r.out;
}

TEST(IngestCli, ReadsGzipAndZstdTransparentlyAndMapsFields) {
  TempDir tmp;
  WriteFile(tmp / "a.jsonl", GeneratedAds(0, 100));
  WriteFile(tmp / "b.jsonl", GeneratedAds(100, 100));
  ASSERT_EQ(RunShell("gzip -k " + tmp / "a.jsonl").exit_code, 0);
  ASSERT_EQ(RunShell("zstd -q " + tmp / "b.jsonl").exit_code, 0);
  auto r = Lodestar("ingest --quiet " + tmp / "a.jsonl.gz" + " " + tmp / "b.jsonl.zst" + " --db " + tmp / "db");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Stats(tmp / "db")["ads"], 200);
  // The same ads uncompressed are duplicates.
  auto again = Lodestar("ingest --quiet " + tmp / "a.jsonl" + " --db " + tmp / "db");
  EXPECT_NE(again.out.find("0 new ads, 100 duplicates"), std::string::npos) << again.out;
  // --map picks a field the defaults would not.
  WriteFile(tmp / "c.jsonl", "{\"ref\":\"r1\",\"blurb\":\"mapped text\"}\n");
  auto m = Lodestar("ingest --quiet --map id=ref --map body=blurb " + tmp / "c.jsonl" + " --db " + tmp / "db2");
  ASSERT_EQ(m.exit_code, 0) << m.out;
  auto ad = nlohmann::json::parse(Lodestar("show r1 --json --db " + tmp / "db2").out);
  EXPECT_EQ(ad["body"], "mapped text");
  auto bad = Lodestar("ingest --quiet --map colour=x " + tmp / "c.jsonl" + " --db " + tmp / "db3");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("unknown field 'colour'"), std::string::npos) << bad.out;
}

// Kills a real ingest process at random moments, many times, and checks that
// every ad it reported as committed is in the store, then that a final run
// completes the store exactly.
TEST(IngestCli, KillNineNeverLosesCommittedAds) {
  TempDir tmp;
  const int kAds = 150000;
  std::string input = tmp / "big.jsonl";
  WriteFile(input, GeneratedAds(0, kAds));
  std::string db = tmp / "db";
  std::mt19937 rng(12345);
  int kills = 0;
  for (int round = 0; round < 8; ++round) {
    int out_pipe[2];
    ASSERT_EQ(::pipe(out_pipe), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(out_pipe[1], STDOUT_FILENO);
      ::close(out_pipe[0]);
      ::execl(LODESTAR_BIN, LODESTAR_BIN, "ingest", "--quiet", "--commit-interval", "0.02", "--zstd-level", "15",
              input.c_str(), "--db", db.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out_pipe[1]);
    auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(30, 900)(rng));
    std::this_thread::sleep_for(delay);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) ++kills;
    // Everything the process said before it died.
    std::string said;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out_pipe[0], buf, sizeof buf)) > 0) said.append(buf, static_cast<size_t>(n));
    ::close(out_pipe[0]);
    uint64_t committed = LastCommitted(said);
    auto s = Stats(db);
    ASSERT_TRUE(s.is_object()) << "store does not open after kill #" << round;
    EXPECT_GE(s["ads"].get<uint64_t>(), committed) << "round " << round;
    EXPECT_LE(s["ads"].get<uint64_t>(), static_cast<uint64_t>(kAds));
  }
  EXPECT_GE(kills, 4);  // most rounds must really have been killed mid-run
  auto finish = Lodestar("ingest --quiet " + input + " --db " + db);
  ASSERT_EQ(finish.exit_code, 0) << finish.out;
  EXPECT_EQ(Stats(db)["ads"], kAds);
  EXPECT_EQ(Stats(db)["quarantined"], 0);
}

// A full disk: a 2 MiB tmpfs (needs root, as CI runs). Nothing accepted before the
// disk filled is lost, and the error says what happened.
TEST(IngestCli, FullDiskIsAClearErrorAndKeepsCommittedAds) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs";
  TempDir tmp;
  std::string mnt = tmp / "small";
  std::filesystem::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=2m") != 0) GTEST_SKIP() << "cannot mount tmpfs here";
  std::string input = tmp / "big.jsonl";
  WriteFile(input, GeneratedAds(0, 60000));
  auto r = Lodestar("ingest --quiet --zstd-level 1 --commit-interval 0.01 " + input + " --db " + mnt + "/db");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("disk is full"), std::string::npos) << r.out;
  uint64_t committed = LastCommitted(r.out);
  auto s = Lodestar("stats --json --db " + mnt + "/db");
  ::umount(mnt.c_str());
  ASSERT_EQ(s.exit_code, 0) << s.out;
  EXPECT_GE(nlohmann::json::parse(s.out)["ads"].get<uint64_t>(), committed);
}

}  // namespace
}  // namespace lodestar
