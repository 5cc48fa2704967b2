#pragma once
// Spawns an instance actor (protocol: actors/protocol/instance_actor.h).
//
// The actor has one behavior per phase of its work, switched with become():
//
//              boot                    spawned (or every host failed: ERROR)
//   at_rest ─────────► spawning ──────────────────────────────► at_rest
//      │  ▲              stop / start / reboot / pause / shelve / ...
//      │  └─────────── acting ◄──────────────────────────────── at_rest
//      │        the host answered (or failed: the task is cleared and the
//      │        failure recorded as the instance's fault)
//      │
//      └── delete ──► deleting ──► (the domain is gone: forgotten, the actor quits)
//                        │ destroy failed: ERROR, back at_rest
//
//   A delete in spawning or acting is accepted (durable, the API's 202) and
//   runs when the host call out returns. A delete whose host has not joined
//   stays at_rest with task_state deleting, and runs when the host joins
//   (reconcile) or the delete is asked again. at_rest is also where a
//   restarted instance starts: reconcile settles a task that was in flight.
//   lock, unlock and resetState change the record in any phase; updates of
//   the server's fields (name, metadata, tags) too.
//
// The states of the instance itself (vm_state, task_state) and the rules
// between them are in actors/instance/instance_states.h.
#include <chrono>

#include <caf/fwd.hpp>

#include "actors/protocol/instance_actor.h"
#include "actors/protocol/scheduler_actor.h"

namespace nimbus::instance {

struct instance_options {
  /// How long a host may take for one operation before it counts as failed.
  std::chrono::seconds host_timeout{300};
  /// How long the cell may take to make a record durable: the keeper answers
  /// a save with an error after this (the cell's conductor reads it), and
  /// the instance's claims on alternate hosts wait this long.
  std::chrono::seconds store_timeout{60};
  /// [DEFAULT] shelved_offload_time: 0 takes a shelved server off its host
  /// at once (Nova's default), -1 never; a positive time is the cell
  /// conductor's to poll (conductor_options).
  std::chrono::seconds shelved_offload_time{0};
  /// [DEFAULT] reclaim_instance_interval: 0 deletes at once; positive: a
  /// delete soft-deletes (restorable), and the cell conductor reclaims
  /// servers soft-deleted longer than this. A forced delete is at once.
  std::chrono::seconds reclaim_instance_interval{0};
  /// [compute] instance_build_timeout: how long a spawn may take before the
  /// build fails (0: host_timeout).
  std::chrono::seconds build_timeout{0};
  /// Where a host writes a server's disk for a move to another domain
  /// (resize, migrate, live migration, and a revert back): `<data_dir>/moves`.
  /// The hosts must see the same folder (one machine). Empty: disks do not
  /// follow moves.
  std::string move_dir = {};
};

/// `record` is the instance as its cell stored it. The actor saves every
/// change through `keeper` and frees claims through `scheduler`.
instance_actor spawn_instance(caf::actor_system& sys, storage::instance_record record,
                              instance_keeper keeper, scheduler_actor scheduler,
                              instance_options opts);

} // namespace nimbus::instance
