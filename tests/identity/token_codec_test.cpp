// Sealed tokens: every field survives, nothing forged or damaged opens, and a
// typical token stays short.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <sodium.h>
#include <stdexcept>
#include <string>

#include "identity/key_repository.h"
#include "identity/token_codec.h"
#include "tests/support/temp_dir.h"

using namespace nimbus::identity;

namespace {

struct repo_fixture {
  nimbus::test::temp_dir tmp;
  key_repository keys = make(tmp.sub("keys"));

  static key_repository make(const std::string& dir) {
    std::string why;
    REQUIRE_MESSAGE(key_repository::create(dir, &why), why);
    auto repo = key_repository::open(dir, &why);
    REQUIRE_MESSAGE(repo.has_value(), why);
    return *repo;
  }
};

// A project-scoped password token as the API issues them.
token_payload typical() {
  token_payload p;
  p.user_id = "9fe2ff9ee4384b1894a90878d3e92bab";
  p.project_id = "c5ff2f6e4f7a4ad5a1e1dc9b2b7e7a10";
  p.methods = {"password"};
  p.roles = {"admin", "member", "reader"};
  p.issued_us = 1718100000123456;
  p.expires_us = p.issued_us + 3600LL * 1000000;
  p.audit_id = random_audit_id();
  return p;
}

bool url_safe(const std::string& s) {
  return s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
         == std::string::npos;
}

} // namespace

TEST_CASE_FIXTURE(repo_fixture, "token_codec: every field round-trips") {
  token_payload p;
  p.user_id = "9FE2FF9EE4384B1894A90878D3E92BAB"; // upper-case hex: kept as text
  p.project_id = "abc";                           // odd-length hex
  p.domain_id = std::string("d\0main\xff", 7);    // any bytes
  p.methods = {"password", "token", "application_credential"};
  p.roles = {"admin", "", "00", "r\xc3\xb4le"};
  p.app_cred_id = "0123456789abcdef0123456789abcdef";
  p.issued_us = std::numeric_limits<std::int64_t>::min();
  p.expires_us = std::numeric_limits<std::int64_t>::max();
  p.audit_id = random_audit_id();
  p.parent_audit_id = random_audit_id();
  const auto opened = open(seal(p, keys), keys);
  REQUIRE(opened.has_value());
  CHECK(opened->user_id == p.user_id);
  CHECK(opened->project_id == p.project_id);
  CHECK(opened->domain_id == p.domain_id);
  CHECK(opened->methods == p.methods);
  CHECK(opened->roles == p.roles);
  CHECK(opened->app_cred_id == p.app_cred_id);
  CHECK(opened->issued_us == p.issued_us);
  CHECK(opened->expires_us == p.expires_us);
  CHECK(opened->audit_id == p.audit_id);
  CHECK(opened->parent_audit_id == p.parent_audit_id);
  CHECK(*opened == p);
  CHECK(open(seal(token_payload{}, keys), keys) == token_payload{}); // all empty
  CHECK(open(seal(typical(), keys), keys) != p);
}

TEST_CASE_FIXTURE(repo_fixture, "token_codec: fresh nonces, and no clock in the codec") {
  auto p = typical();
  p.expires_us = 1; // long expired: open() does not look
  const std::string a = seal(p, keys), b = seal(p, keys);
  CHECK(a != b);
  CHECK(open(a, keys) == p);
  CHECK(open(b, keys) == p);
}

TEST_CASE_FIXTURE(repo_fixture, "token_codec: a one-bit flip anywhere does not open") {
  const std::string token = seal(typical(), keys);
  REQUIRE(open(token, keys).has_value());
  int opened = 0, tried = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = token;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      opened += open(bad, keys).has_value() ? 1 : 0;
      ++tried;
    }
  }
  CHECK(tried == static_cast<int>(token.size()) * 8);
  CHECK(opened == 0);
  // And in the bytes under the base64: version, nonce, ciphertext, tag.
  std::string raw(token.size(), '\0');
  std::size_t size = 0;
  REQUIRE(sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), token.data(),
                            token.size(), nullptr, &size, nullptr,
                            sodium_base64_VARIANT_URLSAFE_NO_PADDING)
          == 0);
  raw.resize(size);
  std::string text(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  for (std::size_t i = 0; i < size; ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = raw;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      sodium_bin2base64(text.data(), text.size(),
                        reinterpret_cast<const unsigned char*>(bad.data()), size,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING);
      opened += open(text.c_str(), keys).has_value() ? 1 : 0;
    }
  }
  CHECK(opened == 0);
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  CHECK(open(text.c_str(), keys).has_value()); // the re-encoding itself is sound
}

TEST_CASE_FIXTURE(repo_fixture, "token_codec: truncated, padded, foreign or huge input") {
  const std::string token = seal(typical(), keys);
  int opened = 0;
  for (std::size_t n = 0; n < token.size(); ++n) {
    opened += open(token.substr(0, n), keys).has_value() ? 1 : 0;
    opened += open(token.substr(n + 1), keys).has_value() ? 1 : 0;
  }
  CHECK(opened == 0);
  CHECK_FALSE(open("", keys).has_value());
  CHECK_FALSE(open(token + "A", keys).has_value());
  CHECK_FALSE(open(token + "=", keys).has_value());
  CHECK_FALSE(open(token + "\n", keys).has_value());
  CHECK_FALSE(open(" " + token, keys).has_value());
  CHECK_FALSE(open(token + token, keys).has_value());
  CHECK_FALSE(open(std::string("\0", 1) + token, keys).has_value());
  CHECK_FALSE(open("not a token at all!", keys).has_value());
  CHECK_FALSE(open(std::string(1 << 20, 'A'), keys).has_value());
  CHECK_FALSE(open(std::string(max_token_chars, 'A'), keys).has_value());
  CHECK_FALSE(open(std::string(max_token_chars + 1, 'A'), keys).has_value());
  std::string standard = token; // the standard alphabet's '+' and '/' are not ours
  for (auto& c : standard) {
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  if (standard != token) {
    CHECK_FALSE(open(standard, keys).has_value());
  }
  // Sealed under another repository's keys.
  const auto other = make(tmp.sub("other"));
  CHECK_FALSE(open(token, other).has_value());
  CHECK_FALSE(open(seal(typical(), other), keys).has_value());
  CHECK(open(token, keys).has_value());
}

TEST_CASE_FIXTURE(repo_fixture, "token_codec: a typical token is short and printable") {
  const std::string token = seal(typical(), keys);
  CAPTURE(token.size());
  CHECK(token.size() < 300);
  CHECK(token.size() > 100);
  CHECK(url_safe(token));
  // Ten more role names stay well under Keystone's fernet sizes too.
  auto p = typical();
  for (int i = 0; i < 10; ++i) {
    p.roles.push_back("role-" + std::to_string(i));
  }
  CHECK(seal(p, keys).size() < 400);
}

TEST_CASE_FIXTURE(repo_fixture, "token_codec: a payload past max_token_chars is refused") {
  auto p = typical();
  p.roles.assign(2000, "some-role-name");
  CHECK_THROWS_AS(seal(p, keys), std::length_error);
}

TEST_CASE("token_codec: decode_payload takes exactly one whole payload") {
  token_payload p = typical();
  p.parent_audit_id = random_audit_id();
  const std::string bytes = encode_payload(p);
  REQUIRE(decode_payload(bytes) == p);
  int decoded = 0;
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    decoded += decode_payload(bytes.substr(0, n)).has_value() ? 1 : 0;
  }
  CHECK(decoded == 0);
  CHECK_FALSE(decode_payload(bytes + std::string(1, '\0')).has_value());
  CHECK_FALSE(decode_payload(std::string(12, '\xff')).has_value()); // a varint past 64 bits
  CHECK_FALSE(decode_payload(std::string("\x01", 1)).has_value());  // packed, zero bytes
  // A list claiming more items than there are bytes is refused before it allocates.
  CHECK_FALSE(decode_payload(std::string("\0\0\0\xff\xff\xff\xff\x0f", 8)).has_value());
  // Damaged encodings (random bytes over a real one, cut or not): whatever
  // decodes re-encodes to a payload that decodes the same.
  std::mt19937 rng(7);
  int stable = 0, some = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string junk = bytes;
    for (std::size_t k = 0, n = 1 + rng() % 3; k < n; ++k) {
      junk[rng() % junk.size()] = static_cast<char>(rng());
    }
    junk.resize(rng() % 4 == 0 ? rng() % junk.size() : junk.size());
    if (const auto got = decode_payload(junk)) {
      ++some;
      stable += decode_payload(encode_payload(*got)) == got ? 1 : 0;
    }
  }
  CHECK(some > 0);
  CHECK(stable == some);
}

TEST_CASE("token_codec: audit ids are 22 random url-safe characters") {
  const std::string a = random_audit_id(), b = random_audit_id();
  CHECK(a.size() == 22);
  CHECK(url_safe(a));
  CHECK(a != b);
}
