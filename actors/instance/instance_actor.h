#pragma once
// Spawns an instance actor (protocol: actors/protocol/instance_actor.h).
#include <chrono>

#include <caf/fwd.hpp>

#include "actors/protocol/instance_actor.h"
#include "actors/protocol/scheduler_actor.h"

namespace nimbus::instance {

struct instance_options {
  /// How long a host may take for one operation before it counts as failed.
  std::chrono::seconds host_timeout{300};
  /// How long the cell may take to make a record durable.
  std::chrono::seconds store_timeout{60};
};

/// `record` is the instance as its cell stored it. The actor saves every
/// change through `keeper` and frees claims through `scheduler`.
instance_actor spawn_instance(caf::actor_system& sys, storage::instance_record record,
                              instance_keeper keeper, scheduler_actor scheduler,
                              instance_options opts);

} // namespace nimbus::instance
