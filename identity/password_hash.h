#pragma once
// Password hashing for local users: Argon2id through libsodium's
// crypto_pwhash_str, stored as the self-describing PHC string
// ("$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>", under 128 characters).
//
// Contract:
// - hash_password() salts every hash with fresh random bytes, so two hashes of
//   one password differ; the result never contains the password. It throws
//   std::runtime_error only when libsodium cannot run (out of memory).
// - verify_password() never throws on any input and takes Argon2id's time
//   only for a well-formed stored hash; anything else is false at once.
//   The stored hash is trusted data (our own store): its parameters decide the
//   cost, so never verify against a hash a client supplied.
// - burn_verify_time() spends what a verify costs, so that a login for a user
//   that does not exist takes as long as one with a wrong password and the
//   timing does not reveal which user names exist.
// - All three are thread-safe. Each call holds ~64 MiB while it runs (see
//   password_hash.cpp): bound how many run at once in the caller.
#include <string>
#include <string_view>

namespace nimbus::identity {

/// A salted Argon2id hash of `password` to store in the user's record.
std::string hash_password(std::string_view password);

/// Whether `password` is the one `stored_hash` was made from. False for a
/// wrong password and for a stored hash that is empty, malformed, truncated or
/// of an algorithm libsodium does not know.
bool verify_password(std::string_view stored_hash, std::string_view password);

/// Verifies `password` against a dummy hash made once per process (lazily,
/// thread-safely) and discards the result: call it where the user is unknown,
/// in place of verify_password(). The first call also makes the dummy hash;
/// call it once at start-up so that no login pays for that. Throws what
/// hash_password() throws, from that first call only.
void burn_verify_time(std::string_view password = {});

} // namespace nimbus::identity
