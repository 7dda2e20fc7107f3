#include "cases/crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace lodestar::cases {

bool InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

namespace {

std::string ToHex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

core::Status BadKey(const std::string& where) {
  return core::Status::Error(core::StatusCode::kInvalidInput,
                             where + ": the cases key must be exactly 64 hex digits (32 bytes); "
                                     "generate one with `head -c32 /dev/urandom | xxd -p -c64`");
}

}  // namespace

core::Result<FieldCipher> FieldCipher::FromHex(std::string_view hex) {
  if (!InitSodium()) return core::Status::Error(core::StatusCode::kIoError, "libsodium failed to initialise");
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) hex.remove_suffix(1);
  FieldCipher c;
  size_t len = 0;
  if (hex.size() != 64 ||
      sodium_hex2bin(c.key_.data(), c.key_.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != 32) {
    return BadKey("cases key");
  }
  // A separate sub-key for blind indexes, so index values reveal nothing about the sealing key.
  static const char kContext[] = "lodestar-blind-index-v1";
  crypto_generichash(c.index_key_.data(), c.index_key_.size(), reinterpret_cast<const unsigned char*>(kContext),
                     sizeof(kContext) - 1, c.key_.data(), c.key_.size());
  return c;
}

core::Result<FieldCipher> FieldCipher::Load(const std::string& key_dir) {
  if (!InitSodium()) return core::Status::Error(core::StatusCode::kIoError, "libsodium failed to initialise");
  if (const char* env = std::getenv("LODESTAR_CASES_KEY"); env && *env) {
    auto c = FromHex(env);
    if (!c.ok()) return BadKey("LODESTAR_CASES_KEY");
    return c;
  }
  std::string path = key_dir + "/cases.key";
  std::ifstream in(path);
  if (in) {
    struct stat st{};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      return core::Status::Error(core::StatusCode::kInvalidInput,
                                 path + " is readable by other users; run `chmod 600 " + path + "`");
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto c = FromHex(ss.str());
    if (!c.ok()) return BadKey(path);
    return c;
  }
  // First use: create the key file atomically with owner-only permissions.
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  std::string hex = ToHex(key, sizeof key) + "\n";
  sodium_memzero(key, sizeof key);
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    return core::Status::Error(core::StatusCode::kIoError,
                               "cannot create the cases key " + path + ": check that " + key_dir +
                                   " exists and is writable, or set LODESTAR_CASES_KEY");
  }
  bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
  ::close(fd);
  // link() fails if another process created the key first; then use theirs.
  if (ok && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) ok = false;
  ::unlink(tmp.c_str());
  if (!ok) return core::Status::Error(core::StatusCode::kIoError, "cannot write the cases key " + path);
  std::ifstream again(path);
  std::stringstream ss;
  ss << again.rdbuf();
  return FromHex(ss.str());
}

std::string FieldCipher::Seal(std::string_view plain) const {
  if (plain.empty()) return {};
  std::vector<unsigned char> buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size());
  unsigned char* nonce = buf.data();
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plain.data()),
                        plain.size(), nonce, key_.data());
  size_t b64len = sodium_base64_ENCODED_LEN(buf.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(b64len, '\0');
  sodium_bin2base64(out.data(), out.size(), buf.data(), buf.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return "v1:" + out;
}

core::Result<std::string> FieldCipher::Open(std::string_view sealed) const {
  if (sealed.empty()) return std::string();
  auto fail = [] {
    return core::Status::Error(core::StatusCode::kCorrupt,
                               "an encrypted field cannot be opened: wrong cases key (cases.key / "
                               "LODESTAR_CASES_KEY) or the value was altered");
  };
  if (sealed.substr(0, 3) != "v1:") return fail();
  sealed.remove_prefix(3);
  std::vector<unsigned char> buf(sealed.size());
  size_t len = 0;
  if (sodium_base642bin(buf.data(), buf.size(), sealed.data(), sealed.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return fail();
  }
  std::string out(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()), buf.data() + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, buf.data(), key_.data()) != 0) {
    return fail();
  }
  return out;
}

std::string FieldCipher::BlindIndex(std::string_view kind, std::string_view normalized) const {
  unsigned char out[16];
  crypto_generichash_state st;
  crypto_generichash_init(&st, index_key_.data(), index_key_.size(), sizeof out);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kind.data()), kind.size());
  const unsigned char sep = 0;
  crypto_generichash_update(&st, &sep, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(normalized.data()), normalized.size());
  crypto_generichash_final(&st, out, sizeof out);
  return ToHex(out, sizeof out);
}

core::Result<std::string> HashPassword(std::string_view password) {
  if (!InitSodium()) return core::Status::Error(core::StatusCode::kIoError, "libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return core::Status::Error(core::StatusCode::kIoError, "Argon2id hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (!InitSodium()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string RandomHex(size_t bytes) {
  InitSodium();
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return ToHex(buf.data(), buf.size());
}

std::string NewToken() { return "lst_" + RandomHex(32); }

std::string Sha256Hex(std::string_view data) {
  InitSodium();
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return ToHex(out, sizeof out);
}

}  // namespace lodestar::cases
