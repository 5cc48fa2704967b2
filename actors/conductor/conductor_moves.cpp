// The cell's side of moves between hosts: what Nova's API and conductor
// check before a move, the migration record, and the claims on the
// destination (the scheduler's move_atom), before the instance moves.
#include <spdlog/spdlog.h>

#include "actors/conductor/conductor_core.h"
#include "actors/instance/instance_states.h"
#include "actors/protocol/errors.h"
#include "storage/clock.h"
#include "storage/ids.h"

namespace nimbus::conductor {
namespace {

caf::error bad_request(std::string text) { return make_error(errc::bad_request, std::move(text)); }

// What Nova's API refuses about a move before anything is claimed (400s,
// and 404 for an evacuation's unknown host).
caf::error refused_move(self_ptr self, const action_request& req,
                        const storage::instance_record& r) {
  auto& st = self->state;
  using instance::server_action;
  if (!req.host.empty() && !st.hosts.actor_of(req.host)) {
    if (req.action == server_action::evacuate)
      return make_error(errc::not_found, "Compute host " + req.host + " not found.");
    return bad_request("Compute host " + req.host + " could not be found.");
  }
  switch (req.action) {
  case server_action::resize:
    if (req.flavor.id == r.flavor_copy.id)
      return bad_request("When resizing, instances must change flavor!");
    break;
  case server_action::migrate:
    if (req.host == r.host)
      return bad_request("No valid host was found. No valid host found for cold migrate");
    break;
  case server_action::live_migration:
    if (req.host == r.host)
      return bad_request("Unable to migrate instance (" + r.uuid + ") to current host (" + r.host
                         + ").");
    break;
  case server_action::evacuate:
    if (st.hosts.up(r.host, storage::now_us(), st.opts.service_down_time))
      return bad_request("Compute service of " + r.host + " is still in use.");
    if (req.host == r.host)
      return bad_request("The target host can't be the same one.");
    break;
  default:
    break;
  }
  return {};
}

storage::migration migration_for(self_ptr self, const action_request& req,
                                 const storage::instance_record& r, storage::write_batch& b) {
  using instance::server_action;
  storage::migration m;
  m.id = self->state.migrations.next_id(b);
  m.uuid = storage::random_uuid();
  m.instance_uuid = r.uuid;
  switch (req.action) {
  case server_action::resize:
    m.migration_type = storage::migration_type::resize;
    break;
  case server_action::live_migration:
    m.migration_type = storage::migration_type::live_migration;
    break;
  case server_action::evacuate:
    m.migration_type = storage::migration_type::evacuation;
    break;
  default:
    m.migration_type = storage::migration_type::migration;
  }
  bool cold = m.migration_type == storage::migration_type::resize
              || m.migration_type == storage::migration_type::migration;
  m.status = cold ? storage::migration_status::pre_migrating : storage::migration_status::accepted;
  m.source_compute = r.host;
  m.source_node = r.node;
  m.old_flavor_id = r.flavor_copy.id;
  m.new_flavor_id = req.action == server_action::resize ? req.flavor.id : r.flavor_copy.id;
  m.user_id = req.user_id;
  m.project_id = req.project_id;
  m.old_vm_state = r.vm_state;
  m.created_us = m.updated_us = storage::now_us();
  return m;
}

} // namespace

// resize, migrate, os-migrateLive, evacuate: the destination is claimed
// (the asked host, or the scheduler's pick) with the source's claim passed
// to the new migration, then the instance moves. A refusal of the instance
// gives the claims back.
caf::result<caf::ok_atom> move_server(self_ptr self, const action_request& req,
                                      const storage::instance_record& r,
                                      const instance_actor& inst) {
  auto& st = self->state;
  if (auto locked = instance::check_lock(req.action, r, req.is_admin); !locked.empty())
    return make_error(errc::conflict, locked);
  if (auto refusal = instance::check_action(req.action, false, r); !refusal.empty())
    return make_error(errc::conflict, refusal);
  if (auto err = refused_move(self, req, r))
    return err;
  storage::write_batch counter;
  auto m = migration_for(self, req, r, counter);
  commit(self, std::move(counter), [](std::error_code) {}); // an id lost to a crash stays unused
  storage::request_spec spec;
  spec.instance_uuid = r.uuid;
  spec.flavor_copy = req.action == instance::server_action::resize ? req.flavor : r.flavor_copy;
  spec.image_ref = r.image_ref;
  spec.project_id = r.project_id;
  spec.user_id = r.user_id;
  spec.disk_type = r.disk_type; // a move keeps the server's tier
  bool same_host_ok =
    req.action == instance::server_action::resize && st.opts.allow_resize_to_same_host;
  if (!same_host_ok)
    spec.ignore_hosts.push_back(r.host);
  auto rp = self->make_response_promise<caf::ok_atom>();
  auto call = std::make_shared<bounded_call>([rp](caf::error& err) mutable { rp.deliver(err); });
  ask_scheduler(self, call, move_atom_v, spec, m.uuid, req.host)
    .then(
      [self, rp, call, req, m, inst, source = r.host](placement& p) mutable {
        auto& st = self->state;
        if (!call->settle()) { // too late: the caller was answered; undo
          self->send(st.scheduler, revert_atom_v, req.uuid, m.uuid);
          return;
        }
        m.dest_compute = m.dest_node = p.host;
        self
          ->request(inst, caf::infinite, migrate_atom_v, req, m, st.hosts.actor_of(source),
                    st.hosts.actor_of(p.host))
          .then([rp](caf::ok_atom) mutable { rp.deliver(caf::ok_atom_v); },
                [self, rp, uuid = req.uuid, holder = m.uuid](caf::error& err) mutable {
                  self->send(self->state.scheduler, revert_atom_v, uuid, holder);
                  rp.deliver(err);
                });
      },
      [call, rp, action = req.action](caf::error& err) mutable {
        if (code_of(err) == errc::no_valid_host) {
          if (call->settle())
            rp.deliver(bad_request("No valid host was found. No valid host found for "
                                   + std::string(storage::nova_name(action))));
          return;
        }
        call->fail(err);
      });
  return rp;
}

// confirmResize, revertResize: the server's finished move ends.
caf::result<caf::ok_atom> end_move(self_ptr self, const action_request& req,
                                   const storage::instance_record& r, const instance_actor& inst) {
  auto& st = self->state;
  if (auto locked = instance::check_lock(req.action, r, req.is_admin); !locked.empty())
    return make_error(errc::conflict, locked);
  if (auto refusal = instance::check_action(req.action, false, r); !refusal.empty())
    return make_error(errc::conflict, refusal);
  auto* m = st.migrations.open_of(r.uuid);
  if (!m || m->status != storage::migration_status::finished)
    return bad_request("Instance has not been resized.");
  return self->delegate(inst, migrate_atom_v, req, *m, st.hosts.actor_of(m->source_compute),
                        st.hosts.actor_of(r.host));
}

// [DEFAULT] resize_confirm_window: resized servers waiting longer are
// confirmed on their users' behalf (Nova's _poll_unconfirmed_resizes).
void confirm_resized(self_ptr self) {
  auto& st = self->state;
  auto window_us =
    std::chrono::duration_cast<std::chrono::microseconds>(st.opts.resize_confirm_window).count();
  auto now = storage::now_us();
  for (auto& m : st.migrations.open()) {
    auto* r = st.index.find(m.instance_uuid);
    auto it = st.actors.find(m.instance_uuid);
    if (!r || it == st.actors.end() || m.status != storage::migration_status::finished
        || r->task_state != instance::task_state::none || now - m.updated_us < window_us)
      continue;
    auto req = make_action(r->uuid, instance::server_action::confirm_resize, false,
                           "req-confirm-" + m.uuid, m.user_id, m.project_id);
    req.is_admin = true;
    self
      ->request(it->second, caf::infinite, migrate_atom_v, req, m,
                st.hosts.actor_of(m.source_compute), st.hosts.actor_of(r->host))
      .then([](caf::ok_atom) {},
            [uuid = r->uuid](caf::error& err) {
              spdlog::warn("instance {}: confirming its resize: {}", uuid, caf::to_string(err));
            });
  }
}

// A server evacuated back to this host since keeps its domain here.
void clean_up_evacuated(self_ptr self, const std::string& host, const host_actor& actor) {
  for (auto& m : self->state.migrations.evacuated_from(host)) {
    auto complete = [self, m]() mutable {
      m.status = storage::migration_status::completed;
      m.updated_us = storage::now_us();
      storage::write_batch batch;
      self->state.migrations.save(m, batch);
      commit(self, std::move(batch), [uuid = m.instance_uuid](std::error_code ec) {
        if (ec)
          spdlog::warn("instance {}: completing its evacuation: {}", uuid, ec.message());
      });
    };
    auto* r = self->state.index.find(m.instance_uuid);
    if (!r || r->host == host || r->instance_name.empty()) {
      complete();
      continue;
    }
    spdlog::info("host {}: destroying {}, evacuated to {}", host, r->instance_name, m.dest_compute);
    self->request(actor, self->state.opts.instance.host_timeout, destroy_atom_v, r->instance_name)
      .then([complete](caf::ok_atom) mutable { complete(); },
            [host, uuid = m.instance_uuid](caf::error& err) { // the next join tries again
              spdlog::warn("host {}: cannot destroy evacuated {}: {}", host, uuid,
                           caf::to_string(err));
            });
  }
}

} // namespace nimbus::conductor
