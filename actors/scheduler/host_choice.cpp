#include "actors/scheduler/host_choice.h"

#include <algorithm>

#include "actors/scheduler/scheduler_options.h"

namespace nimbus::scheduler {

bool driver_of(const std::string& name, driver_kind* out) {
  if (name == "filter")
    *out = driver_kind::filter;
  else if (name == "random")
    *out = driver_kind::random;
  else if (name == "availability-zone")
    *out = driver_kind::availability_zone;
  else if (name == "simple")
    *out = driver_kind::simple;
  else
    return false;
  return true;
}

void draw_at_random(std::vector<const host_state*>& hosts, std::size_t count,
                    std::mt19937_64& rng) {
  // The first steps of a Fisher-Yates shuffle: O(count), not O(hosts).
  count = std::min(count, hosts.size());
  for (std::size_t i = 0; i < count; ++i) {
    std::uniform_int_distribution<std::size_t> pick(i, hosts.size() - 1);
    std::swap(hosts[i], hosts[pick(rng)]);
  }
}

void least_loaded_first(std::vector<const host_state*>& hosts, std::size_t count) {
  auto share = [](double used, double total) { return total > 0 ? used / total : 1.0; };
  auto lighter = [&](const host_state* a, const host_state* b) {
    if (a->instances != b->instances)
      return a->instances < b->instances;
    auto ca = share(a->vcpus_used, a->vcpus_total), cb = share(b->vcpus_used, b->vcpus_total);
    if (ca != cb)
      return ca < cb;
    return share(static_cast<double>(a->memory_mb_used), static_cast<double>(a->memory_mb_total))
           < share(static_cast<double>(b->memory_mb_used), static_cast<double>(b->memory_mb_total));
  };
  count = std::min(count, hosts.size());
  // Stable among equals: the engine passes hosts in name order.
  std::vector<std::size_t> order(hosts.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                    [&](std::size_t a, std::size_t b) {
                      if (lighter(hosts[a], hosts[b]))
                        return true;
                      if (lighter(hosts[b], hosts[a]))
                        return false;
                      return a < b;
                    });
  std::vector<const host_state*> sorted;
  sorted.reserve(hosts.size());
  for (auto i : order)
    sorted.push_back(hosts[i]);
  hosts.swap(sorted);
}

void draw_among_best(std::vector<const host_state*>& hosts, const std::vector<double>& weights,
                     std::size_t subset, bool shuffle_ties, std::mt19937_64& rng) {
  if (hosts.empty())
    return;
  std::size_t pool = std::min(std::max<std::size_t>(subset, 1), hosts.size());
  if (shuffle_ties) {
    // rank() sorted only the first places: ties may be anywhere after them.
    std::size_t tied = 0;
    for (std::size_t i = 0; i < hosts.size(); ++i)
      if (weights[i] == weights[0])
        std::swap(hosts[tied++], hosts[i]);
    pool = std::max(pool, tied);
  }
  if (pool < 2)
    return;
  std::uniform_int_distribution<std::size_t> pick(0, pool - 1);
  auto chosen = pick(rng);
  std::rotate(hosts.begin(), hosts.begin() + static_cast<std::ptrdiff_t>(chosen),
              hosts.begin() + static_cast<std::ptrdiff_t>(chosen) + 1);
}

} // namespace nimbus::scheduler
