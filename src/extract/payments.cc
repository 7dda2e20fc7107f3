// Bitcoin address validation: Base58Check (P2PKH/P2SH, double SHA-256
// checksum) and Bech32/Bech32m (BIP-173/350 segwit). Checksums make random
// 26-35 character tokens almost never pass, so a hit is a real address.
#include "extract/payments.h"

#include <array>
#include <cstring>
#include <string>

namespace lodestar::extract {
namespace {

// --- SHA-256 (FIPS 180-4), enough for checksums of short inputs. ---
constexpr std::array<uint32_t, 64> kK = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

inline uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

std::array<uint8_t, 32> Sha256(const uint8_t* data, size_t len) {
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  // Padded message: at most 2 blocks for our inputs (<= 55 or <= 119 bytes); handle any length generically.
  const size_t total = ((len + 9 + 63) / 64) * 64;
  uint8_t block[64];
  for (size_t off = 0; off < total; off += 64) {
    for (size_t i = 0; i < 64; ++i) {
      const size_t p = off + i;
      uint8_t b = 0;
      if (p < len) b = data[p];
      else if (p == len) b = 0x80;
      else if (p >= total - 8) b = static_cast<uint8_t>((static_cast<uint64_t>(len) * 8) >> (8 * (total - 1 - p)));
      block[i] = b;
    }
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      w[i] = (uint32_t{block[4 * i]} << 24) | (uint32_t{block[4 * i + 1]} << 16) | (uint32_t{block[4 * i + 2]} << 8) |
             block[4 * i + 3];
    }
    for (int i = 16; i < 64; ++i) {
      const uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      const uint32_t t1 = hh + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
      const uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  std::array<uint8_t, 32> out;
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<uint8_t>(h[i] >> 24);
    out[4 * i + 1] = static_cast<uint8_t>(h[i] >> 16);
    out[4 * i + 2] = static_cast<uint8_t>(h[i] >> 8);
    out[4 * i + 3] = static_cast<uint8_t>(h[i]);
  }
  return out;
}

constexpr const char* kBase58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr const char* kBech32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

int Base58Value(char c) {
  const char* p = std::strchr(kBase58, c);
  return (c && p) ? static_cast<int>(p - kBase58) : -1;
}

uint32_t Bech32Polymod(const uint8_t* v, size_t n) {
  constexpr uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  uint32_t chk = 1;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v[i];
    for (int k = 0; k < 5; ++k) {
      if ((top >> k) & 1) chk ^= kGen[k];
    }
  }
  return chk;
}

}  // namespace

bool IsValidBase58Address(std::string_view s) {
  if (s.size() < 26 || s.size() > 35 || (s[0] != '1' && s[0] != '3')) return false;
  // Decode into 25 bytes (version + 20-byte hash + 4-byte checksum).
  std::array<uint8_t, 25> bytes{};
  for (char c : s) {
    int carry = Base58Value(c);
    if (carry < 0) return false;
    for (int i = 24; i >= 0; --i) {
      carry += 58 * bytes[i];
      bytes[i] = static_cast<uint8_t>(carry & 0xFF);
      carry >>= 8;
    }
    if (carry != 0) return false;  // longer than 25 bytes
  }
  const auto first = Sha256(bytes.data(), 21);
  const auto second = Sha256(first.data(), 32);
  return std::memcmp(second.data(), bytes.data() + 21, 4) == 0 && (bytes[0] == 0x00 || bytes[0] == 0x05);
}

bool IsValidBech32Address(std::string_view s) {
  if (s.size() < 14 || s.size() > 74) return false;
  // All lower or all upper case.
  bool lower = false, upper = false;
  for (char c : s) {
    lower |= c >= 'a' && c <= 'z';
    upper |= c >= 'A' && c <= 'Z';
  }
  if (lower && upper) return false;
  std::string t(s);
  for (char& c : t) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  if (t.rfind("bc1", 0) != 0) return false;
  std::array<uint8_t, 96> v{};
  size_t n = 0;
  v[n++] = 'b' >> 5;
  v[n++] = 'c' >> 5;
  v[n++] = 0;
  v[n++] = 'b' & 31;
  v[n++] = 'c' & 31;
  for (size_t i = 3; i < t.size(); ++i) {
    const char* p = std::strchr(kBech32, t[i]);
    if (!t[i] || !p) return false;
    v[n++] = static_cast<uint8_t>(p - kBech32);
  }
  const uint32_t pm = Bech32Polymod(v.data(), n);
  const uint8_t witness_version = v[5];
  if (witness_version == 0) return pm == 1;                    // bech32
  return witness_version <= 16 && pm == 0x2bc830a3;            // bech32m
}

}  // namespace lodestar::extract
