#include "network/ipam.h"

#include <algorithm>

namespace nimbus::network {

address default_gateway(const prefix& cidr) {
  return cidr.base.version == 6 ? cidr.base : offset(cidr.base, 1);
}

std::vector<address_range> default_pools(const prefix& cidr,
                                         const std::optional<address>& gateway) {
  address first = offset(cidr.base, 1);
  address last = cidr.last();
  if (cidr.base.version == 4 && cidr.length < 31)
    last.value -= 1;                   // the broadcast address
  if (cidr.length >= cidr.width() - 1) // /31, /32, /127, /128: every address
    return {{cidr.base, cidr.last()}};
  std::vector<address_range> out;
  if (!gateway || !cidr.contains(*gateway) || *gateway < first || last < *gateway)
    return {{first, last}};
  if (first < *gateway)
    out.push_back({first, {gateway->version, gateway->value - 1}});
  if (*gateway < last)
    out.push_back({{gateway->version, gateway->value + 1}, last});
  return out;
}

std::optional<failure> pools_problem(const prefix& cidr, const std::vector<address_range>& pools,
                                     const std::optional<address>& gateway) {
  auto text = [](const address_range& p) { return to_string(p.first) + "-" + to_string(p.last); };
  for (auto& p : pools) {
    if (!cidr.contains(p.first) || !cidr.contains(p.last))
      return failure{400, "OutOfBoundsAllocationPool",
                     "The allocation pool " + text(p) + " spans beyond the subnet cidr "
                       + to_string(cidr) + "."};
    if (p.last < p.first)
      return failure{400, "InvalidAllocationPool",
                     "The allocation pool " + text(p) + " is not valid."};
    if (gateway && !(*gateway < p.first) && !(p.last < *gateway))
      return failure{409, "GatewayConflictWithAllocationPools",
                     "Gateway ip " + to_string(*gateway) + " conflicts with allocation pool "
                       + text(p) + "."};
  }
  for (std::size_t i = 0; i < pools.size(); ++i)
    for (std::size_t j = i + 1; j < pools.size(); ++j)
      if (!(pools[i].last < pools[j].first) && !(pools[j].last < pools[i].first))
        return failure{409, "OverlappingAllocationPools",
                       "Found overlapping allocation pools: " + text(pools[i]) + " and "
                         + text(pools[j]) + " for subnet " + to_string(cidr) + "."};
  return std::nullopt;
}

address_pool::address_pool(prefix cidr, std::vector<address_range> pools)
    : cidr_(cidr), ranges_(std::move(pools)) {
  std::sort(ranges_.begin(), ranges_.end(),
            [](const address_range& a, const address_range& b) { return a.first < b.first; });
  if (!ranges_.empty())
    cursor_ = ranges_.front().first.value;
}

bool address_pool::take(const address& a) {
  if (!cidr_.contains(a))
    return false;
  return taken_.insert(a.value).second;
}

std::optional<address> address_pool::take_next() {
  // From the cursor on, wrapping: the cursor moves past what it hands out,
  // so a steady stream of boots costs a step each, not a scan of what is
  // taken. Among taken_.size() + 1 candidates one is free, unless the pools
  // hold no more than that.
  address_bits size = 0;
  for (auto& r : ranges_)
    size += r.last.value - r.first.value + 1;
  address_bits steps = std::min<address_bits>(size, taken_.size() + 1);
  for (address_bits i = 0; i < steps; ++i) {
    auto& r = ranges_[cursor_range_];
    if (cursor_ < r.first.value || cursor_ > r.last.value)
      cursor_ = r.first.value;
    auto candidate = cursor_;
    if (candidate == r.last.value) {
      cursor_range_ = (cursor_range_ + 1) % ranges_.size();
      cursor_ = ranges_[cursor_range_].first.value;
    } else {
      ++cursor_;
    }
    if (taken_.insert(candidate).second)
      return address{cidr_.base.version, candidate};
  }
  return std::nullopt;
}

void address_pool::give_back(const address& a) { taken_.erase(a.value); }

} // namespace nimbus::network
