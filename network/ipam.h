#pragma once
// The addresses of one subnet: Neutron's defaults for a gateway and
// allocation pools, their checks, and which addresses are taken. Not
// thread-safe: network_book holds one per subnet under its lock, which is
// what makes two concurrent allocations never hand out one address.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "network/address.h"
#include "network/failure.h"

namespace nimbus::network {

struct address_range {
  address first;
  address last; // inclusive
};

/// Neutron's default gateway: the prefix's first host address for IPv4,
/// its network address (the subnet-router anycast) for IPv6.
address default_gateway(const prefix& cidr);
/// Neutron's default pools: the prefix without its network address, its
/// broadcast address (IPv4) and the gateway (when inside).
std::vector<address_range> default_pools(const prefix& cidr, const std::optional<address>& gateway);
/// Why `pools` cannot serve `cidr` (outside it, reversed, overlapping, or
/// holding the gateway), as Neutron refuses it; nullopt when they can.
std::optional<failure> pools_problem(const prefix& cidr, const std::vector<address_range>& pools,
                                     const std::optional<address>& gateway);

class address_pool {
public:
  address_pool(prefix cidr, std::vector<address_range> pools);

  const std::vector<address_range>& ranges() const { return ranges_; }
  bool in_cidr(const address& a) const { return cidr_.contains(a); }
  bool taken(const address& a) const { return taken_.count(a.value) > 0; }
  /// Takes a given address of the prefix (inside a pool or not, as
  /// Neutron lets a fixed IP be); false when taken or outside the prefix.
  bool take(const address& a);
  /// The next free address of the pools after the last one handed out
  /// (wrapping), taken; nullopt when the pools are full.
  std::optional<address> take_next();
  void give_back(const address& a);
  std::size_t taken_count() const { return taken_.size(); }

private:
  prefix cidr_;
  std::vector<address_range> ranges_;
  std::set<address_bits> taken_;
  std::size_t cursor_range_ = 0;
  address_bits cursor_ = 0; // the next candidate within ranges_[cursor_range_]
};

} // namespace nimbus::network
