#pragma once
// The timeout to give one CAF request under a deadline_queue: a target of
// another process gets CAF's own timeout of the queue's limit; a target of
// this process gets none from CAF (an actor of the process answers, or
// bounces the request at once if it is gone) and `call` joins the queue
// instead. `start_tick` runs when the queue needs its owner's tick.
#include <functional>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/duration.hpp>
#include <caf/error.hpp>
#include <caf/sec.hpp>

#include "actors/common/deadline_queue.h"

namespace nimbus {

template <class Handle, class StartTick>
caf::duration deadline_for(caf::actor_system& sys, deadline_queue& q, const Handle& target,
                           std::shared_ptr<deadline_queue::entry> call, StartTick start_tick) {
  if (target && target.node() != sys.node())
    return caf::duration{q.limit()};
  if (q.add(std::move(call)))
    start_tick();
  return caf::infinite;
}

/// One request under a deadline_queue: its error handler runs once, for the
/// request's failure or for its deadline, whichever comes first; the value
/// handler checks settle() before it acts.
struct bounded_call final : deadline_queue::entry {
  explicit bounded_call(std::function<void(caf::error&)> f) : on_error(std::move(f)) {}
  void expired() override {
    auto err = caf::make_error(caf::sec::request_timeout);
    on_error(err);
  }
  /// For the request's error handler.
  void fail(caf::error& err) {
    if (settle())
      on_error(err);
  }
  std::function<void(caf::error&)> on_error;
};

} // namespace nimbus
