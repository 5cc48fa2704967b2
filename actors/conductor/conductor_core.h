#pragma once
// Inside the cell conductor (conductor_actor.cpp, conductor_moves.cpp): its
// state and the steps both use. Nothing outside actors/conductor includes
// this.
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/common/deadline_for.h"
#include "actors/conductor/conductor_actor.h"
#include "actors/conductor/host_registry.h"
#include "actors/conductor/instance_index.h"
#include "actors/conductor/migration_book.h"

namespace nimbus::conductor {

struct conductor_state {
  std::shared_ptr<storage::store> store;
  scheduler_actor scheduler;
  conductor_options opts;
  instance_index index;
  std::unordered_map<std::string, instance_actor> actors;
  host_registry hosts;
  migration_book migrations;
  std::vector<cell_listener> listeners;
  std::int64_t next_instance_number = 1;
  std::uint64_t next_token = 1;
  std::unordered_map<std::uint64_t, std::function<void(std::error_code)>> pending_commits;
  /// Builds (and burials) taken but not stored yet: asked about meanwhile,
  /// this cell cannot say whether it holds them.
  std::unordered_set<std::string> building;
  /// scheduler_timeout for its requests to the scheduler, expired on the
  /// summary tick (no timer per request: one goes with every build).
  std::optional<deadline_queue> deadlines;
  /// instance.store_timeout for the instances' saves and forgets, expired on
  /// the summary tick as well.
  std::optional<deadline_queue> save_deadlines;
  /// silent_to_lists: the lists taken and never answered.
  std::vector<std::function<void()>> unanswered;
  /// When shelved servers were last looked at for offloading.
  std::int64_t last_shelved_poll_us = 0;
  /// When soft-deleted servers were last looked at for reclaiming.
  std::int64_t last_reclaim_us = 0;
  static inline const char* name = "conductor";
};

// The public interface plus what the conductor sends itself: store commit
// completions (from the store's thread) and its summary tick.
using conductor_impl_actor =
  conductor_actor::extend<caf::reacts_to<committed_atom, std::uint64_t, std::int32_t>,
                          caf::reacts_to<heartbeat_atom>>;

using self_ptr = conductor_impl_actor::stateful_pointer<conductor_state>;

/// Makes `batch` durable through the store's group commit without blocking
/// this actor; `then` runs in this actor once the commit is done.
void commit(self_ptr self, storage::write_batch batch, std::function<void(std::error_code)> then);

/// A request to the cell's scheduler under the deadlines; `call` gets its
/// error, or the timeout (the summary tick expires it).
template <class... Ts>
auto ask_scheduler(self_ptr self, const std::shared_ptr<bounded_call>& call, Ts&&... xs) {
  auto& st = self->state;
  auto limit = deadline_for(self->system(), *st.deadlines, st.scheduler, call, [] {});
  return self->request(st.scheduler, limit, std::forward<Ts>(xs)...);
}

// Listeners (conductor_listeners.cpp).

/// Adds a listener (once, however often it subscribes) and sends it the
/// cell's summary.
void add_listener(self_ptr self, cell_listener listener);
/// Sends every listener the cell's capacity summary.
void push_summary(self_ptr self);
/// Tells every listener that `uuid` is gone; `then` runs once: when the
/// first one answers, or when every one has failed or run out of time.
void tell_deleted(self_ptr self, const std::string& uuid, std::function<void()> then);
/// Passes the end of a createImage's export on to every listener (no answer:
/// an API cell that does not listen leaves the image saving).
void tell_image_saved(self_ptr self, const std::string& image, const std::string& path,
                      const std::string& error);

// Moves (conductor_moves.cpp), as actors/protocol/conductor_actor.h says.

/// resize, migrate, os-migrateLive, evacuate.
caf::result<caf::ok_atom> move_server(self_ptr self, const action_request& req,
                                      const storage::instance_record& r,
                                      const instance_actor& inst);
/// confirmResize, revertResize.
caf::result<caf::ok_atom> end_move(self_ptr self, const action_request& req,
                                   const storage::instance_record& r, const instance_actor& inst);
/// [DEFAULT] resize_confirm_window: confirms resizes waiting longer.
void confirm_resized(self_ptr self);
/// `host` (re)joined: the domains of servers evacuated away from it go, and
/// their evacuations are completed (Nova's _destroy_evacuated_instances).
void clean_up_evacuated(self_ptr self, const std::string& host, const host_actor& actor);

} // namespace nimbus::conductor
