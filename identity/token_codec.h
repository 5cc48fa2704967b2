#pragma once
// Bearer tokens in the spirit of Keystone's fernet tokens: everything the API
// needs to authorise a request is in the token, encrypted and authenticated
// under the key repository's keys, so no token table is kept.
//
// Token (version 1): base64url without padding (printable, URL- and
// header-safe) of
//   version (1 byte, 0x01) | nonce (24 random bytes) | ciphertext | tag (16 bytes)
// where ciphertext | tag is XChaCha20-Poly1305-IETF of encode_payload()'s
// bytes under the primary key, with the version byte as additional data.
// A typical project-scoped token (32-character hex ids, one method, three
// roles) is about 200 characters.
//
// Payload (encode_payload), the fields of token_payload in declaration order:
//   string  varint (length << 1 | packed), then the bytes; packed strings (a
//           non-empty, even-length run of lowercase hex, such as uuid hex ids)
//           are stored as the bytes they spell, at half the length
//   list    varint count, then as many strings
//   int64   8 bytes, little-endian two's complement
// A payload decodes only if every field is whole and nothing follows the last.
//
// Contract:
// - seal() draws a fresh nonce per call; it throws std::length_error if the
//   token would be longer than max_token_chars (hundreds of roles), and
//   std::runtime_error if libsodium cannot initialise.
// - open() and decode_payload() never throw on any input (short of memory
//   running out) and never read outside it. open() returns nullopt unless the
//   token authenticates under one of the repository's keys (tried in
//   decryption_keys() order, the primary first) and its payload decodes.
// - Neither checks time: an opened token may have expired. The caller compares
//   expires_us with the clock (and issued_us, audit ids against revocations).
// - Tokens are secrets (whoever holds one acts as its user): never log them.
// - Thread-safe: no state beyond the key repository, which is read-only.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identity/key_repository.h"

namespace nimbus::identity {

/// What a token says of its holder and its own lifetime.
struct token_payload {
  std::string user_id;
  std::string project_id;           // empty: not project-scoped
  std::string domain_id;            // set for a domain-scoped token
  std::vector<std::string> methods; // "password", "token", "application_credential"
  std::vector<std::string> roles;   // role names, as the policy checks them
  std::string app_cred_id;          // empty unless made from an application credential
  std::int64_t issued_us = 0;       // unix time, microseconds
  std::int64_t expires_us = 0;      // unix time, microseconds; not checked by open()
  std::string audit_id;             // random_audit_id() of this token
  std::string parent_audit_id;      // the audit id of the token it was rescoped from, or empty
};

bool operator==(const token_payload& a, const token_payload& b);
inline bool operator!=(const token_payload& a, const token_payload& b) { return !(a == b); }

/// Longest token seal() makes and open() reads.
constexpr std::size_t max_token_chars = 8192;

/// The token for `payload`, sealed with `keys.primary()`.
std::string seal(const token_payload& payload, const key_repository& keys);

/// The payload of `token` if one of `keys` sealed it; nullopt otherwise.
std::optional<token_payload> open(std::string_view token, const key_repository& keys);

/// A fresh audit id: 16 random bytes as 22 characters of base64url.
std::string random_audit_id();

/// The plaintext format, on its own (for tests of the decoder).
std::string encode_payload(const token_payload& payload);
/// Nullopt for bytes that are not exactly one encoded payload.
std::optional<token_payload> decode_payload(std::string_view bytes);

} // namespace nimbus::identity
