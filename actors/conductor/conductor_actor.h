#pragma once
// Spawns a cell conductor (protocol: actors/protocol/conductor_actor.h).
#include <chrono>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/instance/instance_actor.h"
#include "actors/protocol/conductor_actor.h"
#include "actors/protocol/scheduler_actor.h"
#include "storage/store.h"

namespace nimbus::conductor {

struct conductor_options {
  std::string cell_uuid;
  std::string cell_name;
  instance::instance_options instance;
  /// A host that has not reported for this long is down (service_down_time).
  std::chrono::seconds service_down_time{60};
  /// How often the cell pushes its capacity summary to its listeners (and
  /// expires its requests to the scheduler that are overdue).
  std::chrono::milliseconds summary_interval{1000};
  /// How long the cell's scheduler may take to answer (it is in this process:
  /// only a fault makes it late).
  std::chrono::seconds scheduler_timeout{60};
  /// How often shelved servers are looked at for offloading, when
  /// instance.shelved_offload_time is positive (Nova's shelved_poll_interval).
  std::chrono::seconds shelved_poll_interval{3600};
  /// [DEFAULT] allow_resize_to_same_host: a resize may stay on its host.
  bool allow_resize_to_same_host = false;
  /// [DEFAULT] resize_confirm_window: resized servers are confirmed
  /// automatically after this long (0: never).
  std::chrono::seconds resize_confirm_window{0};
  /// [DEFAULT] deleted_actions_retention: a deleted server's instance
  /// actions stay listable this long (0: they go with the server).
  std::chrono::seconds deleted_actions_retention{604800};
  /// Fault injection for tests ([debug] silent_cells): the conductor takes
  /// server lists and never answers them, as a stuck cell would.
  bool silent_to_lists = false;
};

/// The conductor loads the cell's instances from `store` (spawning their
/// actors and re-claiming their resources in `scheduler`) before it handles
/// its first message. Hosts join by sending it their heartbeats.
conductor_actor spawn_conductor(caf::actor_system& sys, std::shared_ptr<storage::store> store,
                                scheduler_actor scheduler, conductor_options opts);

} // namespace nimbus::conductor
