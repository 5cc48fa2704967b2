#pragma once
// Host filters (cf. nova/scheduler/filters): each says whether a host can
// take a request. Plain classes, stateless after construction.
//
//   ComputeFilter  the host's service is up and enabled
//   RamFilter      memory_mb_total * ram ratio - used >= requested
//   CoreFilter     vcpus_total * cpu ratio - used >= requested
//   DiskFilter     disk_gb_total * disk ratio - used >= requested
//   StorageTierFilter  the pool of the requested tier has the disk free
//                  (a host that reports no pools passes: DiskFilter decides)
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/scheduler/host_state.h"

namespace nimbus::scheduler {

class host_filter {
public:
  virtual ~host_filter() = default;
  virtual std::string_view name() const = 0;
  virtual bool host_passes(const host_state& host, const resources& request) const = 0;
  /// Keeps the hosts that pass, in order: one call per decision rather than
  /// one virtual call per host (a cell has thousands). Filters override it
  /// with an inlined loop; this default asks host_passes.
  virtual void filter(std::vector<const host_state*>& hosts, const resources& request) const {
    hosts.erase(std::remove_if(hosts.begin(), hosts.end(),
                               [&](const host_state* h) { return !host_passes(*h, request); }),
                hosts.end());
  }
};

/// The filter called `name`, or null if there is no such filter.
std::unique_ptr<host_filter> make_filter(std::string_view name, const allocation_ratios& ratios);

/// Every filter Nimbus has, by name.
const std::vector<std::string>& known_filters();

} // namespace nimbus::scheduler
