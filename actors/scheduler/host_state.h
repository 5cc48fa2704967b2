#pragma once
// What the scheduler knows of one host: its size, its claims and whether its
// service is up. Plain data, no CAF.
#include <array>
#include <cstdint>
#include <string>

#include "actors/scheduler/host_capabilities.h"
#include "storage/records.h"

namespace nimbus::scheduler {

/// What a request asks of a host: its disk in the pool of `tier`.
struct resources {
  std::int32_t vcpus = 0;
  std::int64_t memory_mb = 0;
  std::int64_t disk_gb = 0;
  storage::disk_tier tier = storage::disk_tier::hdd;
};

/// A flavor's footprint: root + ephemeral disk, plus swap rounded up to GB.
inline resources resources_of(const storage::flavor& f) {
  return {f.vcpus, f.memory_mb, f.root_gb + f.ephemeral_gb + (f.swap_mb + 1023) / 1024};
}

/// A request spec's footprint: its flavor's, on its disk tier.
inline resources resources_of(const storage::request_spec& spec) {
  auto r = resources_of(spec.flavor_copy);
  r.tier = spec.disk_type;
  return r;
}

struct allocation_ratios {
  double cpu = 4.0;
  double ram = 1.0;
  double disk = 1.0;
};

struct host_state {
  std::string name;
  std::int32_t vcpus_total = 0;
  std::int64_t memory_mb_total = 0;
  std::int64_t disk_gb_total = 0;
  std::int32_t vcpus_used = 0;
  std::int64_t memory_mb_used = 0;
  std::int64_t disk_gb_used = 0;
  /// Each tier's pool (by storage::disk_tier), as reported and as claimed,
  /// in GB, next to the other sizes (filters read them all, host by host).
  /// A host that reports no pool at all has its local disk for every tier.
  std::array<std::int32_t, 3> tier_gb_total{};
  std::array<std::int32_t, 3> tier_gb_used{};
  std::int32_t instances = 0;
  /// Builds placed here whose spawn has not answered yet (IoOpsWeigher).
  std::int32_t io_ops = 0;
  /// Builds that failed here since the last that succeeded
  /// (BuildFailureWeigher), as Nova's compute reports failed_builds.
  std::int32_t failed_builds = 0;
  std::int64_t last_report_us = 0;
  bool up = false;        // reported within service_down_time
  bool enabled = true;    // not disabled by an operator
  host_capabilities caps; // hypervisor and cpu, as the host reports them

  std::int64_t free_memory_mb() const { return memory_mb_total - memory_mb_used; }
  std::int32_t free_vcpus() const { return vcpus_total - vcpus_used; }
  std::int64_t free_disk_gb() const { return disk_gb_total - disk_gb_used; }

  bool has_tiers() const { return tier_gb_total[0] || tier_gb_total[1] || tier_gb_total[2]; }
  std::int64_t free_tier_gb(storage::disk_tier t) const {
    auto k = static_cast<std::size_t>(t);
    return has_tiers() ? std::int64_t{tier_gb_total[k]} - tier_gb_used[k] : free_disk_gb();
  }
};

} // namespace nimbus::scheduler
