// Disjoint sets over dense ids 0..n-1 (path halving + union by size).
// The representative reported by Smallest() is the smallest member, which is
// what makes cluster and network ids stable as the store grows.
#pragma once

#include <cstdint>
#include <numeric>
#include <vector>

namespace lodestar::link {

class UnionFind {
 public:
  explicit UnionFind(size_t n = 0) { Resize(n); }
  void Resize(size_t n) {
    size_t old = parent_.size();
    parent_.resize(n);
    size_.resize(n, 1);
    smallest_.resize(n);
    for (size_t i = old; i < n; ++i) parent_[i] = smallest_[i] = static_cast<uint32_t>(i);
  }
  size_t size() const { return parent_.size(); }
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  // Returns true if a and b were in different sets.
  bool Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return false;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    smallest_[a] = std::min(smallest_[a], smallest_[b]);
    return true;
  }
  uint32_t Smallest(uint32_t x) { return smallest_[Find(x)]; }
  uint32_t SetSize(uint32_t x) { return size_[Find(x)]; }

 private:
  std::vector<uint32_t> parent_, size_, smallest_;
};

}  // namespace lodestar::link
