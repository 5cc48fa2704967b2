#pragma once
// An actor system on CAF's deterministic scheduler: nothing runs until the
// test calls run(), so every test sees one order of events.
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/protocol/type_ids.h"

namespace nimbus::test {

struct test_config : caf::actor_system_config {
  test_config() {
    add_message_types<caf::id_block::nimbus>();
    set("scheduler.policy", caf::atom("testing"));
    set("logger.console", caf::atom("none"));
  }
};

struct actor_fixture {
  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched =
    dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys};

  /// Runs every pending job until the system is quiet.
  void run() { sched.run(); }
};

} // namespace nimbus::test
