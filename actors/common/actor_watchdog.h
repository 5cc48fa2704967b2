#pragma once
// The supervisor of the actors a process cannot go on without (each local
// cell's conductor and scheduler, the super conductor). Their state is on
// disk, not in the actor: the way back from one that ended is the way back
// from a crash, a start over the stores (which the crash test proves loses
// and duplicates nothing). So the watchdog does not respawn in place; it
// reports the end, and the process exits with exit_code_actor_ended for its
// service manager to start it again (scripts/start.sh does; systemd's
// Restart=on-failure too). A frozen cell that still answers health checks
// is what this replaces.
//
// Contract: watch() takes local actors only (a remote one ends whenever its
// peer does, which the links handle). An actor that ends with
// exit_reason::user_shutdown (a stop) is no death; any other reason, an
// exception's included, calls `on_end` once per actor, on a CAF thread.
// stop() before stopping the watched actors is not needed but keeps a
// shutdown quiet.
#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/error.hpp>

namespace nimbus {

/// EX_SOFTWARE: what the process exits with when a watched actor ended.
inline constexpr int exit_code_actor_ended = 70;

class actor_watchdog {
public:
  using on_end_fn = std::function<void(const std::string& name, const caf::error& reason)>;

  actor_watchdog(caf::actor_system& sys, on_end_fn on_end);
  ~actor_watchdog();
  actor_watchdog(const actor_watchdog&) = delete;
  actor_watchdog& operator=(const actor_watchdog&) = delete;

  void watch(const caf::actor& a, std::string name);
  void stop();

private:
  caf::actor self_;
};

} // namespace nimbus
