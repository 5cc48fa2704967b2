#include "transport/cell_links.h"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/protocol/conductor_actor.h"
#include "transport/transport.h"

namespace nimbus::transport {
// The links keep the cell directory in step with the cells that connect.
using namespace nimbus::cells;

namespace {

struct links_state {
  std::shared_ptr<cell_directory> cells;
  std::shared_ptr<api_cell> api;
  std::vector<storage::cell_mapping> remote;
  cell_listener listener;
  cell_links_options opts;
  static inline const char* name = "cell_links";
};

// The public interface plus its reconnects and discovery ticks.
using links_impl_actor = cell_links_actor::extend<caf::reacts_to<caf::connect_atom, std::string>,
                                                  caf::reacts_to<caf::tick_atom>>;

using self_ptr = links_impl_actor::stateful_pointer<links_state>;

const storage::cell_mapping* mapping_of(self_ptr self, const std::string& uuid) {
  for (auto& m : self->state.remote)
    if (m.uuid == uuid)
      return &m;
  return nullptr;
}

void retry_later(self_ptr self, const std::string& uuid) {
  self->delayed_send(self, self->state.opts.reconnect_interval, caf::connect_atom_v, uuid);
}

void connect(self_ptr self, const std::string& uuid) {
  auto* m = mapping_of(self, uuid);
  if (!m)
    return;
  auto ep = parse_endpoint(m->transport_url);
  if (!ep) {
    spdlog::error("cell {}: transport URL {} is not caf://host:port", m->name, m->transport_url);
    return;
  }
  self
    ->request(connector(self->system(), self->state.opts.tls), self->state.opts.connect_timeout,
              caf::connect_atom_v, ep->host, ep->port)
    .then(
      [self, uuid](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
        auto* m = mapping_of(self, uuid);
        if (!ptr || !m) {
          retry_later(self, uuid);
          return;
        }
        auto conductor = caf::actor_cast<conductor_actor>(ptr);
        self->monitor(conductor);
        self->state.cells->add({*m, conductor});
        self->send(conductor, subscribe_atom_v, self->state.listener, uuid);
        spdlog::info("cell {} connected at {}", m->name, m->transport_url);
      },
      [self, uuid](caf::error& err) {
        if (auto* m = mapping_of(self, uuid))
          spdlog::debug("cell {}: cannot connect to {}: {}", m->name, m->transport_url,
                        self->system().render(err));
        retry_later(self, uuid);
      });
}

void discover_hosts(self_ptr self) {
  auto known = self->state.api->host_mappings();
  for (auto& cell : self->state.cells->all()) {
    if (!cell.up() || !mapping_of(self, cell.mapping.uuid))
      continue;
    self->request(cell.conductor, self->state.opts.connect_timeout, services_atom_v)
      .then(
        [self, known, uuid = cell.mapping.uuid](const std::vector<service_view>& services) {
          std::vector<storage::host_mapping> fresh;
          for (auto& s : services) {
            auto mapped = std::any_of(known.begin(), known.end(),
                                      [&](auto& h) { return h.host == s.service.host; });
            if (!mapped)
              fresh.push_back({s.service.host, uuid});
          }
          if (fresh.empty())
            return;
          for (auto& h : fresh)
            spdlog::info("discovered host {} in cell {}", h.host, uuid);
          self->state.api->map_hosts(fresh, [](std::error_code ec) {
            if (ec)
              spdlog::error("cannot map discovered hosts: {}", ec.message());
          });
        },
        [](caf::error&) {});
  }
}

links_impl_actor::behavior_type links_impl(self_ptr self, std::shared_ptr<cell_directory> cells,
                                           std::shared_ptr<api_cell> api,
                                           std::vector<storage::cell_mapping> remote,
                                           cell_listener listener, cell_links_options opts) {
  auto& st = self->state;
  st.cells = std::move(cells);
  st.api = std::move(api);
  st.remote = std::move(remote);
  st.listener = std::move(listener);
  st.opts = opts;
  for (auto& m : st.remote) {
    st.cells->add({m, conductor_actor{}}); // known, down until connected
    self->send(self, caf::connect_atom_v, m.uuid);
  }
  self->set_down_handler([self](caf::down_msg& dm) {
    for (auto& c : self->state.cells->all()) {
      if (c.up() && caf::actor_cast<caf::actor_addr>(c.conductor) == dm.source) {
        spdlog::warn("cell {} is down: {}", c.mapping.name, self->system().render(dm.reason));
        self->state.cells->mark_down(c.mapping.uuid);
        retry_later(self, c.mapping.uuid);
      }
    }
  });
  self->delayed_send(self, st.opts.discover_hosts_interval, caf::tick_atom_v);
  return {
    [self](caf::connect_atom, const std::string& uuid) { connect(self, uuid); },
    [self](caf::add_atom, const storage::cell_mapping& m) { // mapped while running
      if (mapping_of(self, m.uuid))
        return;
      self->state.remote.push_back(m);
      self->state.cells->add({m, conductor_actor{}});
      connect(self, m.uuid);
    },
    [self](caf::tick_atom) {
      discover_hosts(self);
      self->delayed_send(self, self->state.opts.discover_hosts_interval, caf::tick_atom_v);
    },
  };
}

} // namespace

cell_links_actor spawn_cell_links(caf::actor_system& sys, std::shared_ptr<cell_directory> cells,
                                  std::shared_ptr<api_cell> api,
                                  std::vector<storage::cell_mapping> remote, cell_listener listener,
                                  cell_links_options opts) {
  return sys.spawn(links_impl, std::move(cells), std::move(api), std::move(remote),
                   std::move(listener), opts);
}

} // namespace nimbus::transport
