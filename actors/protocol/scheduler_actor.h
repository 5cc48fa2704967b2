#pragma once
// A cell's scheduler: filters and weighs the cell's hosts and keeps the claim
// ledger (placement's inventories and allocations for this cell). Claims
// are atomic because one actor owns the ledger.
//
// ~~~
// interface scheduler_actor {
//   // Picks a host, claims the request's resources on it, and names
//   // alternates (unclaimed); spec.force_host: that host or none.
//   // errc::no_valid_host when no host fits.
//   (select_atom, request_spec) -> (placement)
//   // Claims on one given host; `force` records it even over capacity (used
//   // when a cell reloads its instances). Replies false if it does not fit.
//   (claim_atom, string host, string uuid, flavor, disk_tier, bool force) -> (bool)
//   (release_atom, string uuid) -> void
//   // The spawn of a server select() placed answered (succeeded or not):
//   // the host's builds in flight and failed builds, for the weighers.
//   (built_atom, string uuid, bool succeeded) -> void
//   // A move: the instance's claim passes to `holder` (its migration) and
//   // the spec's flavor is claimed for the instance on `host` (or the best
//   // host, skipping spec.ignore_hosts). errc::no_valid_host changes nothing.
//   // Confirmed by release(holder); undone by revert_atom.
//   (move_atom, request_spec, string holder, string host) -> (placement)
//   (revert_atom, string uuid, string holder) -> void
//   // Whether a host takes new servers (an operator disabled or forced it
//   // down: not).
//   (service_atom, string host, bool schedulable) -> void
//   // A host's heartbeat, forwarded by the conductor.
//   (report_atom, host_report) -> void
//   // The ledger per host, and the cell's capacity summary.
//   (usage_atom) -> (vector<host_usage>, cell_summary)
// }
// ~~~
#include <caf/typed_actor.hpp>

#include "actors/protocol/type_ids.h"

namespace nimbus {

using scheduler_actor = caf::typed_actor<
  caf::replies_to<select_atom, storage::request_spec>::with<placement>,
  caf::replies_to<claim_atom, std::string, std::string, storage::flavor, storage::disk_tier,
                  bool>::with<bool>,
  caf::reacts_to<release_atom, std::string>, caf::reacts_to<built_atom, std::string, bool>,
  caf::replies_to<move_atom, storage::request_spec, std::string, std::string>::with<placement>,
  caf::reacts_to<revert_atom, std::string, std::string>,
  caf::reacts_to<service_atom, std::string, bool>, caf::reacts_to<report_atom, host_report>,
  caf::replies_to<usage_atom>::with<std::vector<host_usage>, cell_summary>>;

} // namespace nimbus
