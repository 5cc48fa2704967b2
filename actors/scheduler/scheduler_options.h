#pragma once
// Options of a cell scheduler, as [scheduler] in nimbus.conf sets them.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "actors/scheduler/host_state.h"

namespace nimbus::scheduler {

/// How a cell picks a host ([scheduler] driver). Every driver runs the
/// ComputeFilter, the capacity filters and the filters of a server group
/// and of the same_host / different_host hints; then:
///   filter             the enabled_filters, the weighers (default)
///   random             any passing host, at random (zones ignored)
///   availability_zone  at random among the requested zone's passing hosts
///   simple             the least loaded passing host of the zone: fewest
///                      instances, then least of its vcpus and memory used
enum class driver_kind : std::uint8_t { filter, random, availability_zone, simple };

/// The [scheduler] driver name ("filter", "random", "availability-zone",
/// "simple") as a driver_kind; false for another name.
bool driver_of(const std::string& name, driver_kind* out);

struct scheduler_options {
  driver_kind driver = driver_kind::filter;
  /// Filters, in the order they run (enabled_filters).
  std::vector<std::string> enabled_filters{"AvailabilityZoneFilter",
                                           "ComputeFilter",
                                           "ComputeCapabilitiesFilter",
                                           "ImagePropertiesFilter",
                                           "RamFilter",
                                           "CoreFilter",
                                           "DiskFilter",
                                           "StorageTierFilter",
                                           "ServerGroupAntiAffinityFilter",
                                           "ServerGroupAffinityFilter",
                                           "SameHostFilter",
                                           "DifferentHostFilter"};
  /// Weighers with their multipliers (weighers, *_weight_multiplier).
  std::vector<std::pair<std::string, double>> weighers{
    {"RAMWeigher", 1.0}, {"CPUWeigher", 1.0}, {"DiskWeigher", 1.0}, {"BuildFailureWeigher", 1e6}};
  allocation_ratios ratios;
  /// Hosts tried for one boot: the chosen one plus max_attempts - 1 alternates.
  std::int32_t max_attempts = 3;
  /// The filter driver draws the host at random among the best
  /// host_subset_size (1: the best); with shuffle_best_same_weighed_hosts,
  /// among the hosts that weigh as much as the best.
  std::int32_t host_subset_size = 1;
  bool shuffle_best_same_weighed_hosts = false;
  /// Seed of the random choices; 0: a random seed.
  std::uint64_t seed = 0;
  /// A host that has not reported for this long is down (service_down_time).
  std::int64_t service_down_time_s = 60;
};

} // namespace nimbus::scheduler
