#include "actors/common/actor_watchdog.h"

#include <map>
#include <utility>

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

namespace nimbus {
namespace {

struct watchdog_state {
  std::map<caf::actor_addr, std::string> names;
  actor_watchdog::on_end_fn on_end;
};

caf::behavior watchdog(caf::stateful_actor<watchdog_state>* self, actor_watchdog::on_end_fn fn) {
  self->state.on_end = std::move(fn);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto it = self->state.names.find(dm.source);
    if (it == self->state.names.end())
      return;
    auto name = std::move(it->second);
    self->state.names.erase(it);
    if (dm.reason != caf::exit_reason::user_shutdown)
      self->state.on_end(name, dm.reason);
  });
  return {
    [self](caf::add_atom, const caf::actor& a, std::string& name) {
      self->state.names.emplace(a.address(), std::move(name));
      self->monitor(a);
    },
  };
}

} // namespace

actor_watchdog::actor_watchdog(caf::actor_system& sys, on_end_fn on_end)
    : self_(sys.spawn(watchdog, std::move(on_end))) {}

actor_watchdog::~actor_watchdog() { stop(); }

void actor_watchdog::watch(const caf::actor& a, std::string name) {
  caf::anon_send(self_, caf::add_atom_v, a, std::move(name));
}

void actor_watchdog::stop() {
  if (self_)
    caf::anon_send_exit(self_, caf::exit_reason::user_shutdown);
}

} // namespace nimbus
