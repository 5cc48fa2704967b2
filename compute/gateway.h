#pragma once
// Lets threads that are not CAF's (the HTTP threads) talk to actors without
// waiting: a job runs inside one long-lived actor, makes its requests there
// and hands the answers to a callback. No actor is spawned per call (as a
// caf::scoped_actor would be) and no HTTP thread blocks. Internal to compute/.
//
// Contract: run() is thread-safe and returns at once; jobs run in the order
// given, one at a time, on a CAF thread; a job must not block. Jobs still
// queued when the gateway is destroyed are dropped without running. A job or
// continuation that throws is logged and costs only itself: the gateway
// goes on (with a new actor if CAF ended the old one).
#include <cstdint>
#include <functional>
#include <memory>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace nimbus::compute {

class gateway {
public:
  using job = std::function<void(caf::event_based_actor* self)>;

  explicit gateway(caf::actor_system& sys);
  ~gateway();
  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  void run(job j);

  /// From a job or continuation (on the gateway's actor): calls `expired`
  /// there once `limit` has passed, unless settle(id) came first. One tick a
  /// quarter second serves every deadline while any is set, so a call to an
  /// actor of this process gets a deadline without a timer (a clock wake-up)
  /// of its own. Deadlines outlive an actor that dies: they fire from the
  /// next one, so a call lost with it is still answered.
  std::uint64_t expire_after(caf::event_based_actor* self, caf::timespan limit,
                             std::function<void()> expired);
  void settle(std::uint64_t id);

  /// Jobs given and not yet taken by the actor (for tests).
  std::size_t test_queued() const;

  struct queue; // what run() hands to the actor (gateway.cpp)

private:
  std::shared_ptr<queue> queue_;
};

} // namespace nimbus::compute
