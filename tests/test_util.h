// Helpers shared by tests: temporary directories, running the lodestar CLI, a
// synthetic corpus with its truth, a `lodestar serve` child process.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace lodestar::test {

// A fresh directory under /tmp, removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("lodestar-test-" + std::to_string(rd()) + std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr, interleaved
};

// Runs a shell command line, capturing stdout+stderr.
inline CommandResult RunShell(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Runs the lodestar binary under test with `args`.
inline CommandResult Lodestar(const std::string& args) { return RunShell(std::string(LODESTAR_BIN) + " " + args); }

inline std::string SharedData(const std::string& relative) { return std::string(LODESTAR_SHARED_DATA) + "/" + relative; }

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the lodestar binary with `args`, expects success and JSON on stdout.
inline nlohmann::json LodestarJson(const std::string& args) {
  auto r = Lodestar(args);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out.substr(0, 500);
  return j;
}

// synth (with `synth_flags`, e.g. "--ads 3000 --seed 11") -> ingest -> link into
// the store `dir / "db"`; `truth` gets synth's truth file, one object per ad.
// A failing step fails the test fatally (check HasFatalFailure() after).
inline void MakeLinkedCorpus(const TempDir& dir, const std::string& synth_flags, std::vector<nlohmann::json>& truth) {
  const std::string db = dir / "db";
  auto s = Lodestar("synth " + synth_flags + " --out " + dir / "a.jsonl" + " --truth " + dir / "a.truth");
  ASSERT_EQ(s.exit_code, 0) << s.out;
  auto i = Lodestar("ingest " + dir / "a.jsonl" + " --db " + db);
  ASSERT_EQ(i.exit_code, 0) << i.out;
  auto l = Lodestar("link --quiet --db " + db);
  ASSERT_EQ(l.exit_code, 0) << l.out;
  std::ifstream in(dir / "a.truth");
  std::string line;
  while (std::getline(in, line)) truth.push_back(nlohmann::json::parse(line));
}

// A US truth phone on `min_ads` to 40 ads (the first in phone order), or "";
// `ids` (if given) gets the ids of its ads.
inline std::string TruthPhone(const std::vector<nlohmann::json>& truth, size_t min_ads,
                              std::set<std::string>* ids = nullptr) {
  std::map<std::string, std::set<std::string>> by_phone;
  for (const auto& t : truth)
    for (const auto& p : t["phones"]) by_phone[p.get<std::string>()].insert(t["id"].get<std::string>());
  for (const auto& [p, s] : by_phone) {
    if (s.size() >= min_ads && s.size() <= 40 && p.starts_with("+1")) {
      if (ids) *ids = s;
      return p;
    }
  }
  return "";
}

// A `lodestar serve --db DIR [extra args] --port 0 --bind 127.0.0.1` child
// process; the port is read from its first line of output. Stopped (SIGTERM)
// when the object goes away.
class ServerProcess {
 public:
  bool Start(const std::string& db_dir, const std::vector<std::string>& extra_args = {}) {
    std::vector<std::string> args = {LODESTAR_BIN, "serve", "--db", db_dir};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    args.insert(args.end(), {"--port", "0", "--bind", "127.0.0.1"});
    std::vector<char*> argv;  // built before fork: the child only execs
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    if (pipe(out) != 0) return false;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      execv(LODESTAR_BIN, argv.data());
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    out_fd_ = out[0];
    auto p = line.find("127.0.0.1:");
    if (p == std::string::npos) return false;
    port_ = std::atoi(line.c_str() + p + 10);
    return port_ > 0;
  }
  void Kill9() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
  }
  int port() const { return port_; }
  bool alive() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int out_fd_ = -1;
};

}  // namespace lodestar::test
