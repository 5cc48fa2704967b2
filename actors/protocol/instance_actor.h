#pragma once
// One instance: serializes every operation on it and owns its state machine
// (see actors/instance/instance_states.h for the diagram).
//
// ~~~
// interface instance_actor {
//   (get_atom) -> (instance_record)
//   // Spawns on placement.host, then on the alternates; `hosts` holds the
//   // host actors in the same order. The cell has already stored the record
//   // placed and spawning, with the `create` action begun.
//   (boot_atom, placement, vector<host_actor> hosts, instance_action create) -> void
//   // Every action (actors/instance/instance_states.h). Replies once the new
//   // task_state and the instance action are durable (the API's 202), then
//   // does the work. errc::conflict with Nova's wording if the state or a
//   // lock does not allow it, errc::forbidden for another's lock.
//   (action_atom, action_request, host_actor host) -> (ok)
//   // Changes the server's fields; replies with the record once durable.
//   // errc::not_found / bad_request / forbidden as server_update says.
//   (update_atom, server_update) -> (instance_record)
//   // A move between hosts (resize, migrate, live migration, evacuate) or
//   // the end of one (confirmResize, revertResize). For a move the cell has
//   // made `migration` and moved the claims (scheduler move_atom) first: a
//   // refusal is the cell's to undo. `source` is where the server is (was,
//   // for the end of a move), `dest` where it goes (is). Replies once the
//   // task and the migration are durable; the instance then settles the
//   // claims (release the migration's, or revert_atom) as the move ends.
//   (migrate_atom, action_request, migration, host_actor source, host_actor dest) -> (ok)
//   // After a restart: finish what was in flight.
//   (reconcile_atom, host_actor host) -> void
//   // The power state its host saw its domain in (sync_power_state_interval):
//   // the record follows, or the domain is stopped, as Nova's
//   // _sync_instance_power_state. Ignored while a task is in flight.
//   // `seen_us`: when the host read it; a record saved since then ignores it.
//   (power_sync_atom, power_state seen, int64 seen_us, host_actor host) -> void
// }
// ~~~
#include <caf/typed_actor.hpp>

#include "actors/protocol/host_actor.h"
#include "actors/protocol/type_ids.h"

namespace nimbus {

using instance_actor = caf::typed_actor<
  caf::replies_to<caf::get_atom>::with<storage::instance_record>,
  caf::reacts_to<boot_atom, placement, std::vector<host_actor>, storage::instance_action>,
  caf::replies_to<action_atom, action_request, host_actor>::with<caf::ok_atom>,
  caf::replies_to<migrate_atom, action_request, storage::migration, host_actor,
                  host_actor>::with<caf::ok_atom>,
  caf::reacts_to<reconcile_atom, host_actor>,
  caf::reacts_to<power_sync_atom, hypervisor::power_state, std::int64_t, host_actor>,
  caf::replies_to<update_atom, server_update>::with<storage::instance_record>>;

/// What an instance asks of its cell: keep its records (with its actions
/// and its moves), forget it once deleted, and pass the end of an image
/// export on to the API cell (cell_listener's image_saved, no answer). Save
/// and forget reply once the change is durable (forget also once the API
/// cell heard it, or after 2 s), or with an error once the cell's
/// store_timeout has passed (the write may still land). The keeper is in the
/// instance's process and bounds the wait itself, so an instance asks
/// without a timer of its own.
using instance_keeper = caf::typed_actor<
  caf::replies_to<save_atom, storage::instance_record, std::vector<storage::instance_action>,
                  std::vector<storage::migration>>::with<caf::ok_atom>,
  caf::replies_to<forget_atom, std::string>::with<caf::ok_atom>,
  caf::reacts_to<image_saved_atom, std::string, std::string, std::string>>;

} // namespace nimbus
