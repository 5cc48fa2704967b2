#pragma once
// How long a request to an actor may wait for its answer. Internal to cells/.
#include <caf/actor_system.hpp>
#include <caf/duration.hpp>

namespace nimbus::cells {

/// How long to wait for `target`. An actor of this process answers or, if it
/// is gone, bounces the request at once: it gets no timer, which in CAF 0.17
/// is one wake-up of the clock thread per request (and one more when it
/// fires). Actors of other processes keep `timeout`: a peer can hang.
template <class Handle>
caf::duration wait_limit(caf::actor_system& sys, const Handle& target, caf::timespan timeout) {
  if (target && target.node() == sys.node())
    return caf::infinite;
  return caf::duration{timeout};
}

} // namespace nimbus::cells
