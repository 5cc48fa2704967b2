#include "actors/scheduler/placement_engine.h"

#include <algorithm>

#include "actors/scheduler/extra_spec_ops.h"
#include "actors/scheduler/host_choice.h"

namespace nimbus::scheduler {
namespace {

// The filters a seed driver runs, whatever enabled_filters says.
std::vector<std::string> seed_filters(driver_kind driver) {
  std::vector<std::string> names{"ComputeFilter",
                                 "RamFilter",
                                 "CoreFilter",
                                 "DiskFilter",
                                 "ServerGroupAntiAffinityFilter",
                                 "ServerGroupAffinityFilter",
                                 "SameHostFilter",
                                 "DifferentHostFilter"};
  if (driver != driver_kind::random)
    names.emplace_back("AvailabilityZoneFilter");
  return names;
}

std::uint64_t seed_of(std::uint64_t configured) {
  if (configured != 0)
    return configured;
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

} // namespace

placement_engine::placement_engine(scheduler_options opts)
    : opts_(std::move(opts)), rng_(seed_of(opts_.seed)) {
  auto filter_names =
    opts_.driver == driver_kind::filter ? opts_.enabled_filters : seed_filters(opts_.driver);
  for (auto& name : filter_names) {
    // The aggregate filters run in the API cell: their hosts come in
    // `only`, as a zone's do.
    if (name == "AvailabilityZoneFilter" || name == "AggregateInstanceExtraSpecsFilter"
        || name == "AggregateMultiTenancyIsolation")
      zone_filter_ = true;
    else if (name == "ServerGroupAffinityFilter")
      affinity_filter_ = true;
    else if (name == "ServerGroupAntiAffinityFilter")
      anti_affinity_filter_ = true;
    else if (name == "SameHostFilter")
      same_host_filter_ = true;
    else if (name == "DifferentHostFilter")
      different_host_filter_ = true;
    else if (name == "ComputeCapabilitiesFilter")
      capabilities_filter_ = true;
    else if (name == "ImagePropertiesFilter")
      image_filter_ = true;
    else if (name == "StorageTierFilter")
      tier_filter_ = make_filter(name, opts_.ratios);
    else if (auto f = make_filter(name, opts_.ratios))
      filters_.push_back(std::move(f));
    else
      unknown_.push_back(name);
  }
  if (opts_.driver != driver_kind::filter)
    return; // the seed drivers weigh nothing
  for (auto& [name, multiplier] : opts_.weighers) {
    if (auto w = make_weigher(name, multiplier))
      weighers_.push_back(std::move(w));
    else
      unknown_.push_back(name);
  }
}

void placement_engine::set_enabled(const std::string& host, bool enabled) {
  auto it = hosts_.find(host);
  if (it == hosts_.end() || it->second.enabled == enabled)
    return;
  it->second.enabled = enabled;
  hosts_changed_ = true;
}

void placement_engine::update_host(const std::string& name, std::int32_t vcpus,
                                   std::int64_t memory_mb, std::int64_t disk_gb,
                                   std::int64_t now_us, host_capabilities caps,
                                   const std::vector<storage::tier_pool>& pools) {
  auto [it, added] = hosts_.try_emplace(name);
  auto& h = it->second;
  h.name = name;
  if (added)
    index_hosts();
  h.vcpus_total = vcpus;
  h.memory_mb_total = memory_mb;
  h.disk_gb_total = disk_gb;
  tiered_hosts_ -= h.has_tiers() ? 1 : 0;
  h.tier_gb_total = {};
  for (auto& p : pools)
    h.tier_gb_total[static_cast<std::size_t>(p.tier)] =
      static_cast<std::int32_t>(std::min<std::int64_t>(p.capacity_gb, INT32_MAX));
  tiered_hosts_ += h.has_tiers() ? 1 : 0;
  h.caps = std::move(caps);
  h.last_report_us = std::max(h.last_report_us, now_us);
  h.up = true;
  hosts_changed_ = true;
}

void placement_engine::index_hosts() {
  ordered_.clear();
  ordered_.reserve(hosts_.size());
  for (auto& [name, h] : hosts_)
    ordered_.push_back(&h);
}

void placement_engine::refresh_liveness(std::int64_t now_us) {
  // Liveness moves on the scale of seconds: once per 100 ms is fresh enough,
  // and keeps this O(hosts) walk off most decisions.
  if (now_us >= last_refresh_us_ && now_us - last_refresh_us_ < 100'000 && !hosts_changed_)
    return;
  last_refresh_us_ = now_us;
  hosts_changed_ = false;
  auto limit = opts_.service_down_time_s * 1'000'000;
  for (auto& [name, h] : hosts_)
    h.up = h.last_report_us > 0 && now_us - h.last_report_us <= limit;
}

bool placement_engine::passes(const host_state& h, const resources& r) const {
  return std::all_of(filters_.begin(), filters_.end(),
                     [&](auto& f) { return f->host_passes(h, r); })
         && (!tier_filter_ || tier_filter_->host_passes(h, r));
}

std::optional<choice> placement_engine::select(const std::string& uuid, const resources& r,
                                               const std::vector<std::string>& ignore,
                                               std::int64_t now_us, const placement_hints& hints) {
  refresh_liveness(now_us);
  release(uuid); // a retried request does not hold two claims
  auto c = best(r, ignore, hints);
  if (c) {
    apply(c->host, uuid, r);
    allocations_[uuid].in_flight = true;
    hosts_.at(c->host).io_ops += 1;
  }
  return c;
}

void placement_engine::settle(allocation& a) {
  if (!a.in_flight)
    return;
  a.in_flight = false;
  hosts_.at(a.host).io_ops -= 1;
}

void placement_engine::build_settled(const std::string& uuid, bool succeeded) {
  auto it = allocations_.find(uuid);
  if (it == allocations_.end() || !it->second.in_flight)
    return;
  settle(it->second);
  auto& h = hosts_.at(it->second.host);
  h.failed_builds = succeeded ? 0 : h.failed_builds + 1;
}

std::optional<choice> placement_engine::best(const resources& r,
                                             const std::vector<std::string>& ignore,
                                             const placement_hints& hints) const {
  std::vector<const host_state*> candidates;
  candidates.reserve(ordered_.size());
  // ordered_ and a zone's hosts are both in name order: one merge walk.
  bool zoned = !hints.only.empty() && zone_filter_;
  auto next_in_zone = hints.only.begin();
  for (auto* h : ordered_) {
    if (zoned) {
      while (next_in_zone != hints.only.end() && *next_in_zone < h->name)
        ++next_in_zone;
      if (next_in_zone == hints.only.end())
        break;
      if (*next_in_zone != h->name)
        continue;
    }
    if (ignore.empty() || std::find(ignore.begin(), ignore.end(), h->name) == ignore.end())
      candidates.push_back(h);
  }
  for (auto& f : filters_)
    f->filter(candidates, r);
  if (tier_filter_ && tiered_hosts_ > 0) // hosts without tier pools pass it anyway
    tier_filter_->filter(candidates, r);
  filter_by_hints(candidates, hints);
  if (candidates.empty())
    return std::nullopt;
  auto wanted = static_cast<std::size_t>(std::max(opts_.max_attempts, 1));
  switch (opts_.driver) {
  case driver_kind::filter:
    if (opts_.host_subset_size > 1 || opts_.shuffle_best_same_weighed_hosts) {
      std::vector<double> weights;
      rank(candidates, weighers_,
           std::max(wanted, static_cast<std::size_t>(opts_.host_subset_size)), &weights, r);
      draw_among_best(candidates, weights, static_cast<std::size_t>(opts_.host_subset_size),
                      opts_.shuffle_best_same_weighed_hosts, rng_);
    } else {
      rank(candidates, weighers_, wanted, nullptr, r);
    }
    break;
  case driver_kind::random:
  case driver_kind::availability_zone:
    draw_at_random(candidates, wanted, rng_);
    break;
  case driver_kind::simple:
    least_loaded_first(candidates, wanted);
    break;
  }
  if (hints.group.kind != group_placement::policy::none)
    order_by_group(candidates, hints.group);
  choice c;
  c.host = candidates.front()->name;
  auto alternates = std::min<std::size_t>(
    candidates.size() - 1, static_cast<std::size_t>(std::max(opts_.max_attempts - 1, 0)));
  for (std::size_t i = 1; i <= alternates; ++i)
    c.alternates.push_back(candidates[i]->name);
  return c;
}

std::optional<group_placement::policy> group_policy_of(const std::string& name) {
  using p = group_placement::policy;
  if (name == "affinity")
    return p::affinity;
  if (name == "anti-affinity")
    return p::anti_affinity;
  if (name == "soft-affinity")
    return p::soft_affinity;
  if (name == "soft-anti-affinity")
    return p::soft_anti_affinity;
  return std::nullopt;
}

std::unordered_map<const host_state*, std::int32_t>
placement_engine::members_by_host(const std::vector<std::string>& members) const {
  // By host_state address: the filters then look candidates up without
  // hashing their names (a decision walks thousands of them).
  std::unordered_map<const host_state*, std::int32_t> out;
  for (auto& m : members)
    if (auto a = allocations_.find(m); a != allocations_.end())
      if (auto h = hosts_.find(a->second.host); h != hosts_.end())
        ++out[&h->second];
  return out;
}

void placement_engine::filter_by_hints(std::vector<const host_state*>& hosts,
                                       const placement_hints& h) const {
  using p = group_placement::policy;
  auto drop = [&](auto&& unfit) {
    hosts.erase(std::remove_if(hosts.begin(), hosts.end(), unfit), hosts.end());
  };
  if (((h.group.kind == p::affinity && affinity_filter_)
       || (h.group.kind == p::anti_affinity && anti_affinity_filter_))) {
    auto counts = members_by_host(h.group.members);
    auto held = [&](const host_state* host) {
      auto it = counts.find(host);
      return it == counts.end() ? 0 : it->second;
    };
    if (h.group.kind == p::anti_affinity)
      drop([&](const host_state* host) { return held(host) >= std::max(h.group.max_per_host, 1); });
    else if (!counts.empty()) // the group's first server goes anywhere
      drop([&](const host_state* host) { return held(host) == 0; });
  }
  if (!h.same_host_as.empty() && same_host_filter_) {
    auto counts = members_by_host(h.same_host_as);
    drop([&](const host_state* host) { return counts.count(host) == 0; });
  }
  if (!h.different_host_from.empty() && different_host_filter_) {
    auto counts = members_by_host(h.different_host_from);
    drop([&](const host_state* host) { return counts.count(host) > 0; });
  }
  if (!h.capabilities.empty() && capabilities_filter_)
    drop([&](const host_state* host) {
      return !std::all_of(h.capabilities.begin(), h.capabilities.end(), [&](auto& spec) {
        auto have = capability(*host, spec.first);
        return have && extra_spec_matches(*have, spec.second);
      });
    });
  if (!h.image.empty() && image_filter_)
    drop([&](const host_state* host) { return !supports_image(host->caps, h.image); });
}

void placement_engine::order_by_group(std::vector<const host_state*>& hosts,
                                      const group_placement& g) const {
  using p = group_placement::policy;
  if (g.kind != p::soft_affinity && g.kind != p::soft_anti_affinity)
    return;
  auto counts = members_by_host(g.members);
  auto held = [&](const host_state* h) {
    auto it = counts.find(h);
    return it == counts.end() ? 0 : it->second;
  };
  // The weighers' order stays among hosts that hold as many members.
  std::stable_sort(hosts.begin(), hosts.end(), [&](const host_state* a, const host_state* b) {
    return g.kind == p::soft_affinity ? held(a) > held(b) : held(a) < held(b);
  });
}

void placement_engine::transfer(const std::string& from, const std::string& to) {
  auto it = allocations_.find(from);
  if (it == allocations_.end())
    return;
  auto moved = it->second; // a build in flight stays one
  allocations_.erase(it);
  release(to);
  allocations_[to] = moved;
}

std::optional<choice> placement_engine::claim_move(const std::string& uuid,
                                                   const std::string& holder, const resources& r,
                                                   const std::string& host,
                                                   const std::vector<std::string>& ignore,
                                                   std::int64_t now_us) {
  refresh_liveness(now_us);
  transfer(uuid, holder);
  std::optional<choice> c;
  if (host.empty())
    c = best(r, ignore);
  else if (auto it = hosts_.find(host); it != hosts_.end() && passes(it->second, r))
    c = choice{host, {}};
  if (!c) {
    transfer(holder, uuid);
    return std::nullopt;
  }
  apply(c->host, uuid, r);
  return c;
}

void placement_engine::revert_move(const std::string& uuid, const std::string& holder) {
  if (allocations_.count(holder) == 0)
    return; // already settled
  release(uuid);
  transfer(holder, uuid);
}

bool placement_engine::claim(const std::string& host, const std::string& uuid, const resources& r,
                             bool force, std::int64_t now_us) {
  auto it = hosts_.find(host);
  if (it == hosts_.end()) {
    if (!force)
      return false;
    it = hosts_.emplace(host, host_state{}).first;
    it->second.name = host;
    index_hosts();
  }
  release(uuid);
  if (!force) {
    refresh_liveness(now_us);
    if (!passes(it->second, r))
      return false;
  }
  apply(host, uuid, r);
  return true;
}

void placement_engine::apply(const std::string& host, const std::string& uuid, const resources& r) {
  auto& h = hosts_.at(host); // select and claim apply to known hosts only
  h.vcpus_used += r.vcpus;
  h.memory_mb_used += r.memory_mb;
  h.disk_gb_used += r.disk_gb;
  h.tier_gb_used[static_cast<std::size_t>(r.tier)] += static_cast<std::int32_t>(r.disk_gb);
  h.instances += 1;
  allocations_[uuid] = {host, r};
}

void placement_engine::release(const std::string& uuid) {
  auto it = allocations_.find(uuid);
  if (it == allocations_.end())
    return;
  settle(it->second);
  auto& h = hosts_.at(it->second.host); // claims are only made on known hosts
  h.vcpus_used -= it->second.amount.vcpus;
  h.memory_mb_used -= it->second.amount.memory_mb;
  h.disk_gb_used -= it->second.amount.disk_gb;
  h.tier_gb_used[static_cast<std::size_t>(it->second.amount.tier)] -=
    static_cast<std::int32_t>(it->second.amount.disk_gb);
  h.instances -= 1;
  allocations_.erase(it);
}

} // namespace nimbus::scheduler
