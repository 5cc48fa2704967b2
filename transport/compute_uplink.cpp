#include "transport/compute_uplink.h"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/protocol/conductor_actor.h"

namespace nimbus::transport {
namespace {

compute_uplink_actor::behavior_type uplink_impl(compute_uplink_actor::pointer self,
                                                const host_actor& host,
                                                const uplink_options& opts) {
  auto retry = [self, opts] {
    self->delayed_send(self, opts.reconnect_interval, caf::connect_atom_v);
  };
  self->set_down_handler([self, opts, retry](caf::down_msg& dm) {
    spdlog::warn("lost the cell at {}: {}; reconnecting", opts.cell.url(),
                 self->system().render(dm.reason));
    retry();
  });
  self->send(self, caf::connect_atom_v);
  return {
    [self, host, opts, retry](caf::connect_atom) {
      self
        ->request(connector(self->system(), opts.tls), opts.connect_timeout, caf::connect_atom_v,
                  opts.cell.host, opts.cell.port)
        .then(
          [self, host, opts, retry](const caf::node_id&, caf::strong_actor_ptr& ptr,
                                    const std::set<std::string>&) {
            if (!ptr) {
              retry();
              return;
            }
            auto conductor = caf::actor_cast<conductor_actor>(ptr);
            self->monitor(conductor);
            self->send(host, subscribe_atom_v, caf::actor_cast<host_report_sink>(conductor));
            spdlog::info("connected to the cell at {}", opts.cell.url());
          },
          [self, opts, retry](caf::error& err) {
            spdlog::debug("cannot reach the cell at {}: {}", opts.cell.url(),
                          self->system().render(err));
            retry();
          });
    },
  };
}

} // namespace

compute_uplink_actor spawn_compute_uplink(caf::actor_system& sys, host_actor host,
                                          uplink_options opts) {
  return sys.spawn(uplink_impl, std::move(host), std::move(opts));
}

} // namespace nimbus::transport
