// Phone numbers in normalised text, including spelled and disguised digits.
//
// Candidates are runs of digit groups (digits, English/Spanish number words,
// "o"/"oh" for zero, l/i between digits) joined by at most three separator
// characters. Each run is split greedily into the longest prefixes that
// libphonenumber accepts as valid numbers for the default region, or as
// international numbers when written with '+' (or 11+ digits that only make
// sense with a country code). Work per run is bounded: a start group never
// reaches past 15 digits, and validations per field are capped.
#pragma once

#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

#include "extract/extractor.h"
#include "extract/normalize.h"

namespace lodestar::extract {

class PhoneFinder {
 public:
  PhoneFinder();
  // Appends the phones found in `norm` (the normalised form of `orig`, the
  // original text of `field`) to `out`, skipping E.164 values already present.
  void Find(const NormText& norm, std::string_view orig, const char* field, const std::string& region,
            std::vector<PhoneFact>& out);

 private:
  struct Group {
    std::string digits;
    uint32_t nb = 0, ne = 0;  // normalised byte range
    bool obfuscated = false;
    bool plus = false;    // preceded by '+' (or "00")
    bool dollar = false;  // preceded by a currency sign: a price, not a phone start
  };
  void ProcessRun(const NormText& norm, std::string_view orig, const char* field, const std::string& region,
                  std::vector<PhoneFact>& out);
  bool Validate(const std::string& digits, bool plus, const std::string& region, std::string* e164,
                bool* international, bool one_group);

  std::vector<Group> groups_;
  std::string scratch_;
  int validations_left_ = 0;
  std::unordered_map<uint32_t, bool> nanp_cache_;  // NPA-NXX -> valid
};

// Maps an ad's stated location to a default ISO region for phone parsing
// ("Portland, OR" -> "US", "London" -> "GB"); "US" when nothing is recognised.
std::string RegionFromLocation(std::string_view location);

}  // namespace lodestar::extract
