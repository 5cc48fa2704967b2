#include "identity/token_codec.h"

#include <sodium.h>
#include <stdexcept>

#include "identity/sodium.h"

namespace nimbus::identity {

namespace {

constexpr unsigned char token_version = 1;
constexpr int b64_variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
constexpr std::size_t nonce_bytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t tag_bytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t overhead = 1 + nonce_bytes + tag_bytes; // version, nonce, tag

constexpr char hex_digits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool packable(std::string_view s) {
  if (s.empty() || s.size() % 2 != 0) {
    return false;
  }
  for (char c : s) {
    if (hex_value(c) < 0) {
      return false;
    }
  }
  return true;
}

void put_varint(std::string& out, std::uint64_t v) {
  for (; v >= 0x80; v >>= 7) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
  }
  out.push_back(static_cast<char>(v));
}

void put_string(std::string& out, std::string_view s) {
  if (!packable(s)) {
    put_varint(out, std::uint64_t{s.size()} << 1);
    out.append(s);
    return;
  }
  put_varint(out, (std::uint64_t{s.size() / 2} << 1) | 1);
  for (std::size_t i = 0; i < s.size(); i += 2) {
    out.push_back(static_cast<char>((hex_value(s[i]) << 4) | hex_value(s[i + 1])));
  }
}

void put_list(std::string& out, const std::vector<std::string>& items) {
  put_varint(out, items.size());
  for (const auto& item : items) {
    put_string(out, item);
  }
}

void put_int64(std::string& out, std::int64_t value) {
  const auto v = static_cast<std::uint64_t>(value);
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}

// Reads fields off `in`; the first failure sticks (ok_ false, every later
// read returns an empty value), so callers check once at the end.
class reader {
public:
  explicit reader(std::string_view in) : in_(in) {}

  bool done() const { return ok_ && pos_ == in_.size(); }

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; ok_ && shift < 64 && pos_ < in_.size(); shift += 7) {
      const auto byte = static_cast<unsigned char>(in_[pos_++]);
      v |= std::uint64_t{byte & 0x7fU} << shift;
      if ((byte & 0x80U) == 0) {
        return v;
      }
    }
    return failed();
  }

  std::string string() {
    const std::uint64_t header = varint();
    const std::uint64_t size = header >> 1;
    const bool packed = (header & 1) != 0;
    if (!ok_ || size > left() || (packed && size == 0)) {
      failed();
      return {};
    }
    const std::string_view bytes = in_.substr(pos_, size);
    pos_ += size;
    if (!packed) {
      return std::string(bytes);
    }
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char c : bytes) {
      const auto b = static_cast<unsigned char>(c);
      out.push_back(hex_digits[b >> 4]);
      out.push_back(hex_digits[b & 0xf]);
    }
    return out;
  }

  std::vector<std::string> list() {
    const std::uint64_t count = varint();
    std::vector<std::string> items;
    if (!ok_ || count > left()) { // every item takes at least one byte
      failed();
      return items;
    }
    items.reserve(count);
    for (std::uint64_t i = 0; ok_ && i < count; ++i) {
      items.push_back(string());
    }
    return items;
  }

  std::int64_t int64() {
    if (!ok_ || left() < 8) {
      return static_cast<std::int64_t>(failed());
    }
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) {
      v |= std::uint64_t{static_cast<unsigned char>(in_[pos_++])} << (8 * i);
    }
    return static_cast<std::int64_t>(v);
  }

private:
  std::uint64_t left() const { return in_.size() - pos_; }
  std::uint64_t failed() {
    ok_ = false;
    return 0;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

std::string to_base64url(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, b64_variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, b64_variant);
  out.pop_back(); // libsodium's terminating NUL
  return out;
}

} // namespace

bool operator==(const token_payload& a, const token_payload& b) {
  return a.user_id == b.user_id && a.project_id == b.project_id && a.domain_id == b.domain_id
         && a.methods == b.methods && a.roles == b.roles && a.app_cred_id == b.app_cred_id
         && a.issued_us == b.issued_us && a.expires_us == b.expires_us && a.audit_id == b.audit_id
         && a.parent_audit_id == b.parent_audit_id;
}

std::string encode_payload(const token_payload& p) {
  std::string out;
  put_string(out, p.user_id);
  put_string(out, p.project_id);
  put_string(out, p.domain_id);
  put_list(out, p.methods);
  put_list(out, p.roles);
  put_string(out, p.app_cred_id);
  put_int64(out, p.issued_us);
  put_int64(out, p.expires_us);
  put_string(out, p.audit_id);
  put_string(out, p.parent_audit_id);
  return out;
}

std::optional<token_payload> decode_payload(std::string_view bytes) {
  reader in(bytes);
  token_payload p;
  // One field per statement: the order of evaluation is the wire order.
  p.user_id = in.string();
  p.project_id = in.string();
  p.domain_id = in.string();
  p.methods = in.list();
  p.roles = in.list();
  p.app_cred_id = in.string();
  p.issued_us = in.int64();
  p.expires_us = in.int64();
  p.audit_id = in.string();
  p.parent_audit_id = in.string();
  if (!in.done()) {
    return std::nullopt;
  }
  return p;
}

std::string seal(const token_payload& payload, const key_repository& keys) {
  ensure_sodium();
  std::string plain = encode_payload(payload);
  std::vector<unsigned char> raw(overhead + plain.size());
  if (sodium_base64_ENCODED_LEN(raw.size(), b64_variant) - 1 > max_token_chars) {
    sodium_memzero(plain.data(), plain.size());
    throw std::length_error("identity: token payload too large to seal");
  }
  raw[0] = token_version;
  randombytes_buf(&raw[1], nonce_bytes);
  crypto_aead_xchacha20poly1305_ietf_encrypt(
    &raw[1 + nonce_bytes], nullptr, reinterpret_cast<const unsigned char*>(plain.data()),
    plain.size(), raw.data(), 1, nullptr, &raw[1], keys.primary().data());
  sodium_memzero(plain.data(), plain.size());
  return to_base64url(raw.data(), raw.size());
}

std::optional<token_payload> open(std::string_view token, const key_repository& keys) {
  if (token.empty() || token.size() > max_token_chars) {
    return std::nullopt;
  }
  try {
    ensure_sodium();
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
  std::vector<unsigned char> raw(token.size() / 4 * 3 + 3);
  std::size_t size = 0;
  const char* end = nullptr;
  if (sodium_base642bin(raw.data(), raw.size(), token.data(), token.size(), nullptr, &size, &end,
                        b64_variant)
        != 0
      || end != token.data() + token.size() || size <= overhead || raw[0] != token_version) {
    return std::nullopt; // an empty payload is never one encode_payload() made
  }
  // libsodium ignores the unused low bits of the last character: one token
  // has one spelling only, so a changed character never opens.
  if (to_base64url(raw.data(), size) != token) {
    return std::nullopt;
  }
  std::vector<unsigned char> plain(size - overhead);
  for (const token_key& key : keys.decryption_keys()) {
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), nullptr, nullptr,
                                                   &raw[1 + nonce_bytes], size - 1 - nonce_bytes,
                                                   raw.data(), 1, &raw[1], key.data())
        == 0) {
      auto payload =
        decode_payload(std::string_view(reinterpret_cast<const char*>(plain.data()), plain.size()));
      sodium_memzero(plain.data(), plain.size());
      return payload;
    }
  }
  return std::nullopt;
}

std::string random_audit_id() {
  ensure_sodium();
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  return to_base64url(bytes, sizeof bytes);
}

} // namespace nimbus::identity
