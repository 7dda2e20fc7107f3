// Payment identifiers whose validity can be checked offline.
#pragma once

#include <string_view>

namespace lodestar::extract {

// P2PKH ("1...") or P2SH ("3...") address whose Base58Check checksum verifies.
bool IsValidBase58Address(std::string_view s);
// Segwit "bc1..." address whose Bech32 (v0) or Bech32m (v1+) checksum verifies.
bool IsValidBech32Address(std::string_view s);

}  // namespace lodestar::extract
