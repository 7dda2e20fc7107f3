// The parse-only ceiling for ingest: read a JSON Lines file and parse every
// line with simdjson (DOM, runtime-dispatched kernel), touching the fields
// ingest reads, and nothing else. Prints "ads seconds" on stdout.
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: parse_ceiling FILE.jsonl\n");
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot open\n", argv[1]);
    return 1;
  }
  std::vector<char> iobuf(1 << 20);
  in.rdbuf()->pubsetbuf(iobuf.data(), static_cast<std::streamsize>(iobuf.size()));
  simdjson::dom::parser parser;
  std::string line, buffer;
  uint64_t ads = 0, chars = 0;
  while (std::getline(in, line)) {
    if (buffer.size() < line.size() + simdjson::SIMDJSON_PADDING) buffer.resize(line.size() * 2 + 4096);
    std::memcpy(buffer.data(), line.data(), line.size());
    simdjson::dom::element doc;
    if (parser.parse(reinterpret_cast<const uint8_t*>(buffer.data()), line.size(), false).get(doc)) continue;
    std::string_view s;
    for (const char* key : {"id", "title", "body", "location", "posted"})
      if (!doc[key].get(s)) chars += s.size();
    ++ads;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%llu %.4f %llu\n", static_cast<unsigned long long>(ads), secs, static_cast<unsigned long long>(chars));
  return 0;
}
