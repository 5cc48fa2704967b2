#pragma once
// IPv4 and IPv6 addresses and prefixes as numbers, for address management:
// parse, print (the canonical text), compare, step. CAF-free, no I/O.
#include <optional>
#include <string>
#include <string_view>

namespace nimbus::network {

using address_bits = unsigned __int128;

struct address {
  int version = 4; // 4 or 6
  address_bits value = 0;

  friend bool operator==(const address& a, const address& b) {
    return a.version == b.version && a.value == b.value;
  }
  friend bool operator<(const address& a, const address& b) {
    return a.version != b.version ? a.version < b.version : a.value < b.value;
  }
};

/// A dotted quad or an IPv6 text (inet_pton's forms); nullopt otherwise.
std::optional<address> parse_address(std::string_view text);
/// The canonical text (inet_ntop: IPv6 compressed, lower case).
std::string to_string(const address& a);

struct prefix {
  address base; // host bits cleared
  int length = 0;

  /// 32 or 128.
  int width() const { return base.version == 4 ? 32 : 128; }
  address first() const { return base; }
  address last() const;
  bool contains(const address& a) const;
  bool overlaps(const prefix& other) const;
  /// How many addresses it holds, saturated at 2^64 (an IPv6 /64 and wider).
  unsigned long long size() const;
};

/// "a.b.c.d/n" or "x::/n". With `strict`, host bits must be clear (what
/// Neutron accepts as a subnet's cidr); otherwise they are cleared.
std::optional<prefix> parse_prefix(std::string_view text, bool strict);
std::string to_string(const prefix& p);
/// A network as a rule's remote names it: "a.b.c.d/n" with its host bits
/// kept (Neutron keeps them: netaddr's str(IPNetwork(text))), or a bare
/// address with its family's full length; canonical text. nullopt for
/// neither.
std::optional<std::string> network_as_given(std::string_view text);

/// a + n within its family (no wrap check: callers stay inside a prefix).
address offset(const address& a, address_bits n);

} // namespace nimbus::network
