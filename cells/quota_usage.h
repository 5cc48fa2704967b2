#pragma once
// What each project, and each user within it, uses of the counted quotas
// (instances, cores, ram, and Nimbus's root disk per storage tier): the sum of its servers'
// instance mappings, kept as totals so that a boot's check costs two lookups, not a count. The API
// cell keeps one (under its lock) and charges a server when it accepts it,
// so concurrent boots see each other's charges before any is durable. Not
// thread-safe by itself. CAF-free.
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "storage/records.h"

namespace nimbus::cells {

struct usage {
  std::int64_t instances = 0;
  std::int64_t cores = 0;
  std::int64_t ram_mb = 0;
  std::array<std::int64_t, storage::all_disk_tiers.size()> disk_gb{}; // by disk_tier

  std::int64_t& disk_of(storage::disk_tier t) { return disk_gb[static_cast<std::size_t>(t)]; }
  std::int64_t disk_of(storage::disk_tier t) const { return disk_gb[static_cast<std::size_t>(t)]; }
  bool empty() const {
    for (auto d : disk_gb)
      if (d > 0)
        return false;
    return instances <= 0 && cores <= 0 && ram_mb <= 0;
  }
  usage& operator+=(const usage& o) {
    instances += o.instances;
    cores += o.cores;
    ram_mb += o.ram_mb;
    for (std::size_t t = 0; t < disk_gb.size(); ++t)
      disk_gb[t] += o.disk_gb[t];
    return *this;
  }
  usage& operator-=(const usage& o) {
    instances -= o.instances;
    cores -= o.cores;
    ram_mb -= o.ram_mb;
    for (std::size_t t = 0; t < disk_gb.size(); ++t)
      disk_gb[t] -= o.disk_gb[t];
    return *this;
  }
};

/// What a server counts besides one instance: its flavor's cores, ram and
/// root disk (in its tier). Shelved servers count none.
struct server_charge {
  std::int32_t vcpus = 0;
  std::int32_t memory_mb = 0;
  std::int32_t disk_gb = 0;
  storage::disk_tier tier = storage::disk_tier::hdd;

  bool operator==(const server_charge& o) const {
    return vcpus == o.vcpus && memory_mb == o.memory_mb && disk_gb == o.disk_gb && tier == o.tier;
  }
};

/// `c` as usage, with `instances` servers.
inline usage usage_of(const server_charge& c, std::int64_t instances) {
  usage u{instances, c.vcpus, c.memory_mb, {}};
  u.disk_of(c.tier) = c.disk_gb;
  return u;
}

/// What a mapping charges, as a server_charge.
inline server_charge charge_in(const storage::instance_mapping& m) {
  return {m.vcpus, m.memory_mb, m.disk_gb, m.disk_type};
}

/// What one server's mapping counts: one instance and its charged resources.
inline usage charge_of(const storage::instance_mapping& m) { return usage_of(charge_in(m), 1); }

class usage_ledger {
public:
  void add(const std::string& project_id, const std::string& user_id, const usage& u);
  /// Takes back what add() gave; a project or user left with nothing is forgotten.
  void subtract(const std::string& project_id, const std::string& user_id, const usage& u);
  void add(const storage::instance_mapping& m) { add(m.project_id, m.user_id, charge_of(m)); }
  void subtract(const storage::instance_mapping& m) {
    subtract(m.project_id, m.user_id, charge_of(m));
  }

  usage of_project(const std::string& project_id) const;
  usage of_user(const std::string& project_id, const std::string& user_id) const;
  void clear();

private:
  static std::string user_key(const std::string& project_id, const std::string& user_id) {
    return project_id + '/' + user_id;
  }
  std::unordered_map<std::string, usage> projects_;
  std::unordered_map<std::string, usage> users_; // by user_key()
};

} // namespace nimbus::cells
