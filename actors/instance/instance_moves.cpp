// Moves between hosts: resize and cold migration (then confirmResize or
// revertResize), live migration and evacuation.
//
// The cell conductor has made the migration and moved the claims before it
// asks (the scheduler's move_atom: the instance claims the destination, the
// migration holds the source). The instance does the host calls, keeps the
// migration's status and settles the claims as the move ends: release of the
// migration's claim when the source is let go (confirm, live migration,
// evacuation), revert_atom when the move is undone or fails.
//
// A cold move writes the disk out on its source (carry_disk: one standalone
// qcow2 in the move folder), destroys the domain there and defines it anew
// on its destination with that disk (on the same host too, a same-host
// resize); a revert does the reverse with the old flavor. A live migration
// does the same, the guest restarted rather than moved live (it starts on
// its destination before the source's domain goes). Hosts without disks
// skip the copy.
#include <filesystem>

#include <spdlog/spdlog.h>

#include "actors/instance/instance_core.h"
#include "actors/protocol/errors.h"

namespace nimbus::instance {
namespace {

using storage::migration_status;
using storage::migration_type;

// A move failed: the claims go back to the source, the migration ends in
// error (an evacuation: failed), the task is cleared and the fault recorded.
// A cold move or an evacuation that failed after the source's domain went
// leaves the server in ERROR (a hard reboot or a rebuild brings it back).
void fail_move(self_ptr self, const caf::error& err, bool domain_lost) {
  auto& st = self->state;
  auto& m = st.migration;
  if (!m.uuid.empty()) {
    self->send(st.scheduler, revert_atom_v, st.record.uuid, m.uuid);
    m.status = m.migration_type == migration_type::evacuation ? migration_status::failed
                                                              : migration_status::error;
  }
  if (domain_lost)
    st.record.vm_state = vm_state::error;
  fail_action(self, err);
}

// The move's host calls all answered: the server rests on `host`.
void settle(self_ptr self, const std::string& host, vm_state vm, hypervisor::power_state power,
            migration_status status) {
  auto& r = self->state.record;
  r.host = r.node = host;
  r.vm_state = vm;
  r.task_state = task_state::none;
  r.power_state = power_number(power);
  self->state.migration.status = status;
  finish_event(self, true);
  persist(self);
  go(self, phase::at_rest);
}

// Spawns `spec` on `host`, powered off afterwards when `stay_off`; then
// `done(power)`, or `fail(err)`.
template <class Done, class Fail>
void spawn_on(self_ptr self, const host_actor& host, const hypervisor::domain_spec& spec,
              bool stay_off, Done done, Fail fail) {
  auto timeout = self->state.opts.host_timeout;
  self->request(host, timeout, spawn_dom_atom_v, spec)
    .then(
      [self, host, timeout, name = spec.name, stay_off, done, fail](hypervisor::power_state power) {
        if (!stay_off)
          return done(power);
        self->request(host, timeout, domain_op_atom_v, hypervisor::domain_op::power_off, name)
          .then(done, fail);
      },
      fail);
}

// The guest on `host` as it was before a move that shut it off (carry_disk)
// and then failed: started again, paused again if it was; a stopped one
// stays off. Then `then()`, whatever the host answers.
template <class Then>
void restore_guest(self_ptr self, const host_actor& host, Then then) {
  auto& st = self->state;
  if (st.record.vm_state == vm_state::stopped)
    return then();
  bool paused = st.record.vm_state == vm_state::paused;
  auto name = st.record.instance_name;
  auto timeout = st.opts.host_timeout;
  self->request(host, timeout, domain_op_atom_v, hypervisor::domain_op::power_on, name)
    .then(
      [self, host, timeout, name, paused, then](hypervisor::power_state) {
        if (!paused)
          return then();
        self->request(host, timeout, domain_op_atom_v, hypervisor::domain_op::pause, name)
          .then([then](hypervisor::power_state) { then(); }, [then](caf::error&) { then(); });
      },
      [then](caf::error&) { then(); });
}

// The disk follows the move: `from` writes it out (one standalone qcow2 in
// the move folder) for the next domain to take as its root disk
// (spec.root_from); then `then(spec)`. A host without disks (errc::
// unsupported), or no move folder: the spec as it is. Any other failure:
// `fail`, with the domain still where it was.
template <class Then, class Fail>
void carry_disk(self_ptr self, const host_actor& from, hypervisor::domain_spec spec, Then then,
                Fail fail) {
  auto& st = self->state;
  if (st.opts.move_dir.empty())
    return then(spec);
  std::error_code ec;
  std::filesystem::create_directories(st.opts.move_dir, ec);
  auto path = st.opts.move_dir + "/" + st.record.uuid + "." + st.migration.uuid + ".qcow2";
  // The guest is shut off first, as Nova's migrate_disk_and_power_off: what
  // it writes after the copy would be lost. Writing a whole disk out takes
  // minutes for a large one.
  auto name = st.record.instance_name;
  auto timeout = std::max<caf::timespan>(st.opts.host_timeout, std::chrono::minutes(10));
  auto write_out = [self, from, name, timeout, spec, path, then, fail](hypervisor::power_state) {
    self
      ->request(from, timeout, snapshot_atom_v, hypervisor::chain_op::export_image, name,
                std::string{}, path)
      .then(
        [spec, path, then](std::vector<hypervisor::chain_point>&) mutable {
          spec.root_from = path;
          then(spec);
        },
        [self, from, spec, then, fail](caf::error& err) mutable {
          if (code_of(err) == errc::unsupported)
            return then(spec);
          restore_guest(self, from, [err, fail] {
            auto e = err;
            fail(e);
          });
        });
  };
  self
    ->request(from, st.opts.host_timeout, domain_op_atom_v, hypervisor::domain_op::power_off, name)
    .then(write_out, fail);
}

// A cold move's second half: off the source, onto the destination.
void leave_source(self_ptr self, const storage::flavor& flavor,
                  const hypervisor::domain_spec& spec) {
  auto& st = self->state;
  bool stay_off = st.migration.old_vm_state == vm_state::stopped;
  auto dest = st.move_dest;
  auto lost = [self](caf::error& err) { fail_move(self, err, true); };
  self->request(st.move_source, st.opts.host_timeout, destroy_atom_v, st.record.instance_name)
    .then(
      [self, spec, dest, stay_off, flavor, lost](caf::ok_atom) {
        if (delete_came_first(self))
          return;
        self->state.record.task_state = task_state::resize_finish;
        self->state.migration.status = migration_status::post_migrating;
        spawn_on(
          self, dest, spec, stay_off,
          [self, flavor](hypervisor::power_state power) {
            if (delete_came_first(self))
              return;
            auto& r = self->state.record;
            r.old_flavor = r.flavor_copy;
            r.flavor_copy = flavor;
            settle(self, self->state.migration.dest_compute, vm_state::resized, power,
                   migration_status::finished);
          },
          lost);
      },
      [self](caf::error& err) { fail_move(self, err, false); });
}

// resize, migrate: the disk written out, off the source, onto the
// destination (with the new flavor and the disk), then resized until
// confirmed or reverted.
void run_cold_move(self_ptr self, const storage::flavor& flavor) {
  auto& st = self->state;
  st.record.task_state = task_state::resize_migrating;
  st.migration.status = migration_status::migrating;
  carry_disk(
    self, st.move_source, spec_of(st.record, flavor),
    [self, flavor](const hypervisor::domain_spec& spec) { leave_source(self, flavor, spec); },
    [self](caf::error& err) { fail_move(self, err, false); });
}

vm_state before_the_move(const storage::migration& m) {
  return m.old_vm_state == vm_state::stopped ? vm_state::stopped : vm_state::active;
}

// confirmResize: the source's claim goes (its domain went with the move).
void run_confirm(self_ptr self) {
  auto& st = self->state;
  self->send(st.scheduler, release_atom_v, st.migration.uuid);
  st.record.old_flavor = {};
  auto power = static_cast<hypervisor::power_state>(st.record.power_state);
  settle(self, st.record.host, before_the_move(st.migration), power, migration_status::confirmed);
}

// revertResize: off the destination, back onto the source with the old
// flavor, and the claims as they were before the move.
void run_revert(self_ptr self) {
  auto& st = self->state;
  auto spec = spec_of(st.record, st.record.old_flavor);
  bool stay_off = st.migration.old_vm_state == vm_state::stopped;
  auto source = st.move_source;
  // A revert that fails leaves the claims as they are: the server is in
  // ERROR on whichever host has it, and its delete frees both.
  auto failed = [self](caf::error& err) {
    self->state.migration.status = migration_status::error;
    self->state.record.vm_state = vm_state::error;
    fail_action(self, err);
  };
  auto back = [self, source, stay_off, failed](const hypervisor::domain_spec& spec) {
    auto& st = self->state;
    self->request(st.move_dest, st.opts.host_timeout, destroy_atom_v, st.record.instance_name)
      .then(
        [self, spec, source, stay_off, failed](caf::ok_atom) {
          if (delete_came_first(self))
            return;
          spawn_on(
            self, source, spec, stay_off,
            [self](hypervisor::power_state power) {
              if (delete_came_first(self))
                return;
              auto& st = self->state;
              self->send(st.scheduler, revert_atom_v, st.record.uuid, st.migration.uuid);
              st.record.flavor_copy = st.record.old_flavor;
              st.record.old_flavor = {};
              settle(self, st.migration.source_compute, before_the_move(st.migration), power,
                     migration_status::reverted);
            },
            failed);
        },
        failed);
  };
  carry_disk(self, st.move_dest, spec, back, failed);
}

// os-migrateLive: the domain starts on the destination (paused again if it
// was), then leaves the source.
void run_live(self_ptr self) {
  auto& st = self->state;
  st.migration.status = migration_status::running;
  bool paused = st.record.vm_state == vm_state::paused;
  auto dest = st.move_dest;
  auto source = st.move_source;
  auto timeout = st.opts.host_timeout;
  auto name = st.record.instance_name;
  auto fail = [self](caf::error& err) { fail_move(self, err, false); };
  // After the copy the source is off: a failure on the destination starts
  // it again where it was, then fails the move.
  auto back_on_source = [self, source](caf::error& err) {
    restore_guest(self, source, [self, err] { fail_move(self, err, false); });
  };
  auto leave_source = [self, source, timeout, name, fail](hypervisor::power_state power) {
    self->request(source, timeout, destroy_atom_v, name)
      .then(
        [self, power](caf::ok_atom) {
          if (delete_came_first(self))
            return;
          auto& st = self->state;
          self->send(st.scheduler, release_atom_v, st.migration.uuid);
          settle(self, st.migration.dest_compute, st.record.vm_state, power,
                 migration_status::completed);
        },
        fail);
  };
  auto start_on_dest = [self, dest, timeout, name, paused, leave_source,
                        back_on_source](const hypervisor::domain_spec& spec) {
    self->request(dest, timeout, spawn_dom_atom_v, spec)
      .then(
        [self, dest, timeout, name, paused, leave_source,
         back_on_source](hypervisor::power_state power) {
          if (!paused)
            return leave_source(power);
          self->request(dest, timeout, domain_op_atom_v, hypervisor::domain_op::pause, name)
            .then(leave_source, back_on_source);
        },
        back_on_source);
  };
  carry_disk(self, source, spec_of(st.record), start_on_dest, fail);
}

// evacuate: its host is down, so the domain is made anew on the
// destination (stopped there from 2.95); the dead host's claim goes.
void run_evacuate(self_ptr self, bool stay_stopped) {
  auto& st = self->state;
  spawn_on(
    self, st.move_dest, spec_of(st.record), stay_stopped,
    [self, stay_stopped](hypervisor::power_state power) {
      if (delete_came_first(self))
        return;
      auto& st = self->state;
      self->send(st.scheduler, release_atom_v, st.migration.uuid);
      st.record.snapshots.clear(); // they were on the dead host's disk
      settle(self, st.migration.dest_compute, stay_stopped ? vm_state::stopped : vm_state::active,
             power, migration_status::done);
    },
    [self](caf::error& err) { fail_move(self, err, true); });
}

void run_move(self_ptr self, const action_request& req) {
  switch (req.action) {
  case server_action::resize:
    return run_cold_move(self, req.flavor);
  case server_action::migrate:
    return run_cold_move(self, self->state.record.flavor_copy);
  case server_action::confirm_resize:
    return run_confirm(self);
  case server_action::revert_resize:
    return run_revert(self);
  case server_action::live_migration:
    return run_live(self);
  case server_action::evacuate:
    return run_evacuate(self, req.stay_stopped);
  default:
    fail_action(self, make_error(errc::internal, "not a move"));
  }
}

// Where the migration stands once the request is accepted.
migration_status accepted_status(server_action action, migration_status made) {
  switch (action) {
  case server_action::confirm_resize:
    return migration_status::confirming;
  case server_action::revert_resize:
    return migration_status::reverting;
  default:
    return made; // as the cell made it
  }
}

} // namespace

caf::result<caf::ok_atom> accept_move(self_ptr self, const action_request& req,
                                      const storage::migration& m, const host_actor& source,
                                      const host_actor& dest) {
  auto& st = self->state;
  if (auto err = refused_by_lock(req, st.record))
    return err;
  if (auto refusal = check_action(req.action, false, st.record); !refusal.empty())
    return make_error(errc::conflict, refusal);
  if (action_rule_for(req.action, false).call != host_call::move)
    return make_error(errc::internal, "not a move");
  // An evacuation leaves a dead host: it needs none of it.
  if (!dest || (!source && req.action != server_action::evacuate))
    return make_error(errc::unavailable, "a host of the move has not joined");
  auto before = st.record;
  begin(self, req);
  st.migration = m;
  st.migration.status = accepted_status(req.action, m.status);
  st.move_source = source;
  st.move_dest = dest;
  go(self, phase::acting);
  auto rp = self->make_response_promise<caf::ok_atom>();
  persist(self, [self, rp, req, before, m](const caf::error& err) mutable {
    auto& st = self->state;
    reply(rp, err);
    if (delete_came_first(self))
      return;
    if (err) { // nothing was started: as if it had not been asked
      st.record = before;
      st.current = {};
      st.migration =
        req.action == server_action::confirm_resize || req.action == server_action::revert_resize
          ? m
          : storage::migration{};
      return go(self, phase::at_rest);
    }
    run_move(self, req);
  });
  return rp;
}

} // namespace nimbus::instance
