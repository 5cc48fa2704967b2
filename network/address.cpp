#include "network/address.h"

#include <arpa/inet.h>

#include <cstring>

namespace nimbus::network {
namespace {

address_bits mask_of(int length, int width) {
  if (length <= 0)
    return 0;
  address_bits all = width == 128 ? ~address_bits{0} : (address_bits{1} << 32) - 1;
  return (all << (width - length)) & all;
}

} // namespace

std::optional<address> parse_address(std::string_view text) {
  std::string s{text};
  unsigned char bytes[16];
  if (inet_pton(AF_INET, s.c_str(), bytes) == 1) {
    address a{4, 0};
    for (int i = 0; i < 4; ++i)
      a.value = (a.value << 8) | bytes[i];
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), bytes) == 1) {
    address a{6, 0};
    for (unsigned char b : bytes)
      a.value = (a.value << 8) | b;
    return a;
  }
  return std::nullopt;
}

std::string to_string(const address& a) {
  unsigned char bytes[16];
  int n = a.version == 4 ? 4 : 16;
  auto v = a.value;
  for (int i = n - 1; i >= 0; --i) {
    bytes[i] = static_cast<unsigned char>(v & 0xff);
    v >>= 8;
  }
  char text[INET6_ADDRSTRLEN];
  inet_ntop(a.version == 4 ? AF_INET : AF_INET6, bytes, text, sizeof text);
  return text;
}

address prefix::last() const {
  auto host = ~mask_of(length, width()) & mask_of(width(), width());
  return {base.version, base.value | host};
}

bool prefix::contains(const address& a) const {
  return a.version == base.version && (a.value & mask_of(length, width())) == base.value;
}

bool prefix::overlaps(const prefix& other) const {
  return contains(other.base) || other.contains(base);
}

unsigned long long prefix::size() const {
  int host_bits = width() - length;
  if (host_bits >= 64)
    return ~0ULL;
  return 1ULL << host_bits;
}

std::optional<prefix> parse_prefix(std::string_view text, bool strict) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return std::nullopt;
  auto a = parse_address(text.substr(0, slash));
  auto digits = text.substr(slash + 1);
  if (!a || digits.empty() || digits.size() > 3)
    return std::nullopt;
  int length = 0;
  for (char c : digits) {
    if (c < '0' || c > '9')
      return std::nullopt;
    length = length * 10 + (c - '0');
  }
  int width = a->version == 4 ? 32 : 128;
  if (length > width)
    return std::nullopt;
  auto cleared = a->value & mask_of(length, width);
  if (strict && cleared != a->value)
    return std::nullopt;
  return prefix{{a->version, cleared}, length};
}

std::string to_string(const prefix& p) {
  return to_string(p.base) + "/" + std::to_string(p.length);
}

std::optional<std::string> network_as_given(std::string_view text) {
  auto slash = text.find('/');
  auto a = parse_address(text.substr(0, slash));
  if (!a)
    return std::nullopt;
  if (slash == std::string_view::npos)
    return to_string(*a) + (a->version == 4 ? "/32" : "/128");
  auto p = parse_prefix(text, false);
  if (!p)
    return std::nullopt;
  return to_string(*a) + "/" + std::to_string(p->length);
}

address offset(const address& a, address_bits n) { return {a.version, a.value + n}; }

} // namespace nimbus::network
