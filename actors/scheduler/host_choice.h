#pragma once
// How a driver orders the hosts that passed its filters, best first: the
// engine takes the first as its choice and the next ones as alternates.
// Plain functions over host_state pointers; the random ones draw from the
// engine's generator, so a seeded engine chooses reproducibly.
#include <cstddef>
#include <random>
#include <vector>

#include "actors/scheduler/host_state.h"

namespace nimbus::scheduler {

/// The first `count` places hold `count` hosts drawn at random (uniformly,
/// without repeats); the rest follow in any order.
void draw_at_random(std::vector<const host_state*>& hosts, std::size_t count, std::mt19937_64& rng);

/// The first `count` places hold the least loaded hosts, least first: the
/// fewest instances, then the smallest share of vcpus used, then of memory;
/// ties keep their order. The rest follow in any order.
void least_loaded_first(std::vector<const host_state*>& hosts, std::size_t count);

/// After rank(): the first place goes to a host drawn among the best
/// `subset` (host_subset_size) or, with `shuffle_ties`, among those whose
/// weight equals the best one's, whichever are more. The others keep their
/// order. `weights` are rank()'s, in the hosts' order.
void draw_among_best(std::vector<const host_state*>& hosts, const std::vector<double>& weights,
                     std::size_t subset, bool shuffle_ties, std::mt19937_64& rng);

} // namespace nimbus::scheduler
