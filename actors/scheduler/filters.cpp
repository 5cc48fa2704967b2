#include "actors/scheduler/filters.h"

namespace nimbus::scheduler {
namespace {

class compute_filter final : public host_filter {
public:
  std::string_view name() const override { return "ComputeFilter"; }
  bool host_passes(const host_state& h, const resources&) const override {
    return h.up && h.enabled;
  }
  void filter(std::vector<const host_state*>& hosts, const resources&) const override {
    hosts.erase(std::remove_if(hosts.begin(), hosts.end(),
                               [](const host_state* h) { return !(h->up && h->enabled); }),
                hosts.end());
  }
};

// Capacity filters share one shape: total * ratio - used >= requested.
template <class Total, class Used, class Requested>
class capacity_filter final : public host_filter {
public:
  capacity_filter(std::string_view name, double ratio, Total total, Used used, Requested requested)
      : name_(name), ratio_(ratio), total_(total), used_(used), requested_(requested) {}
  std::string_view name() const override { return name_; }
  bool host_passes(const host_state& h, const resources& r) const override { return fits(h, r); }
  void filter(std::vector<const host_state*>& hosts, const resources& r) const override {
    hosts.erase(
      std::remove_if(hosts.begin(), hosts.end(), [&](const host_state* h) { return !fits(*h, r); }),
      hosts.end());
  }

private:
  bool fits(const host_state& h, const resources& r) const {
    return static_cast<double>(total_(h)) * ratio_ - static_cast<double>(used_(h))
           >= static_cast<double>(requested_(r));
  }

  std::string_view name_;
  double ratio_;
  Total total_;
  Used used_;
  Requested requested_;
};

template <class Total, class Used, class Requested>
std::unique_ptr<host_filter> make_capacity(std::string_view name, double ratio, Total t, Used u,
                                           Requested r) {
  return std::make_unique<capacity_filter<Total, Used, Requested>>(name, ratio, t, u, r);
}

class storage_tier_filter final : public host_filter {
public:
  std::string_view name() const override { return "StorageTierFilter"; }
  bool host_passes(const host_state& h, const resources& r) const override {
    return h.free_tier_gb(r.tier) >= r.disk_gb;
  }
  void filter(std::vector<const host_state*>& hosts, const resources& r) const override {
    hosts.erase(
      std::remove_if(hosts.begin(), hosts.end(),
                     [&](const host_state* h) { return h->free_tier_gb(r.tier) < r.disk_gb; }),
      hosts.end());
  }
};

} // namespace

const std::vector<std::string>& known_filters() {
  static const std::vector<std::string> names{"ComputeFilter", "RamFilter", "CoreFilter",
                                              "DiskFilter", "StorageTierFilter"};
  return names;
}

std::unique_ptr<host_filter> make_filter(std::string_view name, const allocation_ratios& ratios) {
  if (name == "ComputeFilter")
    return std::make_unique<compute_filter>();
  if (name == "RamFilter")
    return make_capacity(
      "RamFilter", ratios.ram, [](const host_state& h) { return h.memory_mb_total; },
      [](const host_state& h) { return h.memory_mb_used; },
      [](const resources& r) { return r.memory_mb; });
  if (name == "CoreFilter")
    return make_capacity(
      "CoreFilter", ratios.cpu, [](const host_state& h) { return h.vcpus_total; },
      [](const host_state& h) { return h.vcpus_used; }, [](const resources& r) { return r.vcpus; });
  if (name == "DiskFilter")
    return make_capacity(
      "DiskFilter", ratios.disk, [](const host_state& h) { return h.disk_gb_total; },
      [](const host_state& h) { return h.disk_gb_used; },
      [](const resources& r) { return r.disk_gb; });
  if (name == "StorageTierFilter")
    return std::make_unique<storage_tier_filter>();
  return nullptr;
}

} // namespace nimbus::scheduler
