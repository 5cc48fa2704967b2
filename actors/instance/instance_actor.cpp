// The instance actor: one behavior per phase (diagram in instance_actor.h).
#include "actors/instance/instance_actor.h"

#include <caf/actor_system.hpp>
#include <spdlog/spdlog.h>

#include "actors/instance/instance_core.h"
#include "actors/instance/server_update.h"
#include "actors/protocol/errors.h"
#include "storage/ids.h"

namespace nimbus::instance {

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

hypervisor::domain_spec spec_of(const storage::instance_record& r, const storage::flavor& f) {
  hypervisor::domain_spec spec{r.instance_name, r.uuid, f.vcpus, f.memory_mb,
                               f.root_gb + f.ephemeral_gb};
  spec.image_id = r.image_ref;
  auto property = [&r](const char* key) {
    auto it = r.image_properties.find(key);
    return it == r.image_properties.end() ? std::string{} : it->second;
  };
  spec.kernel_id = property("kernel_id");
  spec.ramdisk_id = property("ramdisk_id");
  spec.disk_pool = storage::pool_name_of(r.disk_type);
  for (auto& v : r.vifs)
    spec.interfaces.push_back({v.mac_address, v.bridge, v.vlan, v.port_id});
  return spec;
}
hypervisor::domain_spec spec_of(const storage::instance_record& r) {
  return spec_of(r, r.flavor_copy);
}

void finish_event(self_ptr self, bool ok, const std::string& traceback) {
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

void persist(self_ptr self) {
  persist(self, [self](const caf::error& err) {
    if (err)
      spdlog::error("instance {}: cannot save: {}", self->state.record.uuid,
                    self->system().render(err));
  });
}

// --- deleting ---------------------------------------------------------------

namespace {

void finish_delete(self_ptr self) {
  auto& st = self->state;
  self->send(st.scheduler, release_atom_v, st.record.uuid);
  if (!st.migration.uuid.empty()) // a move's claim on its source goes too
    self->send(st.scheduler, release_atom_v, st.migration.uuid);
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

} // namespace

bool delete_came_first(self_ptr self) {
  auto& next = self->state.delete_next;
  if (!next)
    return false;
  run_delete(self, *next);
  return true;
}

// --- spawning ---------------------------------------------------------------

namespace {

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
              st.record.flavor_copy, st.record.disk_type, false)
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
  auto timeout = st.opts.build_timeout.count() > 0 ? st.opts.build_timeout : st.opts.host_timeout;
  self->request(st.boot_hosts[st.boot_attempt].actor, timeout, spawn_dom_atom_v, spec_of(st.record))
    .then(
      [self](hypervisor::power_state power) {
        self->send(self->state.scheduler, built_atom_v, self->state.record.uuid, true);
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
        self->send(self->state.scheduler, built_atom_v, self->state.record.uuid, false);
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

} // namespace

// --- acting -----------------------------------------------------------------

// As Nova's reverts_task_state and wrap_instance_fault.
void fail_action(self_ptr self, const caf::error& err) {
  if (delete_came_first(self))
    return;
  auto& st = self->state;
  auto& r = st.record;
  auto text = self->system().render(err);
  spdlog::error("instance {}: {} failed: {}", r.uuid, storage::nova_name(st.current.action), text);
  if (st.current.action == server_action::unshelve && r.vm_state == vm_state::shelved_offloaded) {
    self->send(st.scheduler, built_atom_v, r.uuid, false);
    self->send(st.scheduler, release_atom_v, r.uuid); // back off the host claimed for it
    r.host.clear();
    r.node.clear();
  }
  r.task_state = task_state::none;
  auto message = message_of(err);
  r.fault = {code_of(err) == errc::unsupported ? 501 : 500, message.empty() ? text : message, text,
             storage::now_us()};
  finish_event(self, false, text);
  persist(self);
  go(self, phase::at_rest);
}

namespace {

void offload(self_ptr self, const host_actor& host);

// A host call of an action returned: the instance rests where the rule says.
void finish_action(self_ptr self, const action_request& req, hypervisor::power_state power,
                   const host_actor& host) {
  if (delete_came_first(self))
    return;
  auto& st = self->state;
  auto& r = st.record;
  r.vm_state = vm_state_after(req.action, r.vm_state);
  if (req.action == server_action::rebuild) // a stopped server stays stopped
    r.vm_state = power == hypervisor::power_state::shutdown ? vm_state::stopped : vm_state::active;
  r.task_state = task_state::none;
  r.power_state = power_number(power);
  if (req.action == server_action::change_password)
    r.admin_pass = req.admin_pass;
  if (req.action == server_action::unshelve) {
    r.launched_us = storage::now_us();
    self->send(st.scheduler, built_atom_v, r.uuid, true);
  }
  finish_event(self, true);
  if (req.action == server_action::shelve && st.opts.shelved_offload_time.count() == 0)
    return offload(self, host); // Nova's shelved_offload_time = 0: off the host at once
  persist(self);
  go(self, phase::at_rest);
}

// Takes a shelved server off its host: the domain goes, then the claim.
void offload(self_ptr self, const host_actor& host) {
  auto& st = self->state;
  st.record.task_state = task_state::shelving_offloading;
  if (st.current.action != server_action::shelve_offload) { // within the shelve action
    storage::action_event ev;
    ev.event = event_for(server_action::shelve_offload);
    ev.start_us = storage::now_us();
    ev.host = st.record.host;
    st.current.events.push_back(std::move(ev));
  }
  persist(self);
  go(self, phase::acting);
  self->request(host, st.opts.host_timeout, destroy_atom_v, st.record.instance_name)
    .then(
      [self](caf::ok_atom) {
        if (delete_came_first(self))
          return;
        auto& st = self->state;
        auto& r = st.record;
        self->send(st.scheduler, release_atom_v, r.uuid);
        r.host.clear();
        r.node.clear();
        r.vm_state = vm_state::shelved_offloaded;
        r.task_state = task_state::none;
        r.power_state = power_number(hypervisor::power_state::nostate);
        finish_event(self, true);
        persist(self);
        go(self, phase::at_rest);
      },
      [self](caf::error& err) { fail_action(self, err); });
}

// Rebuild: the domain is destroyed and spawned again from the record (its
// new image), then powered off if the server was stopped.
template <class Done, class Fail>
void rebuild_on(self_ptr self, const host_actor& host, bool stay_off, Done done, Fail fail) {
  auto timeout = self->state.opts.host_timeout;
  auto name = self->state.record.instance_name;
  self->request(host, timeout, destroy_atom_v, name)
    .then(
      [self, host, timeout, name, stay_off, done, fail](caf::ok_atom) {
        self->request(host, timeout, spawn_dom_atom_v, spec_of(self->state.record))
          .then(
            [self, host, timeout, name, stay_off, done, fail](hypervisor::power_state power) {
              if (!stay_off)
                return done(power);
              self->request(host, timeout, domain_op_atom_v, hypervisor::domain_op::power_off, name)
                .then(done, fail);
            },
            fail);
      },
      fail);
}

hypervisor::chain_op chain_op_for(server_action action) {
  switch (action) {
  case server_action::revert_snapshot:
    return hypervisor::chain_op::revert;
  case server_action::delete_snapshot:
    return hypervisor::chain_op::remove;
  case server_action::create_image:
  case server_action::create_backup:
    return hypervisor::chain_op::export_image;
  default:
    return hypervisor::chain_op::create;
  }
}

// A call on the snapshot chain: the record takes the chain the host answers.
template <class Done, class Fail>
void run_chain_call_on(self_ptr self, const action_request& req, const host_actor& host, Done done,
                       Fail fail) {
  auto& r = self->state.record;
  // A merge rewrites a whole layer (qemu-img): minutes for a large disk.
  auto timeout = std::max<caf::timespan>(
    std::max<caf::timespan>(self->state.opts.build_timeout, self->state.opts.host_timeout),
    std::chrono::minutes(10));
  storage::snapshot_point made{req.snapshot_id, req.snapshot_name, storage::now_us(), 0};
  self
    ->request(host, timeout, snapshot_atom_v, chain_op_for(req.action), r.instance_name,
              req.snapshot_id, req.export_path)
    .then(
      [self, made, done](std::vector<hypervisor::chain_point>& chain) {
        auto& r = self->state.record;
        r.snapshots = chain_after(r.snapshots, chain, made);
        // A revert of a running guest restarts it: it runs again.
        done(static_cast<hypervisor::power_state>(r.power_state));
      },
      [self, host, made, timeout, fail](caf::error& err) {
        // The call may have done part of its work (or all of it, unanswered):
        // the record takes the chain the host has now, then the fault.
        self
          ->request(host, timeout, snapshot_atom_v, hypervisor::chain_op::list,
                    self->state.record.instance_name, std::string{}, std::string{})
          .then(
            [self, made, err, fail](std::vector<hypervisor::chain_point>& chain) mutable {
              auto& r = self->state.record;
              r.snapshots = chain_after(r.snapshots, chain, made);
              fail(err);
            },
            [err, fail](caf::error&) mutable { fail(err); });
      });
}

// The same, and an export (createImage) tells the API cell how it ended; a host with no
// disk to write (errc::unsupported) makes an image without data.
template <class Done, class Fail>
void run_chain_call(self_ptr self, const action_request& req, const host_actor& host, Done done,
                    Fail fail) {
  if (chain_op_for(req.action) == hypervisor::chain_op::export_image) {
    auto tell = [self, req](const std::string& path, const std::string& error) {
      self->send(self->state.keeper, image_saved_atom_v, req.image_ref, path, error);
    };
    auto exported = [tell, path = req.export_path, done](hypervisor::power_state power) {
      tell(path, "");
      done(power);
    };
    auto failed = [self, tell, path = req.export_path, fail, done](caf::error& err) mutable {
      if (code_of(err) == errc::unsupported) {
        tell("", "");
        return done(static_cast<hypervisor::power_state>(self->state.record.power_state));
      }
      tell(path, self->system().render(err)); // whatever the host left there goes
      fail(err);
    };
    return run_chain_call_on(self, req, host, exported, failed);
  }
  run_chain_call_on(self, req, host, done, fail);
}
void run_action(self_ptr self, const action_request& req, const host_actor& host) {
  auto& st = self->state;
  auto& rule = action_rule_for(req.action, req.hard);
  auto name = st.record.instance_name;
  auto timeout = st.opts.host_timeout;
  auto done = [self, req, host](hypervisor::power_state power) {
    finish_action(self, req, power, host);
  };
  auto fail = [self](caf::error& err) { fail_action(self, err); };
  if (req.action == server_action::unshelve && st.record.vm_state == vm_state::shelved_offloaded) {
    self->request(host, timeout, spawn_dom_atom_v, spec_of(st.record)).then(done, fail);
    return;
  }
  switch (rule.call) {
  case host_call::domain_op:
    self->request(host, timeout, domain_op_atom_v, rule.op, name).then(done, fail);
    return;
  case host_call::set_password:
    self->request(host, timeout, password_atom_v, name, std::string{"root"}, req.admin_pass)
      .then([done](caf::ok_atom) { done(hypervisor::power_state::running); }, fail);
    return;
  case host_call::destroy: // shelveOffload (a delete runs run_delete)
    offload(self, host);
    return;
  case host_call::rebuild:
    rebuild_on(self, host, st.record.vm_state == vm_state::stopped, done, fail);
    return;
  case host_call::chain:
    run_chain_call(self, req, host, done, fail);
    return;
  case host_call::spawn:
  case host_call::none:
  case host_call::move: // accept_move's
    break;
  }
  fail_action(self, make_error(errc::internal, "no host call for this action"));
}

} // namespace

// --- accepting actions ------------------------------------------------------

void reply(caf::typed_response_promise<caf::ok_atom>& rp, const caf::error& err) {
  if (err)
    rp.deliver(err);
  else
    rp.deliver(caf::ok_atom_v);
}

void begin(self_ptr self, const action_request& req) {
  auto& st = self->state;
  st.record.task_state = task_for(req.action, req.hard);
  st.current = begin_action(st.record, req.action, req.request_id, req.user_id, req.project_id,
                            storage::now_us());
}

caf::error refused_by_lock(const action_request& req, const storage::instance_record& r) {
  if (auto locked = check_lock(req.action, r, req.is_admin); !locked.empty())
    return make_error(errc::conflict, locked);
  if (req.action == server_action::unlock && !may_unlock(r, req.is_admin))
    return make_error(errc::forbidden,
                      "Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override "
                      "to be performed.");
  return {};
}

namespace {

// lock, unlock, resetState: the record changes, nothing runs on the host.
// Allowed in every phase (resetState exists to unstick a server).
caf::result<caf::ok_atom> change_record(self_ptr self, const action_request& req) {
  auto& r = self->state.record;
  auto before = r;
  switch (req.action) {
  case server_action::lock:
    r.locked = true;
    r.locked_by = req.project_id == r.project_id ? "owner" : "admin";
    r.locked_reason = req.locked_reason;
    break;
  case server_action::unlock:
    r.locked = false;
    r.locked_by.clear();
    r.locked_reason.clear();
    break;
  case server_action::reset_state:
    r.vm_state = req.reset_to;
    r.task_state = task_state::none;
    break;
  default:
    break;
  }
  std::vector<storage::instance_action> actions{
    begin_action(r, req.action, req.request_id, req.user_id, req.project_id, storage::now_us())};
  auto rp = self->make_response_promise<caf::ok_atom>();
  persist_with(self, std::move(actions), [self, rp, before](const caf::error& err) mutable {
    if (err)
      self->state.record = before;
    reply(rp, err);
  });
  return rp;
}

// At rest: records the action as begun, answers once that is durable (the
// API's 202), then does the work.
// A delete soft-deletes while reclaim_instance_interval is set, unless it is
// forced or the server has no domain to keep (never placed, offloaded).
action_request soft_if_deferred(const instance_state& st, const action_request& req) {
  auto& r = st.record;
  if (req.action != server_action::delete_server || req.hard
      || st.opts.reclaim_instance_interval.count() <= 0 || r.host.empty()
      || r.task_state != task_state::none || r.vm_state == vm_state::soft_deleted
      || !check_action(server_action::soft_delete, false, r).empty())
    return req;
  auto soft = req;
  soft.action = server_action::soft_delete;
  return soft;
}

// Records the action as begun and, once that is durable, answers (`answer`)
// and does the work. `before` is the record to go back to if the save fails.
template <class Answer>
void start_action(self_ptr self, const action_request& req, const host_actor& host,
                  const storage::instance_record& before, Answer answer) {
  begin(self, req);
  go(self, req.action == server_action::delete_server ? phase::deleting : phase::acting);
  persist(self, [self, answer, req, host, before](const caf::error& err) mutable {
    auto& st = self->state;
    answer(err);
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
}

// A createBackup of rotation 0 makes no image (the old ones go): it is
// recorded, nothing runs on the host.
bool without_image(const action_request& req) {
  return (req.action == server_action::create_image || req.action == server_action::create_backup)
         && req.export_path.empty();
}

// A revert, a merge or an image of a point names a point the server has.
caf::error refused_point(const action_request& req, const storage::instance_record& r) {
  bool names_one = req.action == server_action::revert_snapshot
                   || req.action == server_action::delete_snapshot
                   || (req.action == server_action::create_image && !req.snapshot_id.empty());
  if (!names_one)
    return {};
  for (auto& p : r.snapshots)
    if (p.id == req.snapshot_id)
      return {};
  return make_error(errc::not_found, "Snapshot " + req.snapshot_id + " could not be found.");
}

caf::result<caf::ok_atom> accept_at_rest(self_ptr self, const action_request& asked,
                                         const host_actor& host) {
  auto& st = self->state;
  auto req = soft_if_deferred(st, asked);
  bool is_delete = req.action == server_action::delete_server;
  if (auto err = refused_by_lock(req, st.record))
    return err;
  if (is_delete && st.record.task_state == task_state::deleting) {
    // A delete was cut short (its host call failed without an answer, or a
    // restart came before its host rejoined): this one runs it again.
    run_delete(self, host);
    return caf::ok_atom_v;
  }
  if (auto err = refused_point(req, st.record)) // a point that is not: 404 before any 409
    return err;
  if (auto refusal = check_action(req.action, req.hard, st.record); !refusal.empty())
    return make_error(errc::conflict, refusal);
  if (action_rule_for(req.action, req.hard).call == host_call::none || without_image(req))
    return change_record(self, req);
  if (action_rule_for(req.action, req.hard).call == host_call::move)
    return make_error(errc::internal, "a move comes with its migration (migrate_atom)");
  auto before = st.record;
  if (req.action == server_action::unshelve && st.record.vm_state == vm_state::shelved_offloaded) {
    if (req.host.empty() || !host) // the cell claims a host before it asks
      return make_error(errc::internal, "unshelve of an offloaded server without a host");
    st.record.host = st.record.node = req.host;
  }
  if (req.action == server_action::rebuild) { // the new image, name, ... from now on
    if (auto err = apply_update(req.fields, st.record)) {
      st.record = before;
      return err;
    }
    st.record.image_ref = req.image_ref;
    if (!req.admin_pass.empty())
      st.record.admin_pass = req.admin_pass;
  }
  auto rp = self->make_response_promise<caf::ok_atom>();
  start_action(self, req, host, before, [rp](const caf::error& err) mutable { reply(rp, err); });
  return rp;
}

// A stop the power-state sync asks for itself (Nova's sync calls its stop
// API): recorded as a stop action of the server's owner, with no one to
// answer.
void stop_for_sync(self_ptr self, const host_actor& host, const storage::instance_record& before) {
  auto& r = self->state.record;
  auto req = make_action(r.uuid, server_action::stop, false, "req-" + storage::random_uuid(),
                         r.user_id, r.project_id);
  req.is_admin = true;
  start_action(self, req, host, before, [](const caf::error&) {});
}

// The power state the instance's host saw (sync_power_state_interval).
void power_sync(self_ptr self, hypervisor::power_state seen, std::int64_t seen_us,
                const host_actor& host) {
  auto& st = self->state;
  // Read before the record last changed (an action that ended meanwhile):
  // the host's word is older than the record's.
  if (seen_us < st.record.updated_us)
    return;
  auto plan = plan_power_sync(st.record, seen);
  if (!plan.record && !plan.stop)
    return;
  auto before = st.record;
  spdlog::info("instance {}: its host sees power state {} (the record says {}){}", st.record.uuid,
               power_number(seen), st.record.power_state,
               plan.stop ? ": stopping it, as the record has it now" : "");
  st.record.power_state = power_number(seen);
  if (plan.stop && host)
    return stop_for_sync(self, host, before);
  persist(self);
}

// Spawning or acting: a delete is made durable now and runs when the host
// call out returns; lock, unlock and resetState change the record; anything
// else meets the task in flight.
caf::result<caf::ok_atom> accept_while_busy(self_ptr self, const action_request& req,
                                            const host_actor& host) {
  auto& st = self->state;
  if (st.delete_next && req.action == server_action::delete_server)
    return caf::ok_atom_v; // joins the delete already waiting
  if (auto err = refused_by_lock(req, st.record))
    return err;
  if (action_rule_for(req.action, req.hard).call == host_call::none) {
    if (auto refusal = check_action(req.action, req.hard, st.record); !refusal.empty())
      return make_error(errc::conflict, refusal);
    return change_record(self, req);
  }
  if (req.action != server_action::delete_server)
    return make_error(errc::conflict,
                      invalid_state_message(std::string(storage::nova_name(req.action)),
                                            st.record.uuid, "task_state",
                                            std::string(storage::nova_name(st.record.task_state))));
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
  return make_error(errc::conflict,
                    invalid_state_message(std::string(storage::nova_name(req.action)),
                                          self->state.record.uuid, "task_state",
                                          std::string(storage::nova_name(task_state::deleting))));
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
  if (r.task_state == task_state::unshelving && r.vm_state == vm_state::shelved_offloaded
      && !r.host.empty() && host) { // spawning on the host claimed for it: again (idempotent)
    action_request again;
    again.action = server_action::unshelve;
    go(self, phase::acting);
    return run_action(self, again, host);
  }
  if (r.task_state == task_state::none)
    return;
  r.vm_state = vm_state_after_restart(r.task_state, r.vm_state);
  r.power_state = power_number(power_state_at_rest(r.vm_state));
  r.task_state = task_state::none;
  persist(self);
}

// A change to the server's own fields: applied, saved, answered with the
// record once durable.
caf::result<storage::instance_record> update(self_ptr self, const server_update& u) {
  auto& st = self->state;
  auto before = st.record;
  if (auto err = apply_update(u, st.record))
    return err;
  auto rp = self->make_response_promise<storage::instance_record>();
  persist_with(self, {}, [self, rp, before](const caf::error& err) mutable {
    if (err) {
      self->state.record = before;
      rp.deliver(err);
      return;
    }
    rp.deliver(self->state.record);
  });
  return rp;
}

// A move asked while a task is out, or while deleting: the task is in the way.
caf::result<caf::ok_atom> refuse_move(self_ptr self, const action_request& req,
                                      const storage::migration&, const host_actor&,
                                      const host_actor&) {
  auto& r = self->state.record;
  auto task = r.task_state == task_state::none ? task_state::deleting : r.task_state;
  return make_error(errc::conflict,
                    invalid_state_message(std::string(storage::nova_name(req.action)), r.uuid,
                                          "task_state", std::string(storage::nova_name(task))));
}

// The behavior of one phase, from what it does with each message.
template <class Boot, class Accept, class Move, class Reconcile, class Sync>
behavior make_phase(self_ptr self, Boot on_boot, Accept on_action, Move on_move,
                    Reconcile on_reconcile, Sync on_power_sync) {
  return {
    [self](caf::get_atom) { return self->state.record; },
    [on_boot](boot_atom, placement& p, std::vector<host_actor>& hosts,
              storage::instance_action& create) {
      on_boot(p, std::move(hosts), std::move(create));
    },
    [self, on_action](action_atom, const action_request& req, const host_actor& host) {
      return on_action(self, req, host);
    },
    [self, on_move](migrate_atom, const action_request& req, const storage::migration& m,
                    const host_actor& source,
                    const host_actor& dest) { return on_move(self, req, m, source, dest); },
    [on_reconcile](reconcile_atom, const host_actor& host) { on_reconcile(host); },
    [on_power_sync](power_sync_atom, hypervisor::power_state seen, std::int64_t seen_us,
                    const host_actor& host) { on_power_sync(seen, seen_us, host); },
    [self](update_atom, const server_update& u) { return update(self, u); },
  };
}

behavior instance_impl(self_ptr self, storage::instance_record record, instance_keeper keeper,
                       scheduler_actor scheduler, instance_options opts) {
  auto& st = self->state;
  st.record = std::move(record);
  st.keeper = std::move(keeper);
  st.scheduler = std::move(scheduler);
  st.opts = std::move(opts);
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
  // A sync seen while a task is out would race the task's own result.
  auto sync_later = [](hypervisor::power_state, std::int64_t, const host_actor&) {};
  st.at_rest = make_phase(
    self, boot, accept_at_rest, accept_move,
    [self](const host_actor& host) { reconcile(self, host); },
    [self](hypervisor::power_state seen, std::int64_t seen_us, const host_actor& host) {
      power_sync(self, seen, seen_us, host);
    });
  st.spawning = make_phase(self, ignore_boot, accept_while_busy, refuse_move, busy, sync_later);
  st.acting = make_phase(self, ignore_boot, accept_while_busy, refuse_move, busy, sync_later);
  st.deleting = make_phase(self, ignore_boot, accept_while_deleting, refuse_move, busy, sync_later);
  return st.at_rest;
}

} // namespace

instance_actor spawn_instance(caf::actor_system& sys, storage::instance_record record,
                              instance_keeper keeper, scheduler_actor scheduler,
                              instance_options opts) {
  return sys.spawn(instance_impl, std::move(record), std::move(keeper), std::move(scheduler), opts);
}

} // namespace nimbus::instance
