#include "extract/nanp.h"

#include <phonenumbers/phonenumberutil.h>

#include <cstring>
#include <fstream>
#include <list>
#include <memory>

#ifndef LODESTAR_NANP_TABLE
#define LODESTAR_NANP_TABLE ""
#endif

namespace lodestar::extract {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

bool IsValidNanpNumber(uint64_t national) {
  static const PhoneNumberUtil* const util = PhoneNumberUtil::GetInstance();  // fetched once, not per number
  // IsValidNumber first finds the number's region, trying the calling code's regions in order and testing every
  // number type of each, then tests the types again for that region. For country code 1 the list starts with the
  // US, which has no leading-digit pattern, so a number valid for the US is exactly one whose region is the US:
  // asking for the US directly gives the same answer for less than half the work (about 7 us instead of 15).
  // Other numbers (Canada, the Caribbean, invalid ones) take the full path.
  static const bool us_first = [] {
    std::list<std::string> regions;
    util->GetRegionCodesForCountryCallingCode(1, &regions);
    return !regions.empty() && regions.front() == "US";
  }();
  PhoneNumber number;
  number.set_country_code(1);
  number.set_national_number(national);
  if (us_first && util->IsValidNumberForRegion(number, "US")) return true;
  return util->IsValidNumber(number);
}

std::vector<uint64_t> NanpTable::ReadWords(const std::string& path) {
  constexpr size_t kWords = 2 * kPrefixes / 64;
  std::ifstream in(path, std::ios::binary);
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, kMagic, 8) != 0) return {};
  std::vector<uint64_t> words(kWords);
  if (!in.read(reinterpret_cast<char*>(words.data()), static_cast<std::streamsize>(kWords * 8))) return {};
  if (in.peek() != std::char_traits<char>::eof()) return {};
  return words;
}

const NanpTable* NanpTable::Get() {
  static const std::unique_ptr<NanpTable> table = []() -> std::unique_ptr<NanpTable> {
    std::vector<uint64_t> words = ReadWords(LODESTAR_NANP_TABLE);
    if (words.empty()) return nullptr;
    std::unique_ptr<NanpTable> t(new NanpTable());
    t->valid_.assign(words.begin(), words.begin() + kPrefixes / 64);
    t->ask_.assign(words.begin() + kPrefixes / 64, words.end());
    // A table from another libphonenumber than the one linked would answer for the wrong version: spot-check
    // a spread of exchanges the table answers for itself (a few ms) and ignore the table if any disagrees.
    for (uint32_t prefix = 200200; prefix < kPrefixes; prefix += 7919) {
      const Answer a = t->Lookup(prefix);
      if (a == Answer::kAsk || prefix % 1000 < 200) continue;
      if ((a == Answer::kValid) != IsValidNanpNumber(uint64_t{prefix} * 10000 + 4321)) return nullptr;
    }
    return t;
  }();
  return table.get();
}

}  // namespace lodestar::extract
