#pragma once
// An actor system on CAF's deterministic scheduler: nothing runs until the
// test calls run(), so every test sees one order of events.
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>
#include <doctest/doctest.h>

#include "actors/protocol/errors.h"
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

  /// Handles the message the test actor already has, with one of `fs`; fails
  /// the test if there is none. On this scheduler a reply is in the test
  /// actor's mailbox once run() returns, so there is nothing to wait for.
  template <class... Fs>
  void receive_now(Fs... fs) {
    self->receive(
      std::move(fs)..., caf::after(std::chrono::seconds(0)) >> [] { FAIL("no message arrived"); });
  }

  /// The answer to a request already run: "" for ok (or a `Value`), or the
  /// error's message.
  template <class Value = caf::ok_atom>
  std::string outcome_now() {
    std::string outcome = "no reply";
    receive_now([&](const Value&) { outcome.clear(); },
                [&](caf::error& err) { outcome = message_of(err); });
    return outcome;
  }
};

} // namespace nimbus::test
