// Phone numbers in normalised text, including spelled and disguised digits.
//
// Candidates are runs of digit groups (digits, English/Spanish number words,
// "o"/"oh" for zero, short o/l/i runs written against a digit: "3Ol6")
// joined by at most three separator characters. Each run is split greedily
// into the longest prefixes that libphonenumber accepts as valid numbers for
// the default region (or, for a NANP-shaped number the region rejects, as
// North American), or as international numbers when written with '+' (or 11+
// digits that only make sense with a country code). A number right after a
// currency sign ("$", "€", "₹", full-width "＄", ...) is a price and never
// starts a phone. Work per run is bounded: a start group never reaches past
// 15 digits, and validations per field are capped.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <string_view>
#include <utility>
#include <vector>

#include "extract/extractor.h"
#include "extract/nanp.h"
#include "extract/normalize.h"

namespace i18n::phonenumbers {
class PhoneNumberUtil;
}  // namespace i18n::phonenumbers

namespace lodestar::extract {

class Gazetteer;

class PhoneFinder {
 public:
  PhoneFinder();
  // Appends the phones found in `norm` (the normalised form of `orig`, the
  // original text of `field`) to `out`, skipping E.164 values already present.
  void Find(const NormText& norm, std::string_view orig, const char* field, const std::string& region,
            std::vector<PhoneFact>& out);
  // For tests: read every byte through the full state machine, without passing over text that cannot start a
  // phone (the same results, slower).
  void SetSkipIdleText(bool skip) { skip_idle_ = skip; }

 private:
  struct Group {
    uint32_t db = 0, dn = 0;  // its digits: digits_[db, db + dn)
    uint32_t nb = 0, ne = 0;  // normalised byte range
    bool obfuscated = false;
    bool plus = false;    // preceded by '+' (or "00")
    bool dollar = false;  // preceded by a currency sign: a price, not a phone start
  };
  void ProcessRun(const NormText& norm, std::string_view orig, const char* field, const std::string& region,
                  std::vector<PhoneFact>& out);
  bool Validate(std::string_view digits, bool plus, const std::string& region, std::string* e164,
                bool* international, bool one_group);
  // The longest of groups_[i..j], j in [i, j_end), that Validate accepts (SIZE_MAX when none), asked longest first;
  // spends exactly the validations that asking shortest first would. Needs a budget no candidate can run out.
  size_t LongestValid(size_t i, size_t j_end, const std::string& region, std::string* e164, bool* international);
  // Whether the 10 digits at `national` (NXXNXXXXXX) are a valid NANP number; spends one validation when not cached.
  bool NanpValid(const char* national);

  // libphonenumber's singleton, fetched once rather than on every validation.
  const i18n::phonenumbers::PhoneNumberUtil* util_;
  std::vector<Group> groups_;
  // The digits of groups_, group after group, so that consecutive groups read together are one span (no copies).
  std::string digits_;
  bool skip_idle_ = true;
  std::string scratch_;
  std::vector<std::pair<uint32_t, const char*>> parts_;  // number words of one letter run: (end offset, digits)
  int validations_left_ = 0;
  // libphonenumber's answers (region, a '\0', the text asked -> E.164, empty when not valid): its Parse and
  // IsValidNumber cost ~80k instructions per number outside North America, and ads repeat their numbers. Cleared
  // when it reaches kParseCacheSize entries.
  static constexpr size_t kParseCacheSize = 4096;
  std::unordered_map<std::string, std::string> parse_cache_;
  std::string parse_key_;
  // Without the build's NANP table only: NPA-NXX (six digits) -> validity, as bit sets allocated on first use;
  // nanp_cached_ counts the known entries.
  static constexpr size_t kNanpKeys = 1000000;  // a multiple of 64
  std::vector<uint64_t> nanp_known_, nanp_valid_;
  size_t nanp_cached_ = 0;
};


// Maps an ad's stated location to a default ISO region for phone parsing
// ("Portland, OR" -> "US", "London" -> "GB"); "US" when nothing is recognised.
// A foreign city name only counts without North American context: with a
// gazetteer, a US/Canadian state or province (full name, or an upper-case code
// such as "CA") or a US/Canadian place that is neither a common word nor itself
// a foreign city name keeps "US" ("Dublin, East Bay, Pleasanton", "Manchester
// Blvd, Inglewood"). Whatever the region, the finder also reads a NANP-shaped
// number that the region rejects as North American.
std::string RegionFromLocation(std::string_view location, const Gazetteer* gazetteer = nullptr);

// True when lower-case `letters` split entirely into the number words the finder
// reads ("twozerotwo", "ohfive", "cincodos"; "o"/"oh" for zero). For telling
// spelled phone fragments from names ("simone" and "honey" do not split).
bool IsNumberWords(std::string_view letters);

}  // namespace lodestar::extract
