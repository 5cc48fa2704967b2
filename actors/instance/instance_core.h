#pragma once
// Inside the instance actor (instance_actor.cpp, instance_moves.cpp): its
// state, its phases and the steps its flows share. Nothing outside
// actors/instance includes this.
#include <optional>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/instance/instance_actor.h"
#include "actors/instance/instance_states.h"
#include "storage/clock.h"

namespace nimbus::instance {

using behavior = instance_actor::behavior_type;

enum class phase { at_rest, spawning, acting, deleting };

// A host a boot may try: its name and its actor.
struct boot_host {
  std::string name;
  host_actor actor;
};

struct instance_state {
  storage::instance_record record;
  instance_keeper keeper;
  scheduler_actor scheduler;
  instance_options opts;
  storage::instance_action current; // the action in progress (request_id empty: none)
  // spawning: the chosen host, then the alternates, and which is tried.
  std::vector<boot_host> boot_hosts;
  std::size_t boot_attempt = 0;
  // A delete accepted while a host call is out: runs on its host when the
  // call returns.
  std::optional<host_actor> delete_next;
  // A move under way (uuid empty: none), saved with every record until it
  // ends; and the hosts it goes from and to.
  storage::migration migration;
  host_actor move_source;
  host_actor move_dest;
  // Each phase's behavior, made once: become() then copies a handle.
  behavior at_rest = behavior::make_empty_behavior();
  behavior spawning = behavior::make_empty_behavior();
  behavior acting = behavior::make_empty_behavior();
  behavior deleting = behavior::make_empty_behavior();
  static inline const char* name = "instance";
};

using self_ptr = instance_actor::stateful_pointer<instance_state>;

void go(self_ptr self, phase p);

/// The domain of `r`, with its own flavor or with `f`.
hypervisor::domain_spec spec_of(const storage::instance_record& r);
hypervisor::domain_spec spec_of(const storage::instance_record& r, const storage::flavor& f);

/// Closes the current action's last event as a success or an error.
void finish_event(self_ptr self, bool ok, const std::string& traceback = {});

/// Saves the record, `actions` and the move under way (if any) through the
/// cell; `then` runs once they are durable, or with the error (the keeper
/// answers within store_timeout: instance_keeper's contract). A move that
/// has ended is saved this last time and then forgotten here.
template <class Then>
void persist_with(self_ptr self, std::vector<storage::instance_action> actions, Then then) {
  auto& st = self->state;
  auto now = storage::now_us();
  st.record.updated_us = now;
  std::vector<storage::migration> moves;
  if (!st.migration.uuid.empty()) {
    st.migration.updated_us = now;
    moves.push_back(st.migration);
    if (!storage::in_progress(st.migration.status))
      st.migration = {};
  }
  self
    ->request(st.keeper, caf::infinite, save_atom_v, st.record, std::move(actions),
              std::move(moves))
    .then([then](caf::ok_atom) mutable { then(caf::error{}); },
          [then](caf::error& err) mutable { then(std::move(err)); });
}

/// Saves the record and the current action.
template <class Then>
void persist(self_ptr self, Then then) {
  auto& st = self->state;
  std::vector<storage::instance_action> actions;
  if (!st.current.request_id.empty())
    actions.push_back(st.current);
  persist_with(self, std::move(actions), std::move(then));
}
/// persist(), logging a failure.
void persist(self_ptr self);

/// A host call of an action failed: the task is cleared, the vm_state
/// stays, the failure is the instance's fault.
void fail_action(self_ptr self, const caf::error& err);

/// A host call returned: a delete accepted meanwhile runs now (true), and
/// what the call did no longer matters.
bool delete_came_first(self_ptr self);

void reply(caf::typed_response_promise<caf::ok_atom>& rp, const caf::error& err);

/// Marks the action begun on the record; the caller persists it.
void begin(self_ptr self, const action_request& req);

/// What stands in the way of `req` before its state rule: the lock.
caf::error refused_by_lock(const action_request& req, const storage::instance_record& r);

/// At rest: a move (resize, migrate, live migration, evacuation) or the end
/// of one (confirmResize, revertResize), as actors/protocol/instance_actor.h
/// says (instance_moves.cpp).
caf::result<caf::ok_atom> accept_move(self_ptr self, const action_request& req,
                                      const storage::migration& m, const host_actor& source,
                                      const host_actor& dest);

} // namespace nimbus::instance
