#include "cells/super_conductor.h"

#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/protocol/errors.h"
#include "cells/cell_mapping.h"
#include "cells/cell_selector.h"
#include "cells/scatter.h"
#include "cells/wait_limit.h"
#include "storage/clock.h"

namespace nimbus::cells {
namespace {

struct super_state {
  std::shared_ptr<api_cell> api;
  std::shared_ptr<const cell_directory> cells;
  super_conductor_options opts;
  cell_selector selector;
  /// Build requests waiting for a cell to come up, and since when.
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> waiting_since;
  static inline const char* name = "super_conductor";
};

using self_ptr = caf::stateful_actor<super_state>*;

struct build {
  storage::build_request request;
  storage::request_spec spec;
  std::vector<std::string> candidates;
  std::string last_error;
};

void finish(self_ptr self, const std::string& uuid, const std::string& cell_uuid) {
  auto api = self->state.api;
  auto cells = self->state.cells;
  api->record_placement(uuid, cell_uuid, [uuid, cell_uuid, cells](std::error_code ec) {
    if (ec != storage::errc::not_found)
      return;
    // Deleted while it was being placed: the cell must let it go too.
    if (auto cell = cells->get(cell_uuid)) {
      action_request del;
      del.uuid = uuid;
      del.action = "delete";
      del.request_id = "req-" + uuid;
      caf::anon_send(cell->conductor, action_atom_v, del);
    }
  });
}

void bury(self_ptr self, std::shared_ptr<build> b) {
  auto cell0 = self->state.cells->get(cell0_uuid);
  auto& uuid = b->request.instance.uuid;
  if (!cell0 || !cell0->up()) {
    spdlog::error("cannot bury {}: cell0 is not running", uuid);
    return;
  }
  storage::instance_fault fault{500, "No valid host was found. ",
                                "No valid host was found. " + b->last_error, storage::now_us()};
  spdlog::info("instance {}: no cell could place it; burying it in cell0", uuid);
  auto limit = wait_limit(self->system(), cell0->conductor, self->state.opts.build_timeout);
  self->request(cell0->conductor, limit, bury_atom_v, b->request, fault)
    .then([self, uuid](caf::ok_atom) { finish(self, uuid, cell0_uuid); },
          [uuid, self](caf::error& err) {
            spdlog::error("instance {}: cell0 refused it: {}", uuid, self->system().render(err));
          });
}

void try_cell(self_ptr self, std::shared_ptr<build> b, std::size_t i) {
  if (i >= b->candidates.size()) {
    bury(self, b);
    return;
  }
  auto cell = self->state.cells->get(b->candidates[i]);
  if (!cell || !cell->up()) {
    try_cell(self, b, i + 1);
    return;
  }
  self->state.selector.sending(cell->mapping.uuid, b->spec.flavor_copy);
  auto limit = wait_limit(self->system(), cell->conductor, self->state.opts.build_timeout);
  self->request(cell->conductor, limit, build_atom_v, b->request, b->spec)
    .then(
      [self, b, cell_uuid = cell->mapping.uuid](const std::string&) {
        finish(self, b->request.instance.uuid, cell_uuid);
      },
      [self, b, i, name = cell->mapping.name](caf::error& err) {
        auto text = message_of(err);
        b->last_error = text.empty() ? self->system().render(err) : text;
        if (code_of(err) != errc::no_valid_host)
          spdlog::warn("instance {}: cell {} could not take it: {}", b->request.instance.uuid,
                       name, b->last_error);
        try_cell(self, b, i + 1);
      });
}

void schedule(self_ptr self, const std::string& uuid) {
  auto& st = self->state;
  auto request = st.api->build_request(uuid);
  auto spec = st.api->request_spec(uuid);
  if (!request || !spec)
    return; // deleted before it was scheduled
  std::vector<std::string> usable;
  bool some_down = false;
  for (auto& c : st.cells->all()) {
    if (c.mapping.uuid == cell0_uuid || c.mapping.disabled)
      continue;
    if (c.up())
      usable.push_back(c.mapping.uuid);
    else
      some_down = true;
  }
  // No cell is up yet (the API just started, or every cell is away): wait for
  // one, up to build_timeout, before calling it a NoValidHost.
  auto now = std::chrono::steady_clock::now();
  auto first = st.waiting_since.emplace(uuid, now).first->second;
  if (usable.empty() && some_down && now - first < st.opts.build_timeout) {
    self->delayed_send(self, std::chrono::milliseconds(500), schedule_atom_v, uuid);
    return;
  }
  st.waiting_since.erase(uuid);
  auto b = std::make_shared<build>();
  b->request = std::move(*request);
  b->spec = std::move(*spec);
  b->candidates = st.selector.candidates(b->spec.flavor_copy, usable);
  try_cell(self, b, 0);
}

// A build request found at start: the crash may have come after a cell (or
// cell0) stored the instance and before its placement was recorded here. Ask
// the cells first, so that it is recorded where it is, not built twice.
void redrive(self_ptr self, const std::string& uuid) {
  std::vector<conductor_actor> targets;
  std::vector<std::string> cell_uuids;
  for (auto& c : self->state.cells->all())
    if (c.up()) {
      targets.push_back(c.conductor);
      cell_uuids.push_back(c.mapping.uuid);
    }
  auto then = [self, uuid, cell_uuids](gathered<storage::instance_record> found) {
    for (std::size_t i = 0; i < found.size(); ++i)
      if (found[i]) {
        finish(self, uuid, cell_uuids[i]);
        return;
      }
    schedule(self, uuid);
  };
  scatter<storage::instance_record>(self, targets, self->state.opts.build_timeout, then,
                                    caf::get_atom_v, uuid);
}

caf::behavior super_conductor_impl(self_ptr self, std::shared_ptr<api_cell> api,
                                   std::shared_ptr<const cell_directory> cells,
                                   super_conductor_options opts) {
  self->state.api = std::move(api);
  self->state.cells = std::move(cells);
  self->state.opts = opts;
  for (auto& c : self->state.cells->all()) // remote cells subscribe us when they connect
    if (c.up())
      self->send(c.conductor, subscribe_atom_v, caf::actor_cast<caf::actor>(self), c.mapping.uuid);
  auto pending = self->state.api->build_requests();
  if (!pending.empty())
    spdlog::info("re-driving {} build requests accepted before the restart", pending.size());
  for (auto& br : pending)
    redrive(self, br.instance.uuid);
  return {
    [self](schedule_atom, const std::string& uuid) { schedule(self, uuid); },
    [self](summary_atom, const cell_summary& s) { self->state.selector.update(s); },
    [self](deleted_atom, const std::string& uuid) {
      self->state.api->forget_instance(uuid, [uuid](std::error_code ec) {
        if (ec)
          spdlog::error("instance {}: cannot drop its mapping: {}", uuid, ec.message());
      });
    },
  };
}

} // namespace

caf::actor spawn_super_conductor(caf::actor_system& sys, std::shared_ptr<api_cell> api,
                                 std::shared_ptr<const cell_directory> cells,
                                 super_conductor_options opts) {
  return sys.spawn(super_conductor_impl, std::move(api), std::move(cells), opts);
}

} // namespace nimbus::cells
