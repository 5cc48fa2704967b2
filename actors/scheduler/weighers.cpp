#include "actors/scheduler/weighers.h"

#include <algorithm>

namespace nimbus::scheduler {
namespace {

// Weighs a host by one of its figures (mostly how much of a resource is
// free); Free is a stateless function object, inlined in the batch loop.
template <class Free>
class free_weigher final : public host_weigher {
public:
  free_weigher(std::string_view name, double multiplier) : host_weigher(multiplier), name_(name) {}
  std::string_view name() const override { return name_; }
  double raw_weight(const host_state& h, const resources& r) const override { return Free{}(h, r); }
  void raw_weights(const std::vector<const host_state*>& hosts, std::vector<double>& out,
                   const resources& r) const override {
    for (std::size_t i = 0; i < hosts.size(); ++i)
      out[i] = Free{}(*hosts[i], r);
  }

private:
  std::string_view name_;
};

struct free_ram {
  double operator()(const host_state& h, const resources&) const {
    return static_cast<double>(h.free_memory_mb());
  }
};
struct free_cpu {
  double operator()(const host_state& h, const resources&) const {
    return static_cast<double>(h.free_vcpus());
  }
};
// The free space where the request's disk would go: its tier's pool.
struct free_disk {
  double operator()(const host_state& h, const resources& r) const {
    return static_cast<double>(h.free_tier_gb(r.tier));
  }
};
struct io_ops {
  double operator()(const host_state& h, const resources&) const {
    return static_cast<double>(h.io_ops);
  }
};
struct instance_count {
  double operator()(const host_state& h, const resources&) const {
    return static_cast<double>(h.instances);
  }
};
struct build_failures {
  double operator()(const host_state& h, const resources&) const {
    return -static_cast<double>(h.failed_builds);
  }
};

} // namespace

std::unique_ptr<host_weigher> make_weigher(std::string_view name, double multiplier) {
  if (name == "RAMWeigher")
    return std::make_unique<free_weigher<free_ram>>("RAMWeigher", multiplier);
  if (name == "CPUWeigher")
    return std::make_unique<free_weigher<free_cpu>>("CPUWeigher", multiplier);
  if (name == "DiskWeigher")
    return std::make_unique<free_weigher<free_disk>>("DiskWeigher", multiplier);
  if (name == "IoOpsWeigher")
    return std::make_unique<free_weigher<io_ops>>("IoOpsWeigher", multiplier);
  if (name == "NumInstancesWeigher")
    return std::make_unique<free_weigher<instance_count>>("NumInstancesWeigher", multiplier);
  if (name == "BuildFailureWeigher")
    return std::make_unique<free_weigher<build_failures>>("BuildFailureWeigher", multiplier);
  return nullptr;
}

void rank(std::vector<const host_state*>& hosts,
          const std::vector<std::unique_ptr<host_weigher>>& weighers, std::size_t top,
          std::vector<double>* weights, const resources& request) {
  std::vector<double> total(hosts.size(), 0.0);
  std::vector<double> raw(hosts.size());
  for (auto& w : weighers) {
    w->raw_weights(hosts, raw, request);
    auto [lo, hi] = std::minmax_element(raw.begin(), raw.end());
    if (lo == raw.end() || *hi == *lo)
      continue; // every host weighs the same: this weigher decides nothing
    double range = *hi - *lo, min = *lo;
    for (std::size_t i = 0; i < hosts.size(); ++i)
      total[i] += w->multiplier() * (raw[i] - min) / range;
  }
  std::vector<std::size_t> order(hosts.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  // Ties by position, not by name: identical hosts tie by the thousand, and
  // comparing their names was a tenth of a decision.
  auto better = [&](std::size_t a, std::size_t b) {
    if (total[a] != total[b])
      return total[a] > total[b];
    return a < b;
  };
  std::partial_sort(order.begin(),
                    order.begin() + static_cast<std::ptrdiff_t>(std::min(top, order.size())),
                    order.end(), better);
  std::vector<const host_state*> sorted;
  sorted.reserve(hosts.size());
  for (auto i : order)
    sorted.push_back(hosts[i]);
  hosts.swap(sorted);
  if (weights) {
    weights->clear();
    weights->reserve(order.size());
    for (auto i : order)
      weights->push_back(total[i]);
  }
}

} // namespace nimbus::scheduler
