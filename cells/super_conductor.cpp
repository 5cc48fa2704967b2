#include "cells/super_conductor.h"

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/common/deadline_for.h"
#include "actors/protocol/errors.h"
#include "cells/cell_mapping.h"
#include "cells/cell_selector.h"
#include "cells/image_exports.h"
#include "cells/scatter.h"
#include "storage/clock.h"

namespace nimbus::cells {
namespace {

// One export's settlement, on a thread of its own (a detached actor that
// ends when this returns).
void settle_export_worker(const std::shared_ptr<api_cell>& api,
                          const std::shared_ptr<storage::image_files>& files,
                          const std::string& image, const std::string& path,
                          const std::string& error) {
  settle_export(*api, files.get(), image, path, error);
}

struct super_state {
  std::shared_ptr<api_cell> api;
  std::shared_ptr<const cell_directory> cells;
  super_conductor_options opts;
  cell_selector selector;
  /// Build requests waiting for a cell to come up, and since when.
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> waiting_since;
  /// Builds sent to a cell and not answered yet, by server: which conductor,
  /// and which attempt (a late answer to an older one changes nothing).
  struct sending {
    caf::actor_addr conductor;
    std::uint64_t attempt = 0;
  };
  std::unordered_map<std::string, sending> out_to;
  std::uint64_t next_attempt = 1;
  /// Conductors this actor monitors (each once).
  std::unordered_set<caf::actor_addr> watched;
  /// build_timeout for the requests to conductors of this process.
  std::optional<deadline_queue> deadlines;
  static inline const char* name = "super_conductor";
};

// The public interface plus the retries it sends itself, and the tick of its
// deadlines.
using super_impl_actor = super_conductor_actor::extend<
  caf::reacts_to<redrive_atom, std::string>,
  caf::reacts_to<caf::delete_atom, std::string, std::string>, // uuid, cell uuid
  caf::reacts_to<caf::tick_atom>>;

using self_ptr = super_impl_actor::stateful_pointer<super_state>;

constexpr auto deadline_tick = std::chrono::milliseconds(250);

// A request to a conductor that gets an answer within build_timeout: its
// error handler is `call`'s (which a conductor of this process that never
// answers also reaches, through the deadlines).
template <class... Ts>
auto ask(self_ptr self, const conductor_actor& conductor, const std::shared_ptr<bounded_call>& call,
         Ts&&... xs) {
  auto limit = deadline_for(self->system(), *self->state.deadlines, conductor, call,
                            [self] { self->delayed_send(self, deadline_tick, caf::tick_atom_v); });
  return self->request(conductor, limit, std::forward<Ts>(xs)...);
}

struct build {
  storage::build_request request;
  storage::request_spec spec;
  std::vector<std::string> candidates;
  std::string last_error;
};

void redrive(self_ptr self, const std::string& uuid);

// How long a build whose whereabouts are unknown waits before the cells are
// asked again.
constexpr auto recheck_interval = std::chrono::milliseconds(500);

void redrive_later(self_ptr self, const std::string& uuid) {
  self->delayed_send(self, recheck_interval, redrive_atom_v, uuid);
}

// A cell's answer that does not say whether it took the build (a timeout, a
// lost peer): only a NoValidHost is a refusal to try the next cell on.
bool refused(const caf::error& err) { return code_of(err) == errc::no_valid_host; }

// A server deleted while its build was on the way landed in `cell_uuid`:
// that cell deletes it. Asked again until the cell has taken the delete (it
// may be down, or die before it answers); the flagged build request keeps
// the delete across an API restart until the cell reports it done.
void delete_in_cell(self_ptr self, const std::string& uuid, const std::string& cell_uuid) {
  auto cell = self->state.cells->get(cell_uuid);
  if (!cell) // the cell was removed: nothing left to delete it in
    return self->state.api->forget_instance(uuid, [](std::error_code) {});
  auto again = [self, uuid, cell_uuid] {
    self->delayed_send(self, recheck_interval, caf::delete_atom_v, uuid, cell_uuid);
  };
  if (!cell->up())
    return again();
  action_request del;
  del.uuid = uuid;
  del.action = storage::server_action::delete_server;
  del.request_id = "req-" + uuid;
  auto call = std::make_shared<bounded_call>([self, uuid, again](caf::error& err) {
    if (code_of(err) == errc::not_found) // deleted already: make sure we let go
      return self->state.api->forget_instance(uuid, [](std::error_code) {});
    again();
  });
  ask(self, cell->conductor, call, action_atom_v, del)
    .then([call](caf::ok_atom) { call->settle(); }, // its deleted report drops the build request
          [call](caf::error& err) { call->fail(err); });
}

void finish(self_ptr self, const std::string& uuid, const std::string& cell_uuid) {
  auto handle = caf::actor_cast<super_impl_actor>(self);
  self->state.api->record_placement(
    uuid, cell_uuid, [uuid, cell_uuid, handle](std::error_code ec, bool delete_it) {
      if (ec)
        spdlog::error("instance {}: cannot record its placement: {}", uuid, ec.message());
      if (delete_it) // called on the store's thread: continue in the actor
        caf::anon_send(handle, caf::delete_atom_v, uuid, cell_uuid);
    });
}

void bury(self_ptr self, const std::shared_ptr<build>& b) {
  auto cell0 = self->state.cells->get(cell0_uuid);
  auto& uuid = b->request.instance.uuid;
  if (!cell0 || !cell0->up()) {
    spdlog::error("cannot bury {}: cell0 is not running; trying again", uuid);
    redrive_later(self, uuid);
    return;
  }
  if (!self->state.api->begin_placement(uuid))
    return; // deleted meanwhile
  storage::instance_fault fault{500, "No valid host was found. ",
                                "No valid host was found. " + b->last_error, storage::now_us()};
  spdlog::info("instance {}: no cell could place it; burying it in cell0", uuid);
  auto call = std::make_shared<bounded_call>([uuid, self](caf::error& err) {
    spdlog::error("instance {}: cell0 did not take it: {}", uuid, self->system().render(err));
    redrive_later(self, uuid); // it may hold it all the same
  });
  ask(self, cell0->conductor, call, bury_atom_v, b->request, fault)
    .then(
      [self, uuid, call](caf::ok_atom) {
        if (call->settle())
          finish(self, uuid, cell0_uuid);
      },
      [call](caf::error& err) { call->fail(err); });
}

// Remembers where a build went, and watches that conductor: when its cell
// is lost, the builds out to it are re-driven at once rather than after
// build_timeout.
std::uint64_t sent_to(self_ptr self, const std::string& uuid, const conductor_actor& conductor) {
  auto addr = caf::actor_cast<caf::actor_addr>(conductor);
  auto attempt = self->state.next_attempt++;
  self->state.out_to[uuid] = {addr, attempt};
  if (self->state.watched.insert(addr).second)
    self->monitor(conductor);
  return attempt;
}

// The answer to `attempt` came: true if it is still the one out (the
// caller acts on it), false if the build was re-driven meanwhile.
bool answered(self_ptr self, const std::string& uuid, std::uint64_t attempt) {
  auto it = self->state.out_to.find(uuid);
  if (it == self->state.out_to.end() || it->second.attempt != attempt)
    return false;
  self->state.out_to.erase(it);
  return true;
}

void on_cell_lost(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  st.watched.erase(dm.source);
  std::vector<std::string> lost;
  for (auto& [uuid, out] : st.out_to)
    if (out.conductor == dm.source)
      lost.push_back(uuid);
  if (!lost.empty())
    spdlog::warn("a cell was lost with {} builds out to it: asking the cells where they are",
                 lost.size());
  for (auto& uuid : lost) {
    st.out_to.erase(uuid);
    redrive_later(self, uuid);
  }
}

void try_cell(self_ptr self, const std::shared_ptr<build>& b, std::size_t i) {
  if (i >= b->candidates.size()) {
    bury(self, b);
    return;
  }
  auto cell = self->state.cells->get(b->candidates[i]);
  if (!cell || !cell->up()) {
    try_cell(self, b, i + 1);
    return;
  }
  auto& uuid = b->request.instance.uuid;
  if (!self->state.api->begin_placement(uuid))
    return; // deleted meanwhile
  self->state.selector.sending(cell->mapping.uuid, b->spec.flavor_copy);
  auto attempt = sent_to(self, uuid, cell->conductor);
  auto call = std::make_shared<bounded_call>(
    [self, b, i, attempt, name = cell->mapping.name](caf::error& err) {
      auto& uuid = b->request.instance.uuid;
      if (!answered(self, uuid, attempt))
        return; // its cell was lost and it is being re-driven already
      auto text = message_of(err);
      b->last_error = text.empty() ? self->system().render(err) : text;
      if (!refused(err)) {
        // The cell may hold it: another cell gets it only once every cell
        // has said it does not.
        spdlog::warn("instance {}: cell {} did not answer its build ({}); asking the cells", uuid,
                     name, b->last_error);
        redrive_later(self, uuid);
        return;
      }
      self->state.api->end_placement(uuid);
      try_cell(self, b, i + 1);
    });
  ask(self, cell->conductor, call, build_atom_v, b->request, b->spec)
    .then(
      [self, b, attempt, call, cell_uuid = cell->mapping.uuid](const std::string&) {
        if (!call->settle())
          return; // too late: the deadline re-drove it (a cell that holds it says so)
        answered(self, b->request.instance.uuid, attempt); // placed, whoever else asked
        finish(self, b->request.instance.uuid, cell_uuid);
      },
      [call](caf::error& err) { call->fail(err); });
}

void schedule(self_ptr self, const std::string& uuid) {
  auto& st = self->state;
  auto request = st.api->build_request(uuid);
  auto spec = st.api->request_spec(uuid);
  if (!request || !spec) {
    st.waiting_since.erase(uuid);
    return; // deleted before it was scheduled
  }
  std::vector<std::string> usable;
  bool some_down = false;
  // An admin's zone:host goes to that host's cell, or is a NoValidHost.
  std::string forced_cell;
  if (!spec->force_host.empty())
    for (auto& h : st.api->host_mappings())
      if (h.host == spec->force_host)
        forced_cell = h.cell_uuid;
  // An availability zone's boot goes only to the cells with hosts in it.
  std::set<std::string> zone_cells;
  if (!spec->zone_hosts.empty())
    for (auto& h : st.api->host_mappings())
      if (std::binary_search(spec->zone_hosts.begin(), spec->zone_hosts.end(), h.host))
        zone_cells.insert(h.cell_uuid);
  // An affinity group's server goes to the cell of its placed members: a
  // cell's scheduler sees only its own hosts.
  std::string group_cell;
  if (spec->group_policy == "affinity")
    for (auto& m : spec->group_members)
      if (auto placed = st.api->instance_mapping(m);
          placed && !placed->cell_uuid.empty() && placed->cell_uuid != cell0_uuid) {
        group_cell = placed->cell_uuid;
        break;
      }
  for (auto& c : st.cells->all()) {
    if (c.mapping.uuid == cell0_uuid || c.mapping.disabled)
      continue;
    if (!spec->force_host.empty() && c.mapping.uuid != forced_cell)
      continue;
    if (!group_cell.empty() && c.mapping.uuid != group_cell)
      continue;
    if (!spec->zone_hosts.empty() && !zone_cells.count(c.mapping.uuid))
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

// What each cell said when asked for one instance.
struct whereabouts {
  std::vector<std::string> holders; // cells that have it
  bool all_answered = true;         // false: some cell did not say
};

// A build whose whereabouts are unknown: found at start (the crash may have
// come after a cell stored the instance and before its placement was
// recorded here), or one whose cell did not answer. Every cell, cell0 and
// disabled ones included, is asked; it is recorded where it is, and
// scheduled again only once every cell has said it does not hold it. A cell
// that is down is waited for: building it elsewhere could build it twice.
void redrive(self_ptr self, const std::string& uuid) {
  if (!self->state.api->build_request(uuid))
    return; // placed or deleted meanwhile
  auto cells = self->state.cells->all();
  if (cells.empty())
    return schedule(self, uuid);
  for (auto& c : cells)
    if (!c.up()) {
      spdlog::debug("instance {}: waiting for cell {} before re-driving it", uuid, c.mapping.name);
      redrive_later(self, uuid);
      return;
    }
  auto found = std::make_shared<whereabouts>();
  auto left = std::make_shared<std::size_t>(cells.size());
  auto one_done = [self, uuid, found, left] {
    if (--*left > 0)
      return;
    if (!found->holders.empty()) {
      if (found->holders.size() > 1)
        spdlog::error("instance {} is in {} cells", uuid, found->holders.size());
      finish(self, uuid, found->holders.front());
    } else if (!found->all_answered) {
      redrive_later(self, uuid);
    } else {
      schedule(self, uuid);
    }
  };
  for (auto& c : cells) {
    auto call = std::make_shared<bounded_call>([found, one_done](caf::error& err) {
      if (code_of(err) != errc::not_found)
        found->all_answered = false;
      one_done();
    });
    ask(self, c.conductor, call, caf::get_atom_v, uuid)
      .then(
        [found, one_done, call, cell_uuid = c.mapping.uuid](const storage::instance_record&) {
          if (!call->settle())
            return;
          found->holders.push_back(cell_uuid);
          one_done();
        },
        [call](caf::error& err) { call->fail(err); });
  }
}

super_impl_actor::behavior_type super_conductor_impl(self_ptr self, std::shared_ptr<api_cell> api,
                                                     std::shared_ptr<const cell_directory> cells,
                                                     const super_conductor_options& opts) {
  self->state.api = std::move(api);
  self->state.cells = std::move(cells);
  self->state.opts = opts;
  self->state.deadlines.emplace(opts.build_timeout);
  for (auto& c : self->state.cells->all()) // remote cells subscribe us when they connect
    if (c.up())
      self->send(c.conductor, subscribe_atom_v, caf::actor_cast<cell_listener>(self),
                 c.mapping.uuid);
  self->set_down_handler([self](caf::down_msg& dm) { on_cell_lost(self, dm); });
  auto pending = self->state.api->build_requests();
  if (!pending.empty())
    spdlog::info("re-driving {} build requests accepted before the restart", pending.size());
  for (auto& br : pending)
    redrive(self, br.instance.uuid);
  return {
    [self](schedule_atom, const std::string& uuid) { schedule(self, uuid); },
    [self](redrive_atom, const std::string& uuid) { redrive(self, uuid); },
    [self](caf::delete_atom, const std::string& uuid, const std::string& cell_uuid) {
      delete_in_cell(self, uuid, cell_uuid);
    },
    [self](summary_atom, const cell_summary& s) { self->state.selector.update(s); },
    [self](caf::tick_atom) {
      if (self->state.deadlines->expire_due())
        self->delayed_send(self, deadline_tick, caf::tick_atom_v);
    },
    // The mapping leaves memory at once (the write follows), and the
    // answer says so: the cell keeps the server in its index until it
    // hears it (or a short wait ends), so no reader sees it gone there
    // while it is still mapped here.
    [self](deleted_atom, const std::string& uuid) {
      self->state.api->forget_instance(uuid, [uuid](std::error_code ec) {
        if (ec)
          spdlog::error("instance {}: cannot drop its mapping: {}", uuid, ec.message());
      });
      return caf::ok_atom_v;
    },
    [self](image_saved_atom, const std::string& image, const std::string& path,
           const std::string& error) {
      // Hashing a disk takes seconds a build must not wait for.
      self->system().spawn<caf::detached>(settle_export_worker, self->state.api,
                                          self->state.opts.image_files, image, path, error);
    },
  };
}

} // namespace

super_conductor_actor spawn_super_conductor(caf::actor_system& sys, std::shared_ptr<api_cell> api,
                                            std::shared_ptr<const cell_directory> cells,
                                            super_conductor_options opts) {
  return sys.spawn(super_conductor_impl, std::move(api), std::move(cells), opts);
}

} // namespace nimbus::cells
