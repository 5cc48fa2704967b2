// The instance actor: one behavior per phase (diagram in instance_actor.h).
#include "actors/instance/instance_actor.h"

#include <optional>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/instance/instance_states.h"
#include "actors/protocol/errors.h"
#include "storage/clock.h"

namespace nimbus::instance {
namespace {

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
  // Each phase's behavior, made once: become() then copies a handle.
  behavior at_rest = behavior::make_empty_behavior();
  behavior spawning = behavior::make_empty_behavior();
  behavior acting = behavior::make_empty_behavior();
  behavior deleting = behavior::make_empty_behavior();
  static inline const char* name = "instance";
};

using self_ptr = instance_actor::stateful_pointer<instance_state>;

void go(self_ptr self, phase p) {
  auto& st = self->state;
  switch (p) {
  case phase::at_rest:
    return self->become(st.at_rest);
  case phase::spawning:
    return self->become(st.spawning);
  case phase::acting:
    return self->become(st.acting);
  case phase::deleting:
    return self->become(st.deleting);
  }
}

hypervisor::domain_spec spec_of(const storage::instance_record& r) {
  auto& f = r.flavor_copy;
  return {r.instance_name, r.uuid, f.vcpus, f.memory_mb, f.root_gb + f.ephemeral_gb};
}

void finish_event(self_ptr self, bool ok, const std::string& traceback = {}) {
  auto& a = self->state.current;
  if (a.events.empty())
    return;
  auto& ev = a.events.back();
  ev.finish_us = a.updated_us = storage::now_us();
  ev.result = ok ? "Success" : "Error";
  ev.traceback = traceback;
  if (!ok)
    a.message = "Error";
}

// Saves the record and the current action through the cell; `then` runs once
// they are durable, or with the error (the keeper answers within
// store_timeout: instance_keeper's contract).
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

// --- deleting ---------------------------------------------------------------

void finish_delete(self_ptr self) {
  auto& st = self->state;
  self->send(st.scheduler, release_atom_v, st.record.uuid);
  self->request(st.keeper, caf::infinite, forget_atom_v, st.record.uuid)
    .then([self](caf::ok_atom) { self->quit(); },
          [self](caf::error& err) {
            spdlog::error("instance {}: cannot forget: {}", self->state.record.uuid,
                          self->system().render(err));
            go(self, phase::at_rest); // task_state deleting: a later delete retries
          });
}

// Destroys the domain on `host`; the record already says deleting.
void run_delete(self_ptr self, const host_actor& host) {
  auto& st = self->state;
  st.delete_next.reset();
  go(self, phase::deleting);
  if (st.record.host.empty()) // never placed (cell0): nothing to destroy
    return finish_delete(self);
  if (!host) { // its host has not joined (yet): the delete runs when it does
    spdlog::info("instance {}: delete waits for host {}", st.record.uuid, st.record.host);
    return go(self, phase::at_rest);
  }
  self->request(host, st.opts.host_timeout, destroy_atom_v, st.record.instance_name)
    .then([self](caf::ok_atom) { finish_delete(self); },
          [self](caf::error& err) {
            auto& r = self->state.record;
            spdlog::error("instance {}: delete failed: {}", r.uuid, self->system().render(err));
            r.vm_state = vm_state::error;
            r.task_state = task_state::none;
            r.fault = {500, message_of(err), self->system().render(err), storage::now_us()};
            finish_event(self, false, message_of(err));
            persist(self);
            go(self, phase::at_rest);
          });
}

// A host call of spawning or acting returned: a delete accepted meanwhile
// goes first, and what the call did no longer matters.
bool delete_came_first(self_ptr self) {
  auto& next = self->state.delete_next;
  if (!next)
    return false;
  run_delete(self, *next);
  return true;
}

// --- spawning ---------------------------------------------------------------

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
  go(self, phase::at_rest);
}

void try_spawn(self_ptr self);

// Spawning on the current host failed: release its claim and claim on the
// next alternate that still fits.
void try_next_host(self_ptr self, const std::string& last_error) {
  auto& st = self->state;
  self->send(st.scheduler, release_atom_v, st.record.uuid);
  if (++st.boot_attempt >= st.boot_hosts.size())
    return fail_build(self, last_error);
  auto host = st.boot_hosts[st.boot_attempt].name;
  self
    ->request(st.scheduler, st.opts.store_timeout, claim_atom_v, host, st.record.uuid,
              st.record.flavor_copy, false)
    .then(
      [self, host, last_error](bool claimed) {
        if (delete_came_first(self))
          return;
        if (!claimed)
          return try_next_host(self, last_error);
        self->state.record.host = self->state.record.node = host;
        persist(self);
        try_spawn(self);
      },
      [self](caf::error& err) {
        if (!delete_came_first(self))
          fail_build(self, self->system().render(err));
      });
}

void try_spawn(self_ptr self) {
  auto& st = self->state;
  self
    ->request(st.boot_hosts[st.boot_attempt].actor, st.opts.host_timeout, spawn_dom_atom_v,
              spec_of(st.record))
    .then(
      [self](hypervisor::power_state power) {
        if (delete_came_first(self))
          return;
        auto& r = self->state.record;
        r.vm_state = vm_state::active;
        r.task_state = task_state::none;
        r.power_state = power_number(power);
        r.launched_us = storage::now_us();
        finish_event(self, true);
        persist(self);
        go(self, phase::at_rest);
      },
      [self](caf::error& err) {
        auto text = self->system().render(err);
        spdlog::warn("instance {}: spawn on {} failed: {}", self->state.record.uuid,
                     self->state.record.host, text);
        if (!delete_came_first(self))
          try_next_host(self, text);
      });
}

void start_boot(self_ptr self, const placement& p, std::vector<host_actor> hosts,
                storage::instance_action create) {
  // The cell stored the record (placed, spawning) with `create` before
  // spawning this actor: nothing to save before the host call.
  auto& st = self->state;
  // `hosts` are the actors of p.host and then of p.alternates, in order.
  st.boot_hosts.clear();
  for (std::size_t i = 0; i <= p.alternates.size() && i < hosts.size(); ++i)
    st.boot_hosts.push_back({i == 0 ? p.host : p.alternates[i - 1], std::move(hosts[i])});
  st.boot_attempt = 0;
  if (st.boot_hosts.empty())
    return fail_build(self, "no host actor to spawn on");
  st.record.host = st.record.node = p.host;
  st.record.task_state = task_state::spawning;
  st.current = std::move(create);
  go(self, phase::spawning);
  try_spawn(self);
}

// --- acting -----------------------------------------------------------------

void run_action(self_ptr self, const action_request& req, const host_actor& host) {
  auto& st = self->state;
  auto name = st.record.instance_name;
  auto timeout = st.opts.host_timeout;
  auto done = [self, action = req.action](hypervisor::power_state power) {
    if (delete_came_first(self))
      return;
    auto& r = self->state.record;
    r.vm_state = vm_state_after(action);
    r.task_state = task_state::none;
    r.power_state = power_number(power);
    finish_event(self, true);
    persist(self);
    go(self, phase::at_rest);
  };
  auto fail = [self](caf::error& err) {
    if (delete_came_first(self))
      return;
    auto& r = self->state.record;
    spdlog::error("instance {}: {} failed: {}", r.uuid,
                  storage::nova_name(self->state.current.action), self->system().render(err));
    r.task_state = task_state::none;
    finish_event(self, false, self->system().render(err));
    persist(self);
    go(self, phase::at_rest);
  };
  if (req.action == server_action::stop)
    self->request(host, timeout, power_off_atom_v, name).then(done, fail);
  else if (req.action == server_action::start)
    self->request(host, timeout, power_on_atom_v, name).then(done, fail);
  else
    self->request(host, timeout, reboot_atom_v, name, req.hard).then(done, fail);
}

// --- accepting actions ------------------------------------------------------

void reply(caf::typed_response_promise<caf::ok_atom>& rp, const caf::error& err) {
  if (err)
    rp.deliver(err);
  else
    rp.deliver(caf::ok_atom_v);
}

// Marks the action begun on the record; the caller persists it.
void begin(self_ptr self, const action_request& req) {
  auto& st = self->state;
  st.record.task_state = task_for(req.action, req.hard);
  st.current = begin_action(st.record, req.action, req.request_id, req.user_id, req.project_id,
                            storage::now_us());
}

// At rest: records the action as begun, answers once that is durable (the
// API's 202), then does the work.
caf::result<caf::ok_atom> accept_at_rest(self_ptr self, const action_request& req,
                                         const host_actor& host) {
  auto& st = self->state;
  bool is_delete = req.action == server_action::delete_server;
  if (is_delete && st.record.task_state == task_state::deleting) {
    // A delete was cut short (its host call failed without an answer, or a
    // restart came before its host rejoined): this one runs it again.
    run_delete(self, host);
    return caf::ok_atom_v;
  }
  if (auto refusal = check_action(req.action, req.hard, st.record); !refusal.empty())
    return make_error(errc::conflict, refusal);
  auto before = st.record;
  begin(self, req);
  go(self, is_delete ? phase::deleting : phase::acting);
  auto rp = self->make_response_promise<caf::ok_atom>();
  persist(self, [self, rp, req, host, before](const caf::error& err) mutable {
    auto& st = self->state;
    reply(rp, err);
    if (delete_came_first(self)) // a delete arrived while this was saved
      return;
    if (err) { // nothing was started: as if it had not been asked
      st.record = before;
      st.current = {};
      return go(self, phase::at_rest);
    }
    if (req.action == server_action::delete_server)
      run_delete(self, host);
    else
      run_action(self, req, host);
  });
  return rp;
}

// Spawning or acting: only a delete passes check_action through a task; it
// is made durable now and runs when the host call out returns.
caf::result<caf::ok_atom> accept_while_busy(self_ptr self, const action_request& req,
                                            const host_actor& host) {
  auto& st = self->state;
  if (st.delete_next && req.action == server_action::delete_server)
    return caf::ok_atom_v; // joins the delete already waiting
  if (auto refusal = check_action(req.action, req.hard, st.record); !refusal.empty())
    return make_error(errc::conflict, refusal);
  begin(self, req);
  st.delete_next = host;
  auto rp = self->make_response_promise<caf::ok_atom>();
  persist(self, [rp](const caf::error& err) mutable { reply(rp, err); });
  return rp;
}

// Deleting: a second delete joins the first; anything else meets the task.
caf::result<caf::ok_atom> accept_while_deleting(self_ptr self, const action_request& req,
                                                const host_actor&) {
  if (req.action == server_action::delete_server)
    return caf::ok_atom_v;
  return make_error(errc::conflict, check_action(req.action, req.hard, self->state.record));
}

// --- at rest ----------------------------------------------------------------

// After a restart, or when the instance's host (re)joins: bring a task that
// was in flight to rest.
void reconcile(self_ptr self, const host_actor& host) {
  auto& r = self->state.record;
  if (r.task_state == task_state::deleting)
    return run_delete(self, host);
  if (r.vm_state == vm_state::building && !r.host.empty() && host) {
    self->state.boot_hosts = {{r.host, host}};
    self->state.boot_attempt = 0;
    go(self, phase::spawning);
    return try_spawn(self);
  }
  if (r.task_state == task_state::none)
    return;
  r.vm_state = r.task_state == task_state::powering_off ? vm_state::stopped : vm_state::active;
  r.power_state = power_number(power_state_at_rest(r.vm_state));
  r.task_state = task_state::none;
  persist(self);
}

// The behavior of one phase, from what it does with each message.
template <class Boot, class Accept, class Reconcile>
behavior make_phase(self_ptr self, Boot on_boot, Accept on_action, Reconcile on_reconcile) {
  return {
    [self](caf::get_atom) { return self->state.record; },
    [on_boot](boot_atom, placement& p, std::vector<host_actor>& hosts,
              storage::instance_action& create) {
      on_boot(p, std::move(hosts), std::move(create));
    },
    [self, on_action](action_atom, const action_request& req, const host_actor& host) {
      return on_action(self, req, host);
    },
    [on_reconcile](reconcile_atom, const host_actor& host) { on_reconcile(host); },
  };
}

behavior instance_impl(self_ptr self, storage::instance_record record, instance_keeper keeper,
                       scheduler_actor scheduler, instance_options opts) {
  auto& st = self->state;
  st.record = std::move(record);
  st.keeper = std::move(keeper);
  st.scheduler = std::move(scheduler);
  st.opts = opts;
  auto boot = [self](const placement& p, std::vector<host_actor> hosts,
                     storage::instance_action create) {
    start_boot(self, p, std::move(hosts), std::move(create));
  };
  auto ignore_boot = [self](const placement&, const std::vector<host_actor>&,
                            const storage::instance_action&) {
    spdlog::warn("instance {}: boot while busy, ignored", self->state.record.uuid);
  };
  // Busy phases have a host call out; it ends, or times out, on its own.
  auto busy = [](const host_actor&) {};
  st.at_rest = make_phase(self, boot, accept_at_rest,
                          [self](const host_actor& host) { reconcile(self, host); });
  st.spawning = make_phase(self, ignore_boot, accept_while_busy, busy);
  st.acting = make_phase(self, ignore_boot, accept_while_busy, busy);
  st.deleting = make_phase(self, ignore_boot, accept_while_deleting, busy);
  return st.at_rest;
}

} // namespace

instance_actor spawn_instance(caf::actor_system& sys, storage::instance_record record,
                              instance_keeper keeper, scheduler_actor scheduler,
                              instance_options opts) {
  return sys.spawn(instance_impl, std::move(record), std::move(keeper), std::move(scheduler), opts);
}

} // namespace nimbus::instance
