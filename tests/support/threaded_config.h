#pragma once
// An actor system on CAF's real (threaded) scheduler with Nimbus's message
// types, for tests where other threads (HTTP, store committers) take part.
#include <caf/actor_system_config.hpp>

#include "actors/protocol/type_ids.h"

namespace nimbus::test {

struct threaded_config : caf::actor_system_config {
  threaded_config() {
    add_message_types<caf::id_block::nimbus>();
    set("scheduler.max-threads", static_cast<std::int64_t>(2));
    set("logger.console", caf::atom("none"));
  }
};

} // namespace nimbus::test
