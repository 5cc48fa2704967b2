#include "actors/scheduler/weighers.h"

#include <algorithm>
#include <functional>

namespace nimbus::scheduler {
namespace {

class free_weigher final : public host_weigher {
public:
  free_weigher(std::string_view name, double multiplier, std::function<double(const host_state&)> f)
    : host_weigher(multiplier), name_(name), free_(std::move(f)) {}
  std::string_view name() const override { return name_; }
  double raw_weight(const host_state& h) const override { return free_(h); }

private:
  std::string_view name_;
  std::function<double(const host_state&)> free_;
};

} // namespace

std::unique_ptr<host_weigher> make_weigher(std::string_view name, double multiplier) {
  if (name == "RAMWeigher")
    return std::make_unique<free_weigher>("RAMWeigher", multiplier, [](const host_state& h) {
      return static_cast<double>(h.free_memory_mb());
    });
  if (name == "CPUWeigher")
    return std::make_unique<free_weigher>("CPUWeigher", multiplier, [](const host_state& h) {
      return static_cast<double>(h.free_vcpus());
    });
  return nullptr;
}

void rank(std::vector<const host_state*>& hosts,
          const std::vector<std::unique_ptr<host_weigher>>& weighers) {
  std::vector<double> total(hosts.size(), 0.0);
  std::vector<double> raw(hosts.size());
  for (auto& w : weighers) {
    for (std::size_t i = 0; i < hosts.size(); ++i)
      raw[i] = w->raw_weight(*hosts[i]);
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
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (total[a] != total[b])
      return total[a] > total[b];
    return hosts[a]->name < hosts[b]->name;
  });
  std::vector<const host_state*> sorted;
  sorted.reserve(hosts.size());
  for (auto i : order)
    sorted.push_back(hosts[i]);
  hosts.swap(sorted);
}

} // namespace nimbus::scheduler
