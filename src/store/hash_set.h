// An open-addressing set of 128-bit content hashes: 16 bytes per slot, load
// factor <= 0.5, so 10^7 ads cost about 320 MiB at worst and 10^6 about 32 MiB.
// The hashes are already uniformly random, so the low word is the probe start.
#pragma once

#include <cstdint>
#include <vector>

#include "core/ad.h"

namespace lodestar::store {

class ContentHashSet {
 public:
  // Inserts `h`; returns true if it was not present.
  bool Insert(const core::ContentHash& h) {
    if (h.low == 0 && h.high == 0) {  // the empty-slot marker gets its own flag
      bool was = has_zero_;
      has_zero_ = true;
      return !was;
    }
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    if (InsertNoGrow(h)) {
      ++size_;
      return true;
    }
    return false;
  }
  size_t size() const { return size_ + (has_zero_ ? 1 : 0); }

 private:
  bool InsertNoGrow(const core::ContentHash& h) {
    size_t mask = slots_.size() - 1;
    for (size_t i = h.low & mask;; i = (i + 1) & mask) {
      auto& s = slots_[i];
      if (s.low == 0 && s.high == 0) {
        s = h;
        return true;
      }
      if (s == h) return false;
    }
  }
  void Grow() {
    std::vector<core::ContentHash> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, core::ContentHash{});
    for (const auto& h : old)
      if (h.low != 0 || h.high != 0) InsertNoGrow(h);
  }
  std::vector<core::ContentHash> slots_;
  size_t size_ = 0;
  bool has_zero_ = false;
};

}  // namespace lodestar::store
