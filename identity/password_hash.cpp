#include "identity/password_hash.h"

#include <sodium.h>
#include <stdexcept>

#include "identity/sodium.h"

namespace nimbus::identity {

namespace {

// INTERACTIVE limits (Argon2id, opslimit 2, memlimit 64 MiB): one hash or
// verify costs ~50-100 ms of one core and 64 MiB while it runs. A login
// happens per CLI command (the openstack client fetches a token each time it
// runs), so it has to stay well under a second; MODERATE (256 MiB, ~0.7 s) or
// SENSITIVE (1 GiB, ~3.5 s) would make every command slow and let a few
// concurrent logins exhaust memory. Stored hashes carry their own parameters,
// so raising these later only affects new hashes.
constexpr unsigned long long ops_limit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t mem_limit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

// A non-null pointer for libsodium even when the view is empty (data() may be
// null then).
const char* bytes_of(std::string_view s) { return s.empty() ? "" : s.data(); }

} // namespace

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES] = {};
  if (crypto_pwhash_str_alg(out, bytes_of(password), password.size(), ops_limit, mem_limit,
                            crypto_pwhash_ALG_ARGON2ID13)
      != 0) {
    throw std::runtime_error("identity: password hashing failed (out of memory?)");
  }
  return std::string(out); // NUL-terminated by libsodium
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  // libsodium reads a C string of fewer than crypto_pwhash_STRBYTES bytes:
  // anything longer, or with a NUL inside, is not one of our hashes.
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES
      || stored_hash.find('\0') != std::string_view::npos) {
    return false;
  }
  try {
    ensure_sodium();
  } catch (const std::runtime_error&) {
    return false;
  }
  const std::string terminated(stored_hash);
  return crypto_pwhash_str_verify(terminated.c_str(), bytes_of(password), password.size()) == 0;
}

void burn_verify_time(std::string_view password) {
  // Made with the same limits as real hashes, from a random password nobody
  // knows, so a verify against it costs the same and never succeeds.
  static const std::string dummy = [] {
    ensure_sodium();
    unsigned char secret[16];
    randombytes_buf(secret, sizeof secret);
    std::string hash =
      hash_password(std::string_view(reinterpret_cast<const char*>(secret), sizeof secret));
    sodium_memzero(secret, sizeof secret);
    return hash;
  }();
  [[maybe_unused]] const int never_matches =
    crypto_pwhash_str_verify(dummy.c_str(), bytes_of(password), password.size());
}

} // namespace nimbus::identity
