#pragma once
// Options of a cell scheduler, as [scheduler] in nimbus.conf sets them.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "actors/scheduler/host_state.h"

namespace nimbus::scheduler {

struct scheduler_options {
  /// Filters, in the order they run (enabled_filters).
  std::vector<std::string> enabled_filters{"AvailabilityZoneFilter",
                                           "ComputeFilter",
                                           "RamFilter",
                                           "CoreFilter",
                                           "DiskFilter",
                                           "ServerGroupAntiAffinityFilter",
                                           "ServerGroupAffinityFilter",
                                           "SameHostFilter",
                                           "DifferentHostFilter"};
  /// Weighers with their multipliers (weighers, *_weight_multiplier).
  std::vector<std::pair<std::string, double>> weighers{{"RAMWeigher", 1.0}, {"CPUWeigher", 1.0}};
  allocation_ratios ratios;
  /// Hosts tried for one boot: the chosen one plus max_attempts - 1 alternates.
  std::int32_t max_attempts = 3;
  /// A host that has not reported for this long is down (service_down_time).
  std::int64_t service_down_time_s = 60;
};

} // namespace nimbus::scheduler
