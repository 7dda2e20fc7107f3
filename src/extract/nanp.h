// Validity of North American (+1) numbers: libphonenumber's answer, and a table
// of it for every area code and exchange, built from the same library when
// Lodestar is built (tools/nanp_table_build.cc), so the phone finder does not
// ask the library once per distinct exchange at run time.
//
// Validity almost always depends on the area code and exchange (NPA-NXX) alone;
// where libphonenumber's patterns look further (a few Caribbean exchanges), the
// table says so and the caller asks the library for the whole number.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lodestar::extract {

// libphonenumber's IsValidNumber for +1 `national` (10 digits), answered with less work for US numbers.
bool IsValidNanpNumber(uint64_t national);

class NanpTable {
 public:
  enum class Answer { kInvalid, kValid, kAsk };
  // The table of the build (LODESTAR_NANP_TABLE), loaded once; nullptr when it is
  // missing or damaged (callers then ask the library every time).
  static const NanpTable* Get();
  // `prefix` = NPA * 1000 + NXX (the first six digits of the national number).
  Answer Lookup(uint32_t prefix) const {
    if (prefix >= kPrefixes) return Answer::kAsk;
    const uint64_t bit = uint64_t{1} << (prefix & 63);
    if (ask_[prefix >> 6] & bit) return Answer::kAsk;
    return (valid_[prefix >> 6] & bit) ? Answer::kValid : Answer::kInvalid;
  }

  // The file: 8-byte magic "LSNANP01", then the valid bits and the ask bits, each
  // kPrefixes bits as little-endian 64-bit words.
  static constexpr uint32_t kPrefixes = 1000000;  // a multiple of 64
  static constexpr char kMagic[9] = "LSNANP01";
  // Reads a table file; an empty result means the file is missing or damaged.
  static std::vector<uint64_t> ReadWords(const std::string& path);

 private:
  NanpTable() = default;
  std::vector<uint64_t> valid_, ask_;
};

}  // namespace lodestar::extract
