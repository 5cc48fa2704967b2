#pragma once
// Nova's quota checks of servers (nova/compute/utils.py
// check_num_instances_quota and the resize upsize check), as pure functions
// over limits and usage, and their 403 wording. CAF-free.
#include <array>
#include <cstdint>
#include <string>

#include "cells/quota_usage.h"

namespace nimbus::compute {

/// The instances, cores, ram and per-tier disk limits of one scope (a
/// project, or a user with rows of its own); -1 is unlimited.
struct counted_limits {
  std::int64_t instances = -1;
  std::int64_t cores = -1;
  std::int64_t ram_mb = -1;
  std::array<std::int64_t, storage::all_disk_tiers.size()> disk_gb{-1, -1, -1}; // by disk_tier
};

/// How many servers of a boot may be made: max_count when they fit, else
/// as many as fit if that is at least min_count (Nova makes those), else 0
/// with Nova's TooManyInstances message in `refusal`.
struct boot_admission {
  std::int64_t allowed = 0;
  std::string refusal;
};
boot_admission admit_boot(const counted_limits& limits, const cells::usage& used,
                          const cells::server_charge& each, std::int64_t min_count,
                          std::int64_t max_count);

/// Whether `delta` (a resize's growth, an unshelve's cores and ram) fits;
/// empty, or the message: "Quota exceeded for cores: Requested 2, but
/// already used 19 of 20 cores".
std::string refuse_growth(const counted_limits& limits, const cells::usage& used,
                          const cells::usage& delta);

} // namespace nimbus::compute
