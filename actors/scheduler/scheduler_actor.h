#pragma once
// Spawns a cell scheduler (protocol: actors/protocol/scheduler_actor.h).
#include <caf/fwd.hpp>

#include "actors/protocol/scheduler_actor.h"
#include "actors/scheduler/scheduler_options.h"

namespace nimbus::scheduler {

scheduler_actor spawn_scheduler(caf::actor_system& sys, scheduler_options opts);

} // namespace nimbus::scheduler
