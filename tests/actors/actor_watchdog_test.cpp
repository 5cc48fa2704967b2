// The watchdog reports a watched actor that ends for any reason but a stop.
#include <future>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <doctest/doctest.h>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actors/common/actor_watchdog.h"
#include "tests/support/bounded_wait.h"
#include "tests/support/threaded_config.h"

namespace {

// Throws on any message: the end an uncaught exception makes. (It takes an
// argument: CAF 0.17 spawns a function of none through a null pointer,
// which UBSan reports.)
caf::behavior fragile(caf::event_based_actor*, int) {
  return {[](int) -> int { throw std::runtime_error("a bug"); }};
}

} // namespace

TEST_CASE("a watched actor that throws is reported, one that is stopped is not") {
  nimbus::test::threaded_config cfg;
  caf::actor_system sys{cfg};
  std::mutex mutex;
  std::vector<std::string> ended;
  std::promise<caf::error> first;
  nimbus::actor_watchdog dog(sys, [&](const std::string& name, const caf::error& reason) {
    std::lock_guard<std::mutex> lock(mutex);
    ended.push_back(name);
    if (ended.size() == 1)
      first.set_value(reason);
  });
  auto stopped = sys.spawn(fragile, 0);
  auto broken = sys.spawn(fragile, 0);
  dog.watch(stopped, "stopped");
  dog.watch(broken, "broken");
  caf::anon_send_exit(stopped, caf::exit_reason::user_shutdown);
  caf::anon_send(broken, 1);
  auto reason = nimbus::test::bounded_get(first.get_future());
  CHECK(reason); // not "no error"
  CHECK(reason != caf::make_error(caf::exit_reason::user_shutdown));
  dog.stop();
  std::lock_guard<std::mutex> lock(mutex);
  CHECK(ended == std::vector<std::string>{"broken"});
}
