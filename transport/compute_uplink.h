#pragma once
// A compute process's link to its cell: connects to the cell's published
// conductor, points the host actor's heartbeats at it, monitors it, and
// connects again every reconnect_interval after the link is lost. The cell
// sees the new connection as the host (re)joining and reconciles it.
//
// ~~~
// interface compute_uplink_actor {
//   // Connects now (again, if connected: the host then reports to the
//   // conductor it reaches). It sends itself the same after a lost link.
//   (connect_atom) -> void
// }
// ~~~
#include <chrono>

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include "actors/protocol/host_actor.h"
#include "transport/transport.h"

namespace nimbus::transport {

struct uplink_options {
  endpoint cell;
  bool tls = false;
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds reconnect_interval{2};
};

using compute_uplink_actor = caf::typed_actor<caf::reacts_to<caf::connect_atom>>;

compute_uplink_actor spawn_compute_uplink(caf::actor_system& sys, host_actor host,
                                          uplink_options opts);

} // namespace nimbus::transport
