#include "actors/conductor/conductor_actor.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/conductor/conductor_core.h"
#include "actors/conductor/deleted_actions.h"
#include "actors/instance/instance_states.h"
#include "actors/protocol/errors.h"
#include "storage/clock.h"
#include "storage/keys.h"
#include "storage/record_io.h"

namespace nimbus::conductor {

void commit(self_ptr self, storage::write_batch batch, std::function<void(std::error_code)> then) {
  auto token = self->state.next_token++;
  self->state.pending_commits.emplace(token, std::move(then));
  auto handle = caf::actor_cast<conductor_impl_actor>(self);
  self->state.store->write_async(std::move(batch), [handle, token](std::error_code ec) {
    caf::anon_send(handle, committed_atom_v, token, static_cast<std::int32_t>(ec.value()));
  });
}

namespace {

using storage::key_space;

std::string not_found_message(const std::string& uuid) {
  return "Instance " + uuid + " could not be found.";
}

caf::error still_building(const std::string& uuid) {
  return make_error(errc::unavailable, "Instance " + uuid + " is being built in this cell.");
}

// commit() for what the instances ask of their keeper: `then` runs once, with
// the commit's result, or with errc::timed_out once instance.store_timeout has
// passed (the write may still land: an instance's next save overwrites it).
// So an instance's request to its keeper needs no timer of its own.
void commit_within(self_ptr self, storage::write_batch batch,
                   std::function<void(std::error_code)> then) {
  struct waiting final : deadline_queue::entry {
    explicit waiting(std::function<void(std::error_code)> f) : then(std::move(f)) {}
    void expired() override { then(storage::errc::timed_out); }
    std::function<void(std::error_code)> then;
  };
  auto w = std::make_shared<waiting>(std::move(then));
  self->state.save_deadlines->add(w);
  commit(self, std::move(batch), [w](std::error_code ec) {
    if (w->settle())
      w->then(ec);
  });
}

// A request taken and kept, never answered (silent_to_lists).
template <class T>
caf::result<T> never_answer(self_ptr self) {
  auto rp = self->make_response_promise<T>();
  self->state.unanswered.emplace_back([rp] {});
  return rp;
}

caf::error store_error(std::error_code ec) {
  return make_error(errc::internal, "cell store: " + ec.message());
}

instance_actor start_instance(self_ptr self, const storage::instance_record& r) {
  auto& st = self->state;
  st.index.upsert(r);
  auto keeper = caf::actor_cast<instance_keeper>(self);
  auto actor = instance::spawn_instance(self->system(), r, keeper, st.scheduler, st.opts.instance);
  self->link_to(actor); // a conductor that stops takes its instances with it
  st.actors[r.uuid] = actor;
  return actor;
}

std::string next_instance_name(self_ptr self, storage::write_batch& batch) {
  auto n = self->state.next_instance_number++;
  batch.put(key_space::meta, std::string{storage::keys::next_ids}, std::to_string(n + 1));
  char name[32];
  std::snprintf(name, sizeof name, "instance-%08llx", static_cast<unsigned long long>(n));
  return name;
}

void load(self_ptr self) {
  auto& st = self->state;
  std::string counter;
  if (!st.store->get(key_space::meta, storage::keys::next_ids, &counter))
    st.next_instance_number = std::stoll(counter);
  st.hosts.load(*st.store);
  storage::write_batch fixes;
  st.migrations.load(*st.store, fixes);
  if (!fixes.empty())
    commit(self, std::move(fixes), [self](std::error_code ec) {
      if (ec)
        spdlog::error("cell {}: cannot settle the migrations a restart cut short: {}",
                      self->state.opts.cell_name, ec.message());
    });
  std::size_t corrupt = 0;
  auto records =
    storage::read_all<storage::instance_record>(*st.store, key_space::instances, {}, &corrupt);
  if (corrupt)
    spdlog::error("cell {}: {} instance records could not be decoded", st.opts.cell_name, corrupt);
  for (auto& r : records) {
    auto actor = start_instance(self, r);
    if (!r.host.empty())
      ask_scheduler(self, std::make_shared<bounded_call>([](caf::error&) {}), claim_atom_v, r.host,
                    r.uuid, r.flavor_copy, r.disk_type, true)
        .then([](bool) {}, [](caf::error&) {});
    else if (r.task_state
             != instance::task_state::none) // no host will rejoin for it (cell0): resume it now
      self->send(actor, reconcile_atom_v, host_actor{});
  }
  // A resized server holds its source host too, under its migration.
  for (auto& m : st.migrations.open())
    if (auto* r = st.index.find(m.instance_uuid);
        r && m.status == storage::migration_status::finished && !r->old_flavor.id.empty())
      ask_scheduler(self, std::make_shared<bounded_call>([](caf::error&) {}), claim_atom_v,
                    m.source_compute, m.uuid, r->old_flavor, r->disk_type, true)
        .then([](bool) {}, [](caf::error&) {});
  spdlog::info("cell {}: loaded {} instances, {} hosts", st.opts.cell_name, records.size(),
               st.hosts.size());
}

// What a host must run after a restart, from the records of its instances.
std::vector<domain_target> targets_for(const instance_index& index, const std::string& host) {
  std::vector<domain_target> out;
  index.for_each([&](const storage::instance_record& r) {
    if (r.host != host || r.vm_state == instance::vm_state::building
        || r.task_state == instance::task_state::deleting || r.instance_name.empty())
      return;
    if (r.vm_state == instance::vm_state::error
        || r.vm_state == instance::vm_state::shelved_offloaded)
      return;
    // Where the instance's own reconcile will put it (an accepted task done).
    auto power =
      instance::power_state_at_rest(instance::vm_state_after_restart(r.task_state, r.vm_state));
    auto& f = r.flavor_copy;
    out.push_back(
      {{r.instance_name, r.uuid, f.vcpus, f.memory_mb, f.root_gb + f.ephemeral_gb}, power});
  });
  return out;
}

// A host (re)joined: align its domains with the records, then let its
// instances finish what was in flight.
void reconcile_host(self_ptr self, const std::string& host, const host_actor& actor) {
  auto& st = self->state;
  self->request(actor, st.opts.instance.host_timeout, reconcile_atom_v, targets_for(st.index, host))
    .then(
      [self, host, actor](caf::ok_atom) {
        self->state.index.for_each([&](const storage::instance_record& r) {
          if (r.host == host)
            if (auto it = self->state.actors.find(r.uuid); it != self->state.actors.end())
              self->send(it->second, reconcile_atom_v, actor);
        });
        clean_up_evacuated(self, host, actor);
      },
      [self, host](caf::error& err) {
        spdlog::error("cell {}: reconcile of host {} failed: {}", self->state.opts.cell_name, host,
                      self->system().render(err));
      });
}

// A host's power-state sync: each of its instances whose domain is not in
// the state its record says hears what the host saw (its actor decides).
void sync_power_states(self_ptr self, const host_report& report, const host_actor& actor) {
  auto& st = self->state;
  std::unordered_map<std::string, hypervisor::power_state> seen;
  for (auto& d : report.domains)
    seen[d.name] = d.state;
  std::size_t told = 0;
  st.index.for_each([&](const storage::instance_record& r) {
    if (r.host != report.node.host || r.instance_name.empty())
      return;
    auto it = seen.find(r.instance_name);
    auto state = it == seen.end() ? hypervisor::power_state::nostate : it->second;
    auto plan = instance::plan_power_sync(r, state);
    if (!plan.record && !plan.stop)
      return;
    if (auto a = st.actors.find(r.uuid); a != st.actors.end()) {
      self->send(a->second, power_sync_atom_v, state, report.listed_us, actor);
      ++told;
    }
  });
  if (told)
    spdlog::info("cell {}: power-state sync of host {}: {} instances to align", st.opts.cell_name,
                 report.node.host, told);
}

void on_report(self_ptr self, const host_report& report) {
  auto& st = self->state;
  auto actor = caf::actor_cast<host_actor>(self->current_sender());
  storage::write_batch batch;
  auto joined = st.hosts.on_report(report, actor, storage::now_us(), batch);
  if (!batch.empty())
    commit(self, std::move(batch), [self](std::error_code ec) {
      if (ec)
        spdlog::error("cell {}: cannot record host: {}", self->state.opts.cell_name, ec.message());
    });
  self->send(st.scheduler, report_atom_v, report);
  // An operator's choice, across restarts too; a host that joins again after
  // its service was deleted is a new, enabled one.
  if (joined || !st.hosts.schedulable(report.node.host))
    self->send(st.scheduler, service_atom_v, report.node.host,
               st.hosts.schedulable(report.node.host));
  if (joined && actor) {
    spdlog::info("cell {}: host {} joined", st.opts.cell_name, report.node.host);
    reconcile_host(self, report.node.host, actor);
    push_summary(self); // the API cell must not place by a summary without this host
  } else if (report.power_sync && actor) { // a host that just joined is reconciled instead
    sync_power_states(self, report, actor);
  }
}

caf::result<std::string> build(self_ptr self, const storage::build_request& br,
                               const storage::request_spec& spec) {
  auto& st = self->state;
  if (auto* existing = st.index.find(br.instance.uuid)) // re-driven: one copy per cell
    return existing->host;
  if (!st.building.insert(br.instance.uuid).second) // asked twice: the first one answers
    return still_building(br.instance.uuid);
  auto rp = self->make_response_promise<std::string>();
  auto call =
    std::make_shared<bounded_call>([self, rp, uuid = br.instance.uuid](caf::error& err) mutable {
      self->state.building.erase(uuid);
      rp.deliver(err);
    });
  ask_scheduler(self, call, select_atom_v, spec)
    .then(
      [self, rp, br, call](placement& p) mutable {
        auto& st = self->state;
        if (!call->settle()) { // answered too late: the build failed meanwhile
          self->send(st.scheduler, release_atom_v, br.instance.uuid);
          return;
        }
        std::vector<host_actor> hosts;
        hosts.push_back(st.hosts.actor_of(p.host));
        for (auto& alt : p.alternates)
          hosts.push_back(st.hosts.actor_of(alt));
        // One write makes the instance exist in this cell, placed and
        // spawning, with its create action begun; the instance actor then
        // has nothing to save before it calls the host.
        auto r = br.instance;
        r.host = r.node = p.host;
        r.vm_state = instance::vm_state::building;
        r.task_state = instance::task_state::spawning;
        r.availability_zone = "nova";
        storage::write_batch batch;
        r.instance_name = next_instance_name(self, batch);
        auto create = instance::begin_action(r, instance::server_action::create, r.request_id,
                                             r.user_id, r.project_id, storage::now_us());
        storage::stage(batch, key_space::instances, storage::keys::instance(r.uuid), r);
        storage::stage(batch, key_space::instance_actions,
                       storage::keys::action(r.uuid, create.start_us, create.request_id), create);
        commit(self, std::move(batch), [self, rp, r, p, hosts, create](std::error_code ec) mutable {
          self->state.building.erase(r.uuid);
          if (ec) {
            self->send(self->state.scheduler, release_atom_v, r.uuid);
            rp.deliver(store_error(ec));
            return;
          }
          auto actor = start_instance(self, r);
          self->send(actor, boot_atom_v, p, hosts, create);
          rp.deliver(p.host);
        });
      },
      [call](caf::error& err) { call->fail(err); });
  return rp;
}

// Unshelve of a shelved_offloaded server: a host is claimed for it (the asked
// one, or the scheduler's pick), then its instance spawns there. A refusal
// of the instance gives the claim back.
caf::result<caf::ok_atom> unshelve_offloaded(self_ptr self, const action_request& req,
                                             const storage::instance_record& r,
                                             const instance_actor& inst) {
  auto& st = self->state;
  if (auto locked = instance::check_lock(req.action, r, req.is_admin); !locked.empty())
    return make_error(errc::conflict, locked);
  if (!req.host.empty() && !st.hosts.actor_of(req.host))
    return make_error(errc::bad_request, "Compute host " + req.host + " could not be found.");
  auto rp = self->make_response_promise<caf::ok_atom>();
  auto on_host = [self, rp, req, inst](const std::string& host) mutable {
    auto& st = self->state;
    auto actor = st.hosts.actor_of(host);
    auto placed = req;
    placed.host = host;
    self->request(inst, caf::infinite, action_atom_v, placed, actor)
      .then([rp](caf::ok_atom) mutable { rp.deliver(caf::ok_atom_v); },
            [self, rp, uuid = req.uuid](caf::error& err) mutable {
              self->send(self->state.scheduler, release_atom_v, uuid);
              rp.deliver(err);
            });
  };
  auto call = std::make_shared<bounded_call>([rp](caf::error& err) mutable { rp.deliver(err); });
  auto no_host = [rp]() mutable {
    rp.deliver(make_error(errc::conflict, "No valid host was found. "));
  };
  if (!req.host.empty()) {
    ask_scheduler(self, call, claim_atom_v, req.host, r.uuid, r.flavor_copy, r.disk_type, false)
      .then(
        [call, on_host, no_host, host = req.host](bool claimed) mutable {
          if (!call->settle())
            return;
          if (claimed)
            on_host(host);
          else
            no_host();
        },
        [call](caf::error& err) { call->fail(err); });
    return rp;
  }
  storage::request_spec spec;
  spec.instance_uuid = r.uuid;
  spec.flavor_copy = r.flavor_copy;
  spec.image_ref = r.image_ref;
  spec.project_id = r.project_id;
  spec.user_id = r.user_id;
  spec.availability_zone = req.availability_zone;
  spec.disk_type = r.disk_type;
  ask_scheduler(self, call, select_atom_v, spec)
    .then(
      [call, on_host](placement& p) mutable {
        if (call->settle())
          on_host(p.host);
      },
      [call, no_host](caf::error& err) mutable {
        if (code_of(err) == errc::no_valid_host) {
          if (call->settle())
            no_host();
          return;
        }
        call->fail(err);
      });
  return rp;
}

// Nova's _reclaim_queued_deletes: servers soft-deleted for longer than
// reclaim_instance_interval are deleted for good.
void reclaim_soft_deleted(self_ptr self) {
  auto& st = self->state;
  auto limit_us = std::chrono::duration_cast<std::chrono::microseconds>(
                    st.opts.instance.reclaim_instance_interval)
                    .count();
  auto now = storage::now_us();
  st.index.for_each([&](const storage::instance_record& r) {
    if (r.vm_state != instance::vm_state::soft_deleted || r.task_state != instance::task_state::none
        || now - r.updated_us < limit_us)
      return;
    auto it = st.actors.find(r.uuid);
    if (it == st.actors.end())
      return;
    auto req = make_action(r.uuid, instance::server_action::delete_server, true,
                           "req-reclaim-" + r.uuid, r.user_id, r.project_id);
    req.is_admin = true;
    self->request(it->second, caf::infinite, action_atom_v, req, st.hosts.actor_of(r.host))
      .then([](caf::ok_atom) {},
            [uuid = r.uuid](caf::error& err) {
              spdlog::warn("instance {}: reclaim of the soft-deleted server: {}", uuid,
                           caf::to_string(err));
            });
  });
}

// Nova's _poll_shelved_instances: servers shelved for longer than
// shelved_offload_time leave their hosts.
void offload_shelved(self_ptr self) {
  auto& st = self->state;
  auto limit = st.opts.instance.shelved_offload_time;
  if (limit.count() <= 0)
    return;
  auto now = storage::now_us();
  auto limit_us = std::chrono::duration_cast<std::chrono::microseconds>(limit).count();
  st.index.for_each([&](const storage::instance_record& r) {
    if (r.vm_state != instance::vm_state::shelved || r.task_state != instance::task_state::none
        || now - r.updated_us < limit_us)
      return;
    auto it = st.actors.find(r.uuid);
    if (it == st.actors.end())
      return;
    action_request req;
    req.uuid = r.uuid;
    req.action = instance::server_action::shelve_offload;
    req.request_id = "req-shelved-offload-" + r.uuid;
    req.is_admin = true;
    self->request(it->second, caf::infinite, action_atom_v, req, st.hosts.actor_of(r.host))
      .then([](caf::ok_atom) {},
            [uuid = r.uuid](caf::error& err) {
              spdlog::warn("instance {}: offload of the shelved server: {}", uuid,
                           caf::to_string(err));
            });
  });
}

caf::result<caf::ok_atom> bury(self_ptr self, const storage::build_request& br,
                               const storage::instance_fault& fault) {
  auto& st = self->state;
  if (st.index.find(br.instance.uuid))
    return caf::ok_atom_v;
  if (!st.building.insert(br.instance.uuid).second)
    return still_building(br.instance.uuid);
  auto r = br.instance;
  r.vm_state = instance::vm_state::error;
  r.task_state = instance::task_state::none;
  r.power_state = instance::power_number(hypervisor::power_state::nostate);
  r.host.clear();
  r.fault = fault;
  r.updated_us = fault.created_us;
  storage::instance_action a;
  a.request_id = br.request_id;
  a.instance_uuid = r.uuid;
  a.action = instance::server_action::create;
  a.user_id = r.user_id;
  a.project_id = r.project_id;
  a.start_us = r.created_us;
  a.updated_us = fault.created_us;
  a.message = "Error";
  a.events.push_back({"conductor_schedule_and_build_instances", r.created_us, fault.created_us,
                      "Error", fault.details, ""});
  storage::write_batch batch;
  r.instance_name = next_instance_name(self, batch);
  storage::stage(batch, key_space::instances, storage::keys::instance(r.uuid), r);
  storage::stage(batch, key_space::instance_actions,
                 storage::keys::action(r.uuid, a.start_us, a.request_id), a);
  auto rp = self->make_response_promise<caf::ok_atom>();
  commit(self, std::move(batch), [self, rp, r](std::error_code ec) mutable {
    self->state.building.erase(r.uuid);
    if (ec) {
      rp.deliver(store_error(ec));
      return;
    }
    start_instance(self, r);
    rp.deliver(caf::ok_atom_v);
  });
  return rp;
}

caf::result<caf::ok_atom> save(self_ptr self, const storage::instance_record& r,
                               const std::vector<storage::instance_action>& actions,
                               const std::vector<storage::migration>& moves) {
  self->state.index.upsert(r);
  storage::write_batch batch;
  storage::stage(batch, key_space::instances, storage::keys::instance(r.uuid), r);
  for (auto& m : moves)
    self->state.migrations.save(m, batch);
  for (auto& a : actions)
    storage::stage(batch, key_space::instance_actions,
                   storage::keys::action(a.instance_uuid, a.start_us, a.request_id), a);
  auto rp = self->make_response_promise<caf::ok_atom>();
  commit_within(self, std::move(batch), [rp](std::error_code ec) mutable {
    if (ec)
      rp.deliver(store_error(ec));
    else
      rp.deliver(caf::ok_atom_v);
  });
  return rp;
}

// A few of the deleted servers' actions whose retention has passed go
// with each heartbeat, so a purge never holds the conductor up for long.
void purge_deleted_actions(self_ptr self, std::int64_t now_us) {
  auto& st = self->state;
  auto keep_us =
    std::chrono::duration_cast<std::chrono::microseconds>(st.opts.deleted_actions_retention)
      .count();
  if (keep_us <= 0)
    return;
  constexpr std::size_t per_heartbeat = 1000;
  storage::write_batch batch;
  if (purge_due(*st.store, now_us - keep_us, per_heartbeat, batch) == 0)
    return;
  commit(self, std::move(batch), [](std::error_code ec) {
    if (ec)
      spdlog::warn("purge of deleted servers' actions: {}", ec.message());
  });
}

caf::result<caf::ok_atom> forget(self_ptr self, const std::string& uuid) {
  auto& st = self->state;
  storage::write_batch batch;
  batch.erase(key_space::instances, storage::keys::instance(uuid));
  if (auto open = st.migrations.forget(uuid, *st.store, batch)) // its source's claim too
    self->send(st.scheduler, release_atom_v, open->uuid);
  if (st.opts.deleted_actions_retention.count() > 0)
    queue_actions_for_purge(uuid, storage::now_us(), batch);
  else
    erase_actions(*st.store, uuid, batch);
  auto rp = self->make_response_promise<caf::ok_atom>();
  auto leave_index = [self, uuid] {
    self->state.index.erase(uuid);
    self->state.actors.erase(uuid);
  };
  commit_within(self, std::move(batch), [self, rp, uuid, leave_index](std::error_code ec) mutable {
    if (ec) {
      leave_index();
      rp.deliver(store_error(ec));
      return;
    }
    // The server leaves this cell's index once the API cell has dropped
    // its mapping: from then on every reader finds it gone.
    tell_deleted(self, uuid, [rp, leave_index]() mutable {
      leave_index();
      rp.deliver(caf::ok_atom_v);
    });
  });
  return rp;
}

caf::result<std::vector<hypervisor_view>> hypervisors(self_ptr self) {
  auto rp = self->make_response_promise<std::vector<hypervisor_view>>();
  auto call = std::make_shared<bounded_call>([rp](caf::error& err) mutable { rp.deliver(err); });
  ask_scheduler(self, call, usage_atom_v)
    .then(
      [self, rp, call](std::vector<host_usage>& usage, cell_summary&) mutable {
        if (call->settle())
          rp.deliver(self->state.hosts.hypervisors(usage, storage::now_us(),
                                                   self->state.opts.service_down_time));
      },
      [call](caf::error& err) { call->fail(err); });
  return rp;
}

// DELETE /os-services/{id} in this cell: refused while servers are on the
// host (Nova's message); else the service and compute node records go and
// the scheduler stops placing there. Answers with the service as it was.
caf::result<service_view> remove_service(self_ptr self, const std::string& uuid) {
  auto& st = self->state;
  auto host = st.hosts.host_of(uuid);
  if (host.empty())
    return make_error(errc::not_found, "Service " + uuid + " could not be found.");
  bool hosting = false;
  st.index.for_each([&](const storage::instance_record& r) {
    if (r.host == host)
      hosting = true;
  });
  if (hosting)
    return make_error(errc::conflict, "Unable to delete compute service that is hosting "
                                      "instances. Migrate or delete the instances first.");
  auto was = st.hosts.view_of(host, storage::now_us(), st.opts.service_down_time);
  storage::write_batch batch;
  st.hosts.remove(uuid, batch);
  self->send(st.scheduler, service_atom_v, host, false);
  auto rp = self->make_response_promise<service_view>();
  commit(self, std::move(batch), [rp, was](std::error_code ec) mutable {
    if (ec)
      rp.deliver(store_error(ec));
    else
      rp.deliver(was);
  });
  return rp;
}

conductor_impl_actor::behavior_type conductor_impl(self_ptr self,
                                                   std::shared_ptr<storage::store> store,
                                                   scheduler_actor scheduler,
                                                   conductor_options opts) {
  auto& st = self->state;
  st.store = std::move(store);
  st.scheduler = std::move(scheduler);
  st.opts = std::move(opts);
  st.deadlines.emplace(st.opts.scheduler_timeout);
  st.save_deadlines.emplace(st.opts.instance.store_timeout);
  load(self);
  self->delayed_send(self, st.opts.summary_interval, heartbeat_atom_v);
  return {
    [self](build_atom, const storage::build_request& br, const storage::request_spec& spec) {
      return build(self, br, spec);
    },
    [self](bury_atom, const storage::build_request& br, const storage::instance_fault& fault) {
      return bury(self, br, fault);
    },
    [self](caf::get_atom, const std::string& uuid) -> caf::result<storage::instance_record> {
      if (auto* r = self->state.index.find(uuid))
        return *r;
      if (self->state.building.count(uuid))
        return still_building(uuid);
      return make_error(errc::not_found, not_found_message(uuid));
    },
    [self](list_atom, const list_query& q) -> caf::result<std::vector<storage::instance_record>> {
      if (self->state.opts.silent_to_lists)
        return never_answer<std::vector<storage::instance_record>>(self);
      return self->state.index.page(q);
    },
    [self](keys_atom, const list_query& q) -> caf::result<std::vector<list_key>> {
      if (self->state.opts.silent_to_lists)
        return never_answer<std::vector<list_key>>(self);
      return self->state.index.page_keys(q);
    },
    [self](list_atom, const std::vector<std::string>& uuids)
      -> caf::result<std::vector<storage::instance_record>> {
      if (self->state.opts.silent_to_lists)
        return never_answer<std::vector<storage::instance_record>>(self);
      std::vector<storage::instance_record> out;
      out.reserve(uuids.size());
      for (auto& u : uuids)
        if (auto* r = self->state.index.find(u)) // gone meanwhile: left out
          out.push_back(*r);
      return out;
    },
    [self](action_atom, const action_request& req) -> caf::result<caf::ok_atom> {
      auto& st = self->state;
      auto it = st.actors.find(req.uuid);
      auto* r = st.index.find(req.uuid);
      if (it == st.actors.end() || !r)
        return make_error(errc::not_found, not_found_message(req.uuid));
      if (req.action == instance::server_action::unshelve
          && r->vm_state == instance::vm_state::shelved_offloaded
          && r->task_state == instance::task_state::none)
        return unshelve_offloaded(self, req, *r, it->second);
      switch (req.action) {
      case instance::server_action::resize:
      case instance::server_action::migrate:
      case instance::server_action::live_migration:
      case instance::server_action::evacuate:
        return move_server(self, req, *r, it->second);
      case instance::server_action::confirm_resize:
      case instance::server_action::revert_resize:
        return end_move(self, req, *r, it->second);
      default:
        return self->delegate(it->second, action_atom_v, req, st.hosts.actor_of(r->host));
      }
    },
    [self](migrations_atom, const std::string& uuid) {
      return read_migrations(*self->state.store, uuid);
    },
    [self](update_atom, const server_update& u) -> caf::result<storage::instance_record> {
      auto& st = self->state;
      auto it = st.actors.find(u.uuid);
      if (it == st.actors.end())
        return make_error(errc::not_found, not_found_message(u.uuid));
      return self->delegate(it->second, update_atom_v, u);
    },
    [self](console_atom, const std::string& uuid) -> caf::result<std::string> {
      auto& st = self->state;
      auto* r = st.index.find(uuid);
      if (!r)
        return make_error(errc::not_found, not_found_message(uuid));
      if (r->host.empty() || r->vm_state == instance::vm_state::building)
        return make_error(errc::conflict, "Instance " + uuid + " is not ready");
      auto host = st.hosts.actor_of(r->host);
      if (!host)
        return make_error(errc::unavailable, "host " + r->host + " has not joined");
      return self->delegate(host, console_atom_v, r->instance_name);
    },
    [self](actions_atom, const std::string& uuid,
           bool with_deleted) -> caf::result<std::vector<storage::instance_action>> {
      if (!with_deleted && !self->state.index.find(uuid))
        return make_error(errc::not_found, not_found_message(uuid));
      auto actions = storage::read_all<storage::instance_action>(
        *self->state.store, key_space::instance_actions, storage::keys::actions_of(uuid));
      if (actions.empty() && !self->state.index.find(uuid)) // deleted and purged, or never
        return make_error(errc::not_found, not_found_message(uuid));
      return actions;
    },
    [self](services_atom) {
      return self->state.hosts.services(storage::now_us(), self->state.opts.service_down_time);
    },
    [self](hypers_atom) { return hypervisors(self); },
    [self](service_atom, const std::string& uuid,
           const service_change& c) -> caf::result<service_view> {
      auto& st = self->state;
      if (c.remove)
        return remove_service(self, uuid);
      storage::write_batch batch;
      auto host = st.hosts.change(uuid, c, batch);
      if (host.empty())
        return make_error(errc::not_found, "Service " + uuid + " could not be found.");
      self->send(st.scheduler, service_atom_v, host, st.hosts.schedulable(host));
      auto rp = self->make_response_promise<service_view>();
      commit(self, std::move(batch), [self, rp, host](std::error_code ec) mutable {
        if (ec) {
          rp.deliver(store_error(ec));
          return;
        }
        rp.deliver(
          self->state.hosts.view_of(host, storage::now_us(), self->state.opts.service_down_time));
      });
      return rp;
    },
    [self](report_atom, const host_report& report) { on_report(self, report); },
    [self](save_atom, const storage::instance_record& r,
           const std::vector<storage::instance_action>& actions,
           const std::vector<storage::migration>& moves) { return save(self, r, actions, moves); },
    [self](forget_atom, const std::string& uuid) { return forget(self, uuid); },
    [self](image_saved_atom, const std::string& image, const std::string& path,
           const std::string& error) { tell_image_saved(self, image, path, error); },
    [self](committed_atom, std::uint64_t token, std::int32_t code) {
      auto it = self->state.pending_commits.find(token);
      if (it == self->state.pending_commits.end())
        return;
      auto then = std::move(it->second);
      self->state.pending_commits.erase(it);
      then(code == 0 ? std::error_code{}
                     : storage::make_error_code(static_cast<storage::errc>(code)));
    },
    [self](subscribe_atom, cell_listener listener, const std::string& cell_uuid) {
      if (self->state.opts.cell_uuid.empty())
        self->state.opts.cell_uuid = cell_uuid;
      add_listener(self, std::move(listener));
    },
    [self](heartbeat_atom) {
      self->state.deadlines->expire_due();
      self->state.save_deadlines->expire_due();
      push_summary(self);
      auto now = storage::now_us();
      auto poll_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       self->state.opts.shelved_poll_interval)
                       .count();
      if (now - self->state.last_shelved_poll_us >= poll_us) {
        self->state.last_shelved_poll_us = now;
        offload_shelved(self);
      }
      auto reclaim = self->state.opts.instance.reclaim_instance_interval;
      auto reclaim_us = std::chrono::duration_cast<std::chrono::microseconds>(reclaim).count();
      if (reclaim.count() > 0 && now - self->state.last_reclaim_us >= reclaim_us) {
        self->state.last_reclaim_us = now;
        reclaim_soft_deleted(self);
      }
      if (self->state.opts.resize_confirm_window.count() > 0)
        confirm_resized(self);
      purge_deleted_actions(self, now);
      self->delayed_send(self, self->state.opts.summary_interval, heartbeat_atom_v);
    },
  };
}

} // namespace

conductor_actor spawn_conductor(caf::actor_system& sys, std::shared_ptr<storage::store> store,
                                scheduler_actor scheduler, conductor_options opts) {
  return sys.spawn(conductor_impl, std::move(store), std::move(scheduler), std::move(opts));
}

} // namespace nimbus::conductor
