#pragma once
// Host weighers (cf. nova/scheduler/weights): each gives a raw weight; the
// weights of all candidate hosts are normalized to [0, 1] per weigher, scaled
// by the weigher's multiplier and summed. A positive multiplier spreads
// (more free is better), a negative one stacks.
//
//   RAMWeigher           free memory_mb
//   CPUWeigher           free vcpus
//   DiskWeigher          free disk_gb
//   IoOpsWeigher         builds in flight (Nova's multiplier -1: fewer is better)
//   NumInstancesWeigher  instances (Nova's multiplier 0; positive packs)
//   BuildFailureWeigher  minus the recent failed builds (multiplier 1e6)
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/scheduler/host_state.h"

namespace nimbus::scheduler {

class host_weigher {
public:
  explicit host_weigher(double multiplier) : multiplier_(multiplier) {}
  virtual ~host_weigher() = default;
  virtual std::string_view name() const = 0;
  virtual double raw_weight(const host_state& host, const resources& request) const = 0;
  /// raw_weight of every host into `out`, in one call per decision.
  virtual void raw_weights(const std::vector<const host_state*>& hosts, std::vector<double>& out,
                           const resources& request) const {
    for (std::size_t i = 0; i < hosts.size(); ++i)
      out[i] = raw_weight(*hosts[i], request);
  }
  double multiplier() const { return multiplier_; }

private:
  double multiplier_;
};

/// The weigher called `name`, or null if there is no such weigher.
std::unique_ptr<host_weigher> make_weigher(std::string_view name, double multiplier);

/// Sorts `hosts` best first by their combined normalized weight; ties go to
/// the host that comes first in `hosts` (the engine passes them in name
/// order, so a choice is reproducible). With `top`, only the first `top`
/// places are sorted (the rest follow in any order): a scheduler needs the
/// best host and a few alternates, not a full order. With `weights`, it
/// receives each host's combined weight, in the new order.
/// Weighers that weigh the request's own share (DiskWeigher: the free space
/// of the requested tier's pool) read `request`.
void rank(std::vector<const host_state*>& hosts,
          const std::vector<std::unique_ptr<host_weigher>>& weighers,
          std::size_t top = static_cast<std::size_t>(-1), std::vector<double>* weights = nullptr,
          const resources& request = {});

} // namespace nimbus::scheduler
