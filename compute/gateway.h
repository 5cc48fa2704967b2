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

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/common/deadline_queue.h"
#include "actors/protocol/type_ids.h"

namespace nimbus::compute {

class gateway {
public:
  /// The gateway's actor has only messages of its own: a poke to take the
  /// queued jobs, and the tick of its deadlines. Callers use this class.
  using actor_type = caf::typed_actor<caf::reacts_to<run_atom>, caf::reacts_to<caf::tick_atom>>;
  /// What a job runs in: make requests from it, never block it.
  using self_ptr = actor_type::pointer;
  using job = std::function<void(self_ptr self)>;

  /// `call_limit`: how long a call may wait (expire_after).
  gateway(caf::actor_system& sys, caf::timespan call_limit);
  ~gateway();
  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  void run(job j);

  /// A wait that may run out: expired() runs on the gateway's actor at its
  /// deadline unless it was settled first (by whoever answered).
  using deadline = deadline_queue::entry;
  /// From a job or continuation (on the gateway's actor): `d` expires once
  /// the call limit has passed. One tick a quarter second serves every
  /// deadline while any is set, so a call to an actor of this process gets a
  /// deadline without a timer (a clock wake-up) of its own. Deadlines outlive
  /// an actor that dies: they expire from the next one, so a call lost with
  /// it is still answered.
  void expire_after(self_ptr self, std::shared_ptr<deadline> d);

  /// The timeout for a job's request to `target`, by the rule of
  /// actors/common/deadline_for.h: the call limit from CAF for an actor of
  /// another process; none for one of this process, whose `d` expires
  /// through expire_after instead.
  caf::duration limit_for(self_ptr self, const caf::actor_addr& target,
                          std::shared_ptr<deadline> d);

  /// Jobs given and not yet taken by the actor (for tests).
  std::size_t test_queued() const;

  struct queue; // what run() hands to the actor (gateway.cpp)

private:
  std::shared_ptr<queue> queue_;
};

} // namespace nimbus::compute
