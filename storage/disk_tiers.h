#pragma once
// The storage tiers a server's disk lives on (seed 003): capacity HDD,
// performance SSD, ultra PCIe SSD. Each host keeps one libvirt storage pool
// per tier, named volumes_<tier>; a server names its tier at create
// (`instance_disk_type`, docs/STORAGE_TIERS.md). The names exist only here
// and at the edges (record codec, API views, pool names).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nimbus::storage {

enum class disk_tier : std::uint8_t { hdd, ssd, pcie_ssd };

inline constexpr std::array<disk_tier, 3> all_disk_tiers{disk_tier::hdd, disk_tier::ssd,
                                                         disk_tier::pcie_ssd};

constexpr std::string_view nova_name(disk_tier t) {
  switch (t) {
  case disk_tier::ssd:
    return "ssd";
  case disk_tier::pcie_ssd:
    return "pcie_ssd";
  case disk_tier::hdd:
    break;
  }
  return "hdd";
}

inline std::optional<disk_tier> disk_tier_named(std::string_view name) {
  for (auto t : all_disk_tiers)
    if (nova_name(t) == name)
      return t;
  return std::nullopt;
}

/// The libvirt storage pool of a tier on every host: "volumes_ssd".
inline std::string pool_name_of(disk_tier t) { return "volumes_" + std::string(nova_name(t)); }

/// The tier whose pool `pool` is; nullopt for pools of no tier.
inline std::optional<disk_tier> tier_of_pool(std::string_view pool) {
  constexpr std::string_view prefix = "volumes_";
  if (pool.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  return disk_tier_named(pool.substr(prefix.size()));
}

} // namespace nimbus::storage
