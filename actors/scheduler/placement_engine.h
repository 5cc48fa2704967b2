#pragma once
// The scheduling and claiming logic of one cell, without CAF: host states,
// filters, weighers and the allocation ledger. The scheduler actor owns one
// and is what makes its calls atomic; the engine itself is not thread-safe.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/scheduler/filters.h"
#include "actors/scheduler/scheduler_options.h"
#include "actors/scheduler/weighers.h"

namespace nimbus::scheduler {

struct choice {
  std::string host;                    // claimed
  std::vector<std::string> alternates; // not claimed
};

/// What a server group asks of a decision (the request spec's group fields).
struct group_placement {
  enum class policy : std::uint8_t {
    none, // no group
    affinity,
    anti_affinity,
    soft_affinity,
    soft_anti_affinity
  };
  policy kind = policy::none;
  std::int32_t max_per_host = 1;    // anti-affinity: members one host may hold
  std::vector<std::string> members; // the group's other servers
};

/// Nova's policy name as a group_placement kind; nullopt for none or another.
std::optional<group_placement::policy> group_policy_of(const std::string& name);

/// What a boot asks of the hosts beyond its resources (each empty: nothing).
struct placement_hints {
  /// The hosts allowed, sorted: an availability zone's, narrowed by the
  /// aggregate filters the API cell ran (AvailabilityZoneFilter, and the
  /// aggregate filters' names, make the engine keep to them).
  std::vector<std::string> only;
  /// Its server group (ServerGroupAffinityFilter / AntiAffinityFilter, soft
  /// weighers); kind none without one. (Not an optional: GCC's ASan build
  /// takes an optional's vector for uninitialised.)
  group_placement group;
  /// The same_host hint: a host holding one of these servers (SameHostFilter).
  std::vector<std::string> same_host_as;
  /// The different_host hint: a host holding none of them (DifferentHostFilter).
  std::vector<std::string> different_host_from;
  /// The flavor's capability specs (capability_specs()): each must match
  /// the host's capability (ComputeCapabilitiesFilter).
  std::vector<std::pair<std::string, std::string>> capabilities;
  /// What the image needs of the host (ImagePropertiesFilter).
  image_needs image;
};

class placement_engine {
public:
  /// Unknown filter or weigher names are skipped; see unknown_names().
  explicit placement_engine(scheduler_options opts);

  /// Whether `host` takes new servers (unknown hosts: ignored).
  void set_enabled(const std::string& host, bool enabled);

  /// Records a host's size (and what it is, and its tiers' pools) and that
  /// it was alive at `now_us`.
  void update_host(const std::string& name, std::int32_t vcpus, std::int64_t memory_mb,
                   std::int64_t disk_gb, std::int64_t now_us, host_capabilities caps = {},
                   const std::vector<storage::tier_pool>& pools = {});

  /// Filters the hosts and picks one by the driver (the filter driver:
  /// weighs them), claims `uuid`'s resources on it and names alternates.
  /// nullopt if no host passes. Hosts in `ignore` are skipped, and those
  /// `hints` rule out (by the filters enabled for them); a soft group
  /// policy orders the rest by how many members each holds. The claim is a
  /// build in flight on its host until build_settled() or release().
  std::optional<choice> select(const std::string& uuid, const resources& r,
                               const std::vector<std::string>& ignore, std::int64_t now_us,
                               const placement_hints& hints = {});

  /// Claims on `host`. Without `force` it fails (false) unless the host is
  /// known and the filters pass. A uuid claims at most once: a new claim
  /// replaces its old one.
  bool claim(const std::string& host, const std::string& uuid, const resources& r, bool force,
             std::int64_t now_us);
  /// Frees what `uuid` holds; unknown uuids are ignored.
  void release(const std::string& uuid);
  /// The spawn of what select() placed for `uuid` answered: it is no longer
  /// in flight, and its host's failed builds grow by one or, on success,
  /// are forgotten (as Nova's compute counts them).
  void build_settled(const std::string& uuid, bool succeeded);

  /// A move (resize, migration, evacuation): what `uuid` holds passes to
  /// `holder` (its migration, as Nova's placement does with the source's
  /// allocation) and `r` is claimed for `uuid` on `host`, or on the best
  /// host when `host` is empty (skipping `ignore`). nullopt when no host
  /// fits, and then nothing has changed.
  std::optional<choice> claim_move(const std::string& uuid, const std::string& holder,
                                   const resources& r, const std::string& host,
                                   const std::vector<std::string>& ignore, std::int64_t now_us);
  /// A move undone: `uuid` holds again what `holder` held (and no longer
  /// its claim on the destination). Confirming a move is release(holder).
  void revert_move(const std::string& uuid, const std::string& holder);

  const std::map<std::string, host_state>& hosts() const { return hosts_; }
  /// Hosts whose last report is recent enough, as of `now_us`.
  void refresh_liveness(std::int64_t now_us);
  const std::vector<std::string>& unknown_names() const { return unknown_; }

private:
  bool passes(const host_state& h, const resources& r) const;
  /// The best hosts for `r` (first, then alternates); claims nothing.
  std::optional<choice> best(const resources& r, const std::vector<std::string>& ignore,
                             const placement_hints& hints = {}) const;
  /// The filters of the hints (zone, group, same and different host), and
  /// the soft group weighers as a last ordering of the ranked hosts.
  void filter_by_hints(std::vector<const host_state*>& hosts, const placement_hints& h) const;
  void order_by_group(std::vector<const host_state*>& hosts, const group_placement& g) const;
  /// How many of `members` each host holds, by the claims here.
  std::unordered_map<const host_state*, std::int32_t>
  members_by_host(const std::vector<std::string>& members) const;
  /// Moves an allocation to another holder (which loses any of its own).
  void transfer(const std::string& from, const std::string& to);
  void apply(const std::string& host, const std::string& uuid, const resources& r);

  scheduler_options opts_;
  std::vector<std::unique_ptr<host_filter>> filters_;
  // The filters that act on what a request names (its zone's hosts, its
  // group's members) rather than on each host alone.
  bool zone_filter_ = false;
  bool affinity_filter_ = false;
  bool anti_affinity_filter_ = false;
  bool same_host_filter_ = false;
  bool different_host_filter_ = false;
  bool capabilities_filter_ = false;
  bool image_filter_ = false;
  /// StorageTierFilter, run only while some host reports tier pools (the
  /// others pass it anyway: a pass over every candidate saved).
  std::unique_ptr<host_filter> tier_filter_;
  std::size_t tiered_hosts_ = 0;
  std::vector<std::unique_ptr<host_weigher>> weighers_;
  std::vector<std::string> unknown_;
  std::map<std::string, host_state> hosts_;
  /// hosts_ in name order, for the walk of every decision (a vector walks
  /// faster than the map's nodes); rebuilt when a host is added.
  std::vector<host_state*> ordered_;
  void index_hosts();
  struct allocation {
    std::string host;
    resources amount;
    bool in_flight = false; // a build select() placed, not yet settled
  };
  void settle(allocation& a);
  /// Random choices (the random drivers, host_subset_size): mutable as
  /// best() is const but draws.
  mutable std::mt19937_64 rng_;
  std::unordered_map<std::string, allocation> allocations_;
  std::int64_t last_refresh_us_ = -1;
  bool hosts_changed_ = true;
};

} // namespace nimbus::scheduler
