#pragma once
// Spawns a compute host actor (protocol: actors/protocol/host_actor.h).
#include <chrono>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/protocol/host_actor.h"
#include "hypervisor/driver.h"

namespace nimbus::host {

struct host_options {
  std::string name;                                  // the compute host's name
  std::chrono::milliseconds report_interval{10'000}; // heartbeat period (report_interval)
  /// Run on a thread of its own, so blocking driver calls never stall the
  /// shared scheduler threads. Tests on the deterministic scheduler turn it off.
  bool detached = true;
  /// How often it reports every domain's power state (Nova's
  /// sync_power_state_interval); zero or less: never.
  std::chrono::milliseconds sync_power_state_interval{600'000};
  /// Nova's [image_cache]: how often the host removes the cached images no
  /// guest uses (manager_interval; zero or less: never), whether it does
  /// (remove_unused_base_images), and how long unused a base must have been
  /// (remove_unused_original_minimum_age_seconds).
  std::chrono::milliseconds image_cache_manager_interval{2'400'000};
  bool remove_unused_base_images = true;
  std::chrono::seconds remove_unused_minimum_age{86'400};
};

/// The host actor owns `drv` and reports to `sink` at once and then every
/// report_interval, with its domains' power states every
/// sync_power_state_interval.
host_actor spawn_host(caf::actor_system& sys, std::shared_ptr<hypervisor::driver> drv,
                      host_options opts, host_report_sink sink);

} // namespace nimbus::host
