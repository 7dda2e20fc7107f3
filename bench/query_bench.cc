// Per-query CPU cost of Lodestar's search, in process, for comparing two builds of the
// index on a noisy machine: each query runs many times and the minimum and median
// microseconds are reported (the minimum moves least with other load).
//
//   query_bench --db STORE --queries FILE [--runs N] [--limit K]
//
// FILE holds one query per line in the query language (docs/search.md). Prints one
// line per query: min, median, total matches, then the sum of the minima.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "search/index.h"
#include "search/query.h"

namespace {

[[noreturn]] void Usage(const std::string& why) {
  fmt::print(stderr, "query_bench: {}\nusage: query_bench --db STORE --queries FILE [--runs N] [--limit K]\n", why);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, queries_file;
  int runs = 200;
  size_t limit = 10;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--db") db = value();
    else if (a == "--queries") queries_file = value();
    else if (a == "--runs") runs = std::max(1, std::atoi(value().c_str()));
    else if (a == "--limit") limit = static_cast<size_t>(std::atoi(value().c_str()));
    else Usage("unknown argument " + a);
  }
  if (db.empty() || queries_file.empty()) Usage("--db and --queries are required");
  std::ifstream in(queries_file);
  if (!in) Usage(queries_file + ": cannot read the query file");
  std::vector<std::string> queries;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) queries.push_back(line);
  }
  auto index = lodestar::search::Index::Open(db, /*update=*/false);
  if (!index.ok()) Usage(index.status().message());
  double sum_min = 0;
  for (const auto& text : queries) {
    auto q = lodestar::search::ParseQuery(text);
    if (!q.ok()) Usage(text + ": " + q.status().message());
    std::vector<double> us;
    uint64_t total = 0;
    for (int r = 0; r < runs; ++r) {
      const auto start = std::chrono::steady_clock::now();
      auto res = (*index)->Search(*q, limit);
      const auto end = std::chrono::steady_clock::now();
      if (!res.ok()) Usage(text + ": " + res.status().message());
      total = res->total;
      us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    }
    std::sort(us.begin(), us.end());
    sum_min += us.front();
    fmt::print("{:>9.1f} {:>9.1f} {:>8}  {}\n", us.front(), us[us.size() / 2], total, text);
  }
  fmt::print("sum of minima: {:.1f} us over {} queries\n", sum_min, queries.size());
  return 0;
}
