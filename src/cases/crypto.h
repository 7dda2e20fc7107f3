// Cryptography for the case database, all from libsodium:
//  - personal fields are sealed with XSalsa20-Poly1305 (crypto_secretbox) under
//    a 32-byte key kept outside the database (a 0600 key file or an env var);
//  - identifiers used for linking (phones, e-mails, handles, names) are also
//    stored as keyed BLAKE2b "blind indexes", so equal values can be found
//    without decrypting and without storing them in clear;
//  - passwords are hashed with Argon2id (crypto_pwhash_str);
//  - API tokens are random and only their SHA-256 is stored;
//  - the audit chain uses SHA-256.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lodestar::cases {

class FieldCipher {
 public:
  // Key source, first match wins: env LODESTAR_CASES_KEY (64 hex digits), else
  // KEY_DIR/cases.key (created with mode 0600 and a random key if missing).
  static core::Result<FieldCipher> Load(const std::string& key_dir);
  static core::Result<FieldCipher> FromHex(std::string_view hex);

  // "v1:" + base64(nonce || ciphertext). Empty input stays empty (nothing to hide).
  std::string Seal(std::string_view plain) const;
  // Inverse of Seal; an error when the key is wrong or the value was altered.
  core::Result<std::string> Open(std::string_view sealed) const;
  // Keyed hash of an already normalised value, hex. Stable for a given key.
  std::string BlindIndex(std::string_view kind, std::string_view normalized) const;

 private:
  std::array<unsigned char, 32> key_{};
  std::array<unsigned char, 32> index_key_{};
};

// Argon2id (libsodium's interactive limits: fast enough for a login, slow for a guesser).
core::Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(const std::string& hash, std::string_view password);

// A fresh API token ("lst_" + 64 hex digits, 256 random bits).
std::string NewToken();
std::string Sha256Hex(std::string_view data);
std::string RandomHex(size_t bytes);

// Makes sure sodium_init() ran; false if libsodium cannot initialise.
bool InitSodium();

}  // namespace lodestar::cases
