// libFuzzer target: the warc reader and decoder on arbitrary bytes (see fuzz/run.sh).
#include "fuzz/fuzz_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lodestar::fuzz::FuzzReader(lodestar::ingest::Format::kWarc, data, size);
  return 0;
}
