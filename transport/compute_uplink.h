#pragma once
// A compute process's link to its cell: connects to the cell's published
// conductor, points the host actor's heartbeats at it, monitors it, and
// connects again every reconnect_interval after the link is lost. The cell
// sees the new connection as the host (re)joining and reconciles it.
#include <chrono>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/protocol/host_actor.h"
#include "transport/transport.h"

namespace nimbus::transport {

struct uplink_options {
  endpoint cell;
  bool tls = false;
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds reconnect_interval{2};
};

caf::actor spawn_compute_uplink(caf::actor_system& sys, host_actor host, uplink_options opts);

} // namespace nimbus::transport
