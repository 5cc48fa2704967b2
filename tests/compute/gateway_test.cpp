// The gateway on a real (threaded) actor system: threads that are not CAF's
// hand it jobs, which make requests and answer through callbacks.
#include <doctest/doctest.h>

#include <future>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "tests/support/threaded_config.h"

#include "actors/protocol/type_ids.h"
#include "compute/gateway.h"
#include "tests/support/bounded_wait.h"

using namespace nimbus;

namespace {

using test::threaded_config;

// Test actors take an argument: CAF 0.17 binds a reference to a null
// pointer when a function actor is spawned without any (UBSan reports it).
caf::behavior adder(caf::event_based_actor*, std::int32_t step) {
  return {[step](std::int32_t x) { return x + step; }};
}

} // namespace

TEST_CASE("gateway: jobs from many threads run one at a time, in each thread's order") {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  auto add = sys.spawn(adder, 1);
  std::promise<std::vector<std::int32_t>> answers;
  {
    compute::gateway gw(sys, std::chrono::seconds(30));
    constexpr int threads = 4, per_thread = 50;
    std::vector<std::vector<std::int32_t>> seen(threads); // touched by jobs only
    std::atomic<int> pending{threads * per_thread};
    std::vector<std::int32_t> replies;
    std::vector<std::thread> callers;
    callers.reserve(threads);
    for (int t = 0; t < threads; ++t)
      callers.emplace_back([&, t] {
        for (std::int32_t i = 0; i < per_thread; ++i)
          gw.run([&, t, i](compute::gateway::self_ptr self) {
            seen[t].push_back(i); // no lock: jobs never run at once
            self->request(add, caf::infinite, i).then([&](std::int32_t r) {
              replies.push_back(r);
              if (--pending == 0)
                answers.set_value(replies);
            });
          });
      });
    for (auto& c : callers)
      c.join();
    auto got = test::bounded_get(answers.get_future());
    CHECK(got.size() == threads * per_thread);
    for (int t = 0; t < threads; ++t) {
      REQUIRE(seen[t].size() == per_thread);
      for (std::int32_t i = 0; i < per_thread; ++i)
        CHECK(seen[t][i] == i);
    }
    std::int64_t sum = 0;
    for (auto r : got)
      sum += r;
    CHECK(sum == threads * (per_thread * (per_thread + 1) / 2)); // every i answered i + 1
  } // the gateway ends its actor and waits for it
  caf::anon_send_exit(add, caf::exit_reason::user_shutdown);
}

TEST_CASE("gateway: destroying it with jobs queued drops them and ends its actor") {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  std::atomic<int> ran{0};
  std::promise<void> busy, release;
  auto released = release.get_future().share();
  auto gw = std::make_unique<compute::gateway>(sys, std::chrono::seconds(30));
  gw->run([&](compute::gateway::self_ptr) { // holds the actor while the rest queue up
    ++ran;
    busy.set_value();
    test::bounded_get(released);
  });
  test::bounded_get(busy.get_future());
  auto token = std::make_shared<int>(0); // each queued job holds it
  for (int i = 0; i < 1000; ++i)
    gw->run([&ran, token](compute::gateway::self_ptr) { ++ran; });
  REQUIRE(gw->test_queued() == 1000);
  std::thread destroying([&] { gw.reset(); }); // drops the queue, then waits for the actor
  while (token.use_count() > 1)                // until the destructor has dropped the queued jobs
    std::this_thread::yield();
  release.set_value();
  destroying.join();
  CHECK(ran.load() == 1); // only the job that was running
}

TEST_CASE("gateway: a job or a continuation that throws costs only itself") {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  auto add = sys.spawn(adder, 1);
  {
    compute::gateway gw(sys, std::chrono::seconds(30));
    gw.run([](compute::gateway::self_ptr) { throw std::runtime_error("job fails"); });
    std::promise<std::int32_t> after_job;
    gw.run([&](compute::gateway::self_ptr self) {
      self->request(add, caf::infinite, 1).then([&](std::int32_t r) { after_job.set_value(r); });
    });
    CHECK(test::bounded_get(after_job.get_future()) == 2);
    // A throwing continuation ends CAF's actor: the gateway starts another,
    // and a job given while the old one is dying still runs.
    std::promise<void> thrown;
    gw.run([&](compute::gateway::self_ptr self) {
      self->request(add, caf::infinite, 10).then([&](std::int32_t) -> void {
        thrown.set_value();
        throw std::runtime_error("continuation fails");
      });
    });
    test::bounded_get(thrown.get_future());
    std::promise<std::int32_t> after_continuation;
    gw.run([&](compute::gateway::self_ptr self) {
      self->request(add, caf::infinite, 20).then([&](std::int32_t r) {
        after_continuation.set_value(r);
      });
    });
    CHECK(test::bounded_get(after_continuation.get_future()) == 21);
  }
  caf::anon_send_exit(add, caf::exit_reason::user_shutdown);
}

namespace {

caf::behavior silent(caf::event_based_actor*, std::int32_t) {
  return {[](std::int32_t) -> caf::result<std::int32_t> { return caf::delegated<std::int32_t>{}; }};
}

} // namespace

// A deadline that counts its expiries and reports the first.
struct counted_deadline final : compute::gateway::deadline {
  std::atomic<int> fired{0};
  std::promise<void> first;
  void expired() override {
    if (fired++ == 0)
      first.set_value();
  }
};

TEST_CASE(
  "gateway: a deadline answers a call that never comes back, and a settled one stays quiet") {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  auto mute = sys.spawn(silent, 0); // takes requests, never answers
  {
    compute::gateway gw(sys, std::chrono::milliseconds(1));
    auto quiet = std::make_shared<counted_deadline>();
    auto lost = std::make_shared<counted_deadline>();
    gw.run([&](compute::gateway::self_ptr self) {
      gw.expire_after(self, quiet);
      quiet->settle(); // answered in time
      gw.expire_after(self, lost);
      self->request(mute, caf::infinite, 1).then([lost](std::int32_t) { lost->settle(); });
    });
    // The call never comes back: its deadline answers it (60 s: a bound on
    // a hang, not a timing check).
    REQUIRE(lost->first.get_future().wait_for(std::chrono::seconds(60))
            == std::future_status::ready);
    // Both ran out at the same tick, in the order set: the settled one first.
    CHECK(quiet->fired == 0);
    CHECK(lost->fired == 1);
  }
  caf::anon_send_exit(mute, caf::exit_reason::user_shutdown);
}
