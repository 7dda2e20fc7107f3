// Writes the table of North American number validity (extract/nanp.h) for every
// area code and exchange, asking the libphonenumber Lodestar links. Run by the
// build: nanp_table_build OUT.bin
//
// An exchange whose sampled line numbers disagree is marked "ask" (libphonenumber
// looks past the exchange there); four lines spread over the range are sampled.
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "extract/nanp.h"

int main(int argc, char** argv) {
  using lodestar::extract::IsValidNanpNumber;
  using lodestar::extract::NanpTable;
  if (argc != 2) {
    std::fprintf(stderr, "usage: nanp_table_build OUT.bin\n");
    return 2;
  }
  constexpr uint32_t kWords = NanpTable::kPrefixes / 64;
  std::vector<uint64_t> valid(kWords), ask(kWords);
  // Each thread fills whole 64-bit words: 64 consecutive prefixes each.
  auto fill = [&](uint32_t first_word, uint32_t step) {
    const uint32_t lines[] = {0, 3141, 5555, 9999};
    for (uint32_t w = first_word; w < kWords; w += step) {
      for (uint32_t b = 0; b < 64; ++b) {
        const uint32_t prefix = w * 64 + b;
        if (prefix / 1000 < 200 || prefix % 1000 < 200) continue;  // not NXX-NXX: never valid, never asked
        bool first = false, differ = false;
        for (size_t k = 0; k < 4; ++k) {
          const bool v = IsValidNanpNumber(uint64_t{prefix} * 10000 + lines[k]);
          if (k == 0) first = v;
          else differ = differ || v != first;
        }
        if (first) valid[w] |= uint64_t{1} << b;
        if (differ) ask[w] |= uint64_t{1} << b;
      }
    }
  };
  const uint32_t threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (uint32_t t = 0; t < threads; ++t) pool.emplace_back(fill, t, threads);
  for (auto& t : pool) t.join();
  const std::string out = argv[1], tmp = out + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(NanpTable::kMagic, 8);
    f.write(reinterpret_cast<const char*>(valid.data()), kWords * 8);
    f.write(reinterpret_cast<const char*>(ask.data()), kWords * 8);
    if (!f) {
      std::fprintf(stderr, "nanp_table_build: %s: cannot write\n", tmp.c_str());
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    std::fprintf(stderr, "nanp_table_build: %s: cannot rename into place\n", out.c_str());
    return 1;
  }
  size_t n_valid = 0, n_ask = 0;
  for (uint32_t w = 0; w < kWords; ++w) {
    n_valid += static_cast<size_t>(__builtin_popcountll(valid[w]));
    n_ask += static_cast<size_t>(__builtin_popcountll(ask[w]));
  }
  std::printf("nanp_table_build: %zu valid exchanges, %zu decided past the exchange\n", n_valid, n_ask);
  return 0;
}
