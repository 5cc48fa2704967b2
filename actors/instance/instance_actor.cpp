#include "actors/instance/instance_actor.h"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/instance/instance_states.h"
#include "actors/protocol/errors.h"
#include "storage/clock.h"

namespace nimbus::instance {
namespace {

struct instance_state {
  storage::instance_record record;
  instance_keeper keeper;
  scheduler_actor scheduler;
  instance_options opts;
  storage::instance_action current; // the action in progress (request_id empty: none)
  bool in_flight = false;           // a host call is outstanding
  bool delete_after = false;        // delete once the call in flight returns
  bool delete_started = false;      // a delete was accepted and runs (or waits for its host)
  host_actor delete_host;
  std::vector<std::string> boot_names; // chosen host, then alternates
  std::vector<host_actor> boot_hosts;
  std::size_t boot_attempt = 0;
  static inline const char* name = "instance";
};

using self_ptr = instance_actor::stateful_pointer<instance_state>;

hypervisor::domain_spec spec_of(const storage::instance_record& r) {
  auto& f = r.flavor_copy;
  return {r.instance_name, r.uuid, f.vcpus, f.memory_mb, f.root_gb + f.ephemeral_gb};
}

void begin_action(self_ptr self, server_action action, const std::string& request_id,
                  const std::string& user_id, const std::string& project_id) {
  self->state.current = instance::begin_action(self->state.record, action, request_id, user_id,
                                               project_id, storage::now_us());
}

void finish_event(self_ptr self, bool ok, const std::string& traceback = {}) {
  auto& a = self->state.current;
  if (a.events.empty())
    return;
  auto now = storage::now_us();
  auto& ev = a.events.back();
  ev.finish_us = a.updated_us = now;
  ev.result = ok ? "Success" : "Error";
  ev.traceback = traceback;
  if (!ok)
    a.message = "Error";
}

// Saves the record and the current action through the cell; `then` runs once
// they are durable (or failed).
template <class Then>
void persist(self_ptr self, Then then) {
  auto& st = self->state;
  st.record.updated_us = storage::now_us();
  std::vector<storage::instance_action> actions;
  if (!st.current.request_id.empty())
    actions.push_back(st.current);
  self->request(st.keeper, caf::infinite, save_atom_v, st.record, std::move(actions))
    .then([then](caf::ok_atom) mutable { then(caf::error{}); },
          [then](caf::error& err) mutable { then(std::move(err)); });
}

void persist(self_ptr self) {
  persist(self, [self](const caf::error& err) {
    if (err)
      spdlog::error("instance {}: cannot save: {}", self->state.record.uuid,
                    self->system().render(err));
  });
}

void run_delete(self_ptr self, host_actor host);

// The host call in flight returned: a pending delete goes first.
bool take_pending_delete(self_ptr self) {
  self->state.in_flight = false;
  if (!self->state.delete_after)
    return false;
  run_delete(self, self->state.delete_host);
  return true;
}

void finish_delete(self_ptr self) {
  auto& st = self->state;
  self->send(st.scheduler, release_atom_v, st.record.uuid);
  self->request(st.keeper, caf::infinite, forget_atom_v, st.record.uuid)
    .then([self](caf::ok_atom) { self->quit(); },
          [self](caf::error& err) {
            spdlog::error("instance {}: cannot forget: {}", self->state.record.uuid,
                          self->system().render(err));
          });
}

void run_delete(self_ptr self, host_actor host) {
  auto& st = self->state;
  st.delete_after = false;
  st.delete_started = true;
  if (st.record.host.empty()) { // never placed (cell0): nothing to destroy
    finish_delete(self);
    return;
  }
  if (!host) { // its host has not joined (yet): the delete runs when it does
    spdlog::info("instance {}: delete waits for host {}", st.record.uuid, st.record.host);
    st.delete_started = false;
    return;
  }
  st.in_flight = true;
  self->request(host, self->state.opts.host_timeout, destroy_atom_v, st.record.instance_name)
    .then([self](caf::ok_atom) { finish_delete(self); },
          [self](caf::error& err) {
            auto& st = self->state;
            st.in_flight = false;
            st.delete_started = false;
            spdlog::error("instance {}: delete failed: {}", st.record.uuid,
                          self->system().render(err));
            st.record.vm_state = vm_state::error;
            st.record.task_state = task_state::none;
            st.record.fault = {500, message_of(err), self->system().render(err), storage::now_us()};
            finish_event(self, false, message_of(err));
            persist(self);
          });
}

void fail_build(self_ptr self, const std::string& last_error) {
  auto& r = self->state.record;
  r.vm_state = vm_state::error;
  r.task_state = task_state::none;
  r.power_state = power_number(hypervisor::power_state::nostate);
  r.fault = {500,
             "Exceeded maximum number of retries. Exhausted all hosts available for retrying "
             "build failures for instance "
               + r.uuid + ".",
             last_error, storage::now_us()};
  finish_event(self, false, last_error);
  persist(self);
}

void try_spawn(self_ptr self);

// Spawning on the current host failed: release its claim and claim on the
// next alternate that still fits.
void try_next_host(self_ptr self, const std::string& last_error) {
  auto& st = self->state;
  self->send(st.scheduler, release_atom_v, st.record.uuid);
  if (++st.boot_attempt >= st.boot_names.size()) {
    fail_build(self, last_error);
    return;
  }
  auto host = st.boot_names[st.boot_attempt];
  self
    ->request(st.scheduler, caf::infinite, claim_atom_v, host, st.record.uuid,
              st.record.flavor_copy, false)
    .then(
      [self, host, last_error](bool claimed) {
        if (!claimed) {
          try_next_host(self, last_error);
          return;
        }
        self->state.record.host = self->state.record.node = host;
        persist(self);
        try_spawn(self);
      },
      [self](caf::error& err) { fail_build(self, self->system().render(err)); });
}

void try_spawn(self_ptr self) {
  auto& st = self->state;
  st.in_flight = true;
  self
    ->request(st.boot_hosts[st.boot_attempt], st.opts.host_timeout, spawn_dom_atom_v,
              spec_of(st.record))
    .then(
      [self](hypervisor::power_state power) {
        if (take_pending_delete(self))
          return;
        auto& r = self->state.record;
        r.vm_state = vm_state::active;
        r.task_state = task_state::none;
        r.power_state = power_number(power);
        r.launched_us = storage::now_us();
        finish_event(self, true);
        persist(self);
      },
      [self](caf::error& err) {
        auto text = self->system().render(err);
        spdlog::warn("instance {}: spawn on {} failed: {}", self->state.record.uuid,
                     self->state.record.host, text);
        if (!take_pending_delete(self))
          try_next_host(self, text);
      });
}

// The host did what an action asked: record the new state.
void complete_action(self_ptr self, server_action action, hypervisor::power_state power) {
  if (take_pending_delete(self))
    return;
  auto& r = self->state.record;
  r.vm_state = vm_state_after(action);
  r.task_state = task_state::none;
  r.power_state = power_number(power);
  finish_event(self, true);
  persist(self);
}

void fail_action(self_ptr self, const caf::error& err) {
  if (take_pending_delete(self))
    return;
  auto& r = self->state.record;
  spdlog::error("instance {}: {} failed: {}", r.uuid,
                storage::nova_name(self->state.current.action), self->system().render(err));
  r.task_state = task_state::none;
  finish_event(self, false, self->system().render(err));
  persist(self);
}

void run_action(self_ptr self, const action_request& req, const host_actor& host) {
  if (req.action == server_action::delete_server) {
    run_delete(self, host);
    return;
  }
  auto& st = self->state;
  st.in_flight = true;
  auto name = st.record.instance_name;
  auto timeout = st.opts.host_timeout;
  auto done = [self, action = req.action](hypervisor::power_state power) {
    complete_action(self, action, power);
  };
  auto fail = [self](caf::error& err) { fail_action(self, err); };
  if (req.action == server_action::stop)
    self->request(host, timeout, power_off_atom_v, name).then(done, fail);
  else if (req.action == server_action::start)
    self->request(host, timeout, power_on_atom_v, name).then(done, fail);
  else
    self->request(host, timeout, reboot_atom_v, name, req.hard).then(done, fail);
}

// After a restart: bring an instance whose task was in flight to rest.
void resume(self_ptr self, host_actor host) {
  auto& r = self->state.record;
  if (r.task_state == task_state::deleting) {
    if (!self->state.delete_started) // not one already running
      run_delete(self, host);
    return;
  }
  if (r.vm_state == vm_state::building && !r.host.empty() && host) {
    self->state.boot_names = {r.host};
    self->state.boot_hosts = {host};
    self->state.boot_attempt = 0;
    try_spawn(self);
    return;
  }
  if (r.task_state == task_state::none)
    return;
  r.vm_state = r.task_state == task_state::powering_off ? vm_state::stopped : vm_state::active;
  r.power_state = power_number(power_state_at_rest(r.vm_state));
  r.task_state = task_state::none;
  persist(self);
}

instance_actor::behavior_type instance_impl(self_ptr self, storage::instance_record record,
                                            instance_keeper keeper, scheduler_actor scheduler,
                                            instance_options opts) {
  auto& st = self->state;
  st.record = std::move(record);
  st.keeper = std::move(keeper);
  st.scheduler = std::move(scheduler);
  st.opts = opts;
  return {
    [self](caf::get_atom) { return self->state.record; },
    [self](boot_atom, placement& p, std::vector<host_actor>& hosts,
           storage::instance_action& create) {
      // The cell stored the record (placed, spawning) with `create` before
      // spawning this actor: nothing to save before the host call.
      auto& st = self->state;
      st.boot_names = {p.host};
      st.boot_names.insert(st.boot_names.end(), p.alternates.begin(), p.alternates.end());
      st.boot_hosts = std::move(hosts);
      st.boot_attempt = 0;
      st.record.host = st.record.node = p.host;
      st.record.task_state = task_state::spawning;
      st.current = std::move(create);
      try_spawn(self);
    },
    [self](action_atom, const action_request& req, host_actor host) -> caf::result<caf::ok_atom> {
      auto& st = self->state;
      if (req.action == server_action::delete_server
          && st.record.task_state == task_state::deleting) {
        // A delete is under way, or was cut short (its host call failed
        // without an answer, or a restart came before its host rejoined):
        // then this one runs it again.
        if (!st.delete_started)
          run_delete(self, host);
        return caf::ok_atom_v;
      }
      if (auto refusal = check_action(req.action, req.hard, st.record); !refusal.empty())
        return make_error(errc::conflict, refusal);
      st.record.task_state = task_for(req.action, req.hard);
      st.delete_started = req.action == server_action::delete_server;
      begin_action(self, req.action, req.request_id, req.user_id, req.project_id);
      // A delete while a host call is out runs when that call returns.
      bool deferred = req.action == server_action::delete_server && st.in_flight;
      if (deferred) {
        st.delete_after = true;
        st.delete_host = host;
      }
      auto rp = self->make_response_promise<caf::ok_atom>();
      persist(self, [self, rp, req, host, deferred](const caf::error& err) mutable {
        if (err) {
          rp.deliver(err);
          return;
        }
        rp.deliver(caf::ok_atom_v); // durable: the API may answer 202
        if (!deferred)
          run_action(self, req, host);
      });
      return rp;
    },
    [self](reconcile_atom, host_actor host) { resume(self, std::move(host)); },
  };
}

} // namespace

instance_actor spawn_instance(caf::actor_system& sys, storage::instance_record record,
                              instance_keeper keeper, scheduler_actor scheduler,
                              instance_options opts) {
  return sys.spawn(instance_impl, std::move(record), std::move(keeper), std::move(scheduler), opts);
}

} // namespace nimbus::instance
