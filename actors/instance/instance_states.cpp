#include "actors/instance/instance_states.h"

#include <algorithm>

#include "actors/protocol/errors.h"

namespace nimbus::instance {
namespace {

using hypervisor::domain_op;

template <class T>
bool contains(const std::vector<T>& v, T x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

const std::vector<task_state> idle{task_state::none};

action_rule on_host(std::vector<vm_state> from, task_state task, std::optional<vm_state> after,
                    domain_op op) {
  return {std::move(from), idle, task, after, host_call::domain_op, op, true};
}

// One rule per action (Nova's compute/api.py check_instance_state and the
// manager's state changes). Made once; looked up by action.
struct rule_book {
  action_rule stop = on_host({vm_state::active, vm_state::error}, task_state::powering_off,
                             vm_state::stopped, domain_op::power_off);
  action_rule start =
    on_host({vm_state::stopped}, task_state::powering_on, vm_state::active, domain_op::power_on);
  action_rule soft_reboot =
    on_host({vm_state::active}, task_state::rebooting, vm_state::active, domain_op::reboot_soft);
  action_rule hard_reboot{{vm_state::active, vm_state::stopped, vm_state::error},
                          {task_state::none, task_state::rebooting},
                          task_state::rebooting_hard,
                          vm_state::active,
                          host_call::domain_op,
                          domain_op::reboot_hard,
                          true};
  action_rule pause =
    on_host({vm_state::active}, task_state::pausing, vm_state::paused, domain_op::pause);
  action_rule unpause =
    on_host({vm_state::paused}, task_state::unpausing, vm_state::active, domain_op::unpause);
  action_rule suspend =
    on_host({vm_state::active}, task_state::suspending, vm_state::suspended, domain_op::suspend);
  action_rule resume =
    on_host({vm_state::suspended}, task_state::resuming, vm_state::active, domain_op::resume);
  action_rule rescue = on_host({vm_state::active, vm_state::stopped, vm_state::error},
                               task_state::rescuing, vm_state::rescued, domain_op::rescue);
  action_rule unrescue =
    on_host({vm_state::rescued}, task_state::unrescuing, vm_state::active, domain_op::unrescue);
  // Nova snapshots the disk too; until disks exist (the hypervisor issue)
  // shelving powers the domain off.
  action_rule shelve =
    on_host({vm_state::active, vm_state::stopped, vm_state::paused, vm_state::suspended},
            task_state::shelving, vm_state::shelved, domain_op::power_off);
  action_rule shelve_offload{{vm_state::shelved},
                             idle,
                             task_state::shelving_offloading,
                             vm_state::shelved_offloaded,
                             host_call::destroy,
                             domain_op::power_off,
                             true};
  // A shelved server powers on; a shelved_offloaded one is spawned on the
  // host its cell claimed (the instance actor picks the call by vm_state).
  action_rule unshelve = on_host({vm_state::shelved, vm_state::shelved_offloaded},
                                 task_state::unshelving, vm_state::active, domain_op::power_on);
  action_rule change_password{{vm_state::active},
                              idle,
                              task_state::updating_password,
                              vm_state::active,
                              host_call::set_password,
                              domain_op::power_off,
                              true};
  action_rule crash_dump{{vm_state::active, vm_state::paused, vm_state::rescued},
                         idle,
                         task_state::none,
                         std::nullopt,
                         host_call::domain_op,
                         domain_op::inject_nmi,
                         true};
  // Rebuilt on the same host, with the claim it has; a stopped server is
  // stopped again afterwards (the instance actor picks the vm_state).
  action_rule rebuild{{vm_state::active, vm_state::stopped, vm_state::error},
                      idle,
                      task_state::rebuilding,
                      std::nullopt,
                      host_call::rebuild,
                      domain_op::power_off,
                      true};
  // The image record is the API cell's; the host writes the disk out to
  // the API cell's image store (chain_op::export_image), the task held
  // until it has (Nova's 409 for a second createImage meanwhile).
  action_rule create_image{
    {vm_state::active, vm_state::stopped, vm_state::paused, vm_state::suspended},
    idle,
    task_state::image_snapshot,
    std::nullopt,
    host_call::chain,
    domain_op::power_off,
    true};
  // Nova's backup takes active and stopped servers only.
  action_rule create_backup{{vm_state::active, vm_state::stopped},
                            idle,
                            task_state::image_backup,
                            std::nullopt,
                            host_call::chain,
                            domain_op::power_off,
                            true};
  // A delete while reclaim_instance_interval is set: off, restorable.
  action_rule soft_delete{{vm_state::active, vm_state::stopped, vm_state::paused,
                           vm_state::suspended, vm_state::rescued, vm_state::shelved,
                           vm_state::error},
                          idle,
                          task_state::soft_deleting,
                          vm_state::soft_deleted,
                          host_call::domain_op,
                          domain_op::power_off,
                          true};
  action_rule restore =
    on_host({vm_state::soft_deleted}, task_state::restoring, vm_state::active, domain_op::power_on);
  // Moves (instance_moves.cpp): the cell claims the destination first.
  action_rule resize{{vm_state::active, vm_state::stopped},
                     idle,
                     task_state::resize_prep,
                     vm_state::resized,
                     host_call::move,
                     domain_op::power_off,
                     true};
  action_rule confirm_resize{
    {vm_state::resized},  idle, task_state::resize_confirming, std::nullopt, host_call::move,
    domain_op::power_off, true};
  action_rule revert_resize{
    {vm_state::resized},  idle, task_state::resize_reverting, std::nullopt, host_call::move,
    domain_op::power_off, true};
  action_rule live_migration{{vm_state::active, vm_state::paused},
                             idle,
                             task_state::migrating,
                             std::nullopt,
                             host_call::move,
                             domain_op::power_off,
                             true};
  // Nova checks no task_state here: a server stuck on a dead host moves.
  action_rule evacuate{{vm_state::active, vm_state::stopped, vm_state::error},
                       {},
                       task_state::rebuilding,
                       std::nullopt,
                       host_call::move,
                       domain_op::power_off,
                       true};
  // The snapshot chain (docs/SNAPSHOTS.md). A point is made live; a revert
  // restarts a running guest on the point's disk; a merge rewrites layers
  // no running qemu may hold, so a running guest is saved and restored
  // around it (the host's business).
  action_rule create_snapshot{{vm_state::active, vm_state::stopped, vm_state::paused},
                              idle,
                              task_state::snapshotting,
                              std::nullopt,
                              host_call::chain,
                              domain_op::power_off,
                              true};
  action_rule revert_snapshot{{vm_state::active, vm_state::stopped},
                              idle,
                              task_state::reverting_snapshot,
                              std::nullopt,
                              host_call::chain,
                              domain_op::power_off,
                              true};
  action_rule delete_snapshot{{vm_state::active, vm_state::stopped},
                              idle,
                              task_state::deleting_snapshot,
                              std::nullopt,
                              host_call::chain,
                              domain_op::power_off,
                              true};
  // Record-only: any state, any task, placed or not.
  action_rule record_only{
    {}, {}, task_state::none, std::nullopt, host_call::none, domain_op::power_off, false};
  action_rule delete_server{
    {}, {}, task_state::deleting, std::nullopt, host_call::destroy, domain_op::power_off, false};
  action_rule create{
    {vm_state::building}, {},   task_state::spawning, vm_state::active, host_call::spawn,
    domain_op::power_on,  false};
};

const rule_book& rules() {
  static const rule_book book;
  return book;
}

// Actions that make the domain anew, elsewhere or from another image: its
// disk, and the snapshot chain on it, would not follow. (An evacuation has
// lost them already: its host is down.)
bool drops_the_disk(server_action action) {
  switch (action) {
  case server_action::rebuild:
  case server_action::shelve:
  case server_action::shelve_offload:
  case server_action::resize:
  case server_action::migrate:
  case server_action::live_migration:
    return true;
  default:
    return false;
  }
}

std::string refusal(server_action action, const std::string& uuid, const char* attribute,
                    std::string_view state) {
  return invalid_state_message(std::string(storage::nova_name(action)), uuid, attribute,
                               std::string(state));
}

} // namespace

const action_rule& action_rule_for(server_action action, bool hard) {
  auto& b = rules();
  switch (action) {
  case server_action::create:
    return b.create;
  case server_action::stop:
    return b.stop;
  case server_action::start:
    return b.start;
  case server_action::reboot:
    return hard ? b.hard_reboot : b.soft_reboot;
  case server_action::delete_server:
    return b.delete_server;
  case server_action::pause:
    return b.pause;
  case server_action::unpause:
    return b.unpause;
  case server_action::suspend:
    return b.suspend;
  case server_action::resume:
    return b.resume;
  case server_action::rescue:
    return b.rescue;
  case server_action::unrescue:
    return b.unrescue;
  case server_action::shelve:
    return b.shelve;
  case server_action::shelve_offload:
    return b.shelve_offload;
  case server_action::unshelve:
    return b.unshelve;
  case server_action::change_password:
    return b.change_password;
  case server_action::trigger_crash_dump:
    return b.crash_dump;
  case server_action::rebuild:
    return b.rebuild;
  case server_action::create_image:
    return b.create_image;
  case server_action::create_backup:
    return b.create_backup;
  case server_action::soft_delete:
    return b.soft_delete;
  case server_action::restore:
    return b.restore;
  case server_action::resize:
  case server_action::migrate:
    return b.resize;
  case server_action::confirm_resize:
    return b.confirm_resize;
  case server_action::revert_resize:
    return b.revert_resize;
  case server_action::live_migration:
    return b.live_migration;
  case server_action::evacuate:
    return b.evacuate;
  case server_action::create_snapshot:
    return b.create_snapshot;
  case server_action::revert_snapshot:
    return b.revert_snapshot;
  case server_action::delete_snapshot:
    return b.delete_snapshot;
  case server_action::lock:
  case server_action::unlock:
  case server_action::reset_state:
    return b.record_only;
  }
  return b.record_only;
}

std::string check_action(server_action action, bool hard, const storage::instance_record& r) {
  if (action == server_action::delete_server)
    return {}; // allowed from every state; a second delete joins the first
  auto& rule = action_rule_for(action, hard);
  if (!rule.from.empty() && !contains(rule.from, r.vm_state))
    return refusal(action, r.uuid, "vm_state", storage::nova_name(r.vm_state));
  if (!rule.tasks_ok.empty() && !contains(rule.tasks_ok, r.task_state))
    return refusal(action, r.uuid, "task_state", storage::nova_name(r.task_state));
  // Never placed (or offloaded): there is no domain to act on. An offloaded
  // server's unshelve gets its host from the cell first.
  bool placed = !r.host.empty() || r.vm_state == vm_state::shelved_offloaded;
  if (rule.needs_host && !placed)
    return refusal(action, r.uuid, "vm_state", storage::nova_name(r.vm_state));
  if (!r.snapshots.empty() && drops_the_disk(action))
    return "Cannot '" + std::string(storage::nova_name(action)) + "' instance " + r.uuid
           + " while it has snapshot points: delete them first";
  return {};
}

std::string check_lock(server_action action, const storage::instance_record& r, bool is_admin) {
  if (!r.locked || is_admin || action == server_action::lock || action == server_action::unlock)
    return {};
  return "Instance " + r.uuid + " is locked";
}

bool may_unlock(const storage::instance_record& r, bool is_admin) {
  return is_admin || !r.locked || r.locked_by != "admin";
}

task_state task_for(server_action action, bool hard) { return action_rule_for(action, hard).task; }

std::string event_for(server_action action) {
  switch (action) {
  case server_action::create:
    return "compute__do_build_and_run_instance";
  case server_action::delete_server:
    return "compute_terminate_instance";
  case server_action::soft_delete:
    return "compute_soft_delete_instance";
  case server_action::reboot:
    return "compute_reboot_instance";
  case server_action::shelve_offload:
    return "compute_shelve_offload_instance";
  case server_action::change_password:
    return "compute_set_admin_password";
  case server_action::trigger_crash_dump:
    return "compute_trigger_crash_dump";
  case server_action::resize:
  case server_action::migrate:
    return "compute_resize_instance";
  case server_action::confirm_resize:
    return "compute_confirm_resize";
  case server_action::revert_resize:
    return "compute_revert_resize";
  case server_action::live_migration:
    return "compute_live_migration";
  case server_action::evacuate:
    return "compute_rebuild_instance";
  case server_action::create_image:
    return "compute_snapshot_instance";
  case server_action::create_backup:
    return "compute_backup_instance";
  case server_action::create_snapshot:
    return "compute_snapshot_point";
  case server_action::revert_snapshot:
    return "compute_revert_to_point";
  case server_action::delete_snapshot:
    return "compute_merge_point";
  default:
    return "compute_" + std::string(storage::nova_name(action)) + "_instance";
  }
}

storage::instance_action begin_action(const storage::instance_record& r, server_action action,
                                      const std::string& request_id, const std::string& user_id,
                                      const std::string& project_id, std::int64_t now_us) {
  storage::instance_action a;
  a.request_id = request_id;
  a.instance_uuid = r.uuid;
  a.action = action;
  a.user_id = user_id;
  a.project_id = project_id;
  a.start_us = a.updated_us = now_us;
  if (action_rule_for(action, false).call == host_call::none)
    return a; // the API does it all: no compute event (as Nova's lock)
  storage::action_event ev;
  ev.event = event_for(action);
  ev.start_us = now_us;
  ev.host = r.host;
  a.events.push_back(std::move(ev));
  return a;
}

vm_state vm_state_after(server_action action, vm_state before) {
  auto& after = action_rule_for(action, false).after;
  return after ? *after : before;
}

vm_state vm_state_after_restart(task_state task, vm_state now) {
  switch (task) {
  case task_state::powering_off:
    return vm_state::stopped;
  case task_state::pausing:
    return vm_state::paused;
  case task_state::suspending:
    return vm_state::suspended;
  case task_state::rescuing:
    return vm_state::rescued;
  case task_state::shelving:
  case task_state::shelving_offloading:
    return vm_state::shelved;
  case task_state::soft_deleting:
    return vm_state::soft_deleted;
  // The end of a move cut short: still resized (the cell sets its migration
  // back to finished, so it can be confirmed or reverted again).
  case task_state::resize_confirming:
  case task_state::resize_reverting:
    return vm_state::resized;
  case task_state::rebuilding: // a stopped server stays stopped
    return now == vm_state::stopped ? vm_state::stopped : vm_state::active;
  case task_state::powering_on:
  case task_state::rebooting:
  case task_state::rebooting_hard:
  case task_state::unpausing:
  case task_state::resuming:
  case task_state::unrescuing:
  case task_state::unshelving:
  case task_state::updating_password:
  case task_state::restoring:
    return vm_state::active;
  default:
    return now;
  }
}

power_sync_plan plan_power_sync(const storage::instance_record& r, hypervisor::power_state seen) {
  using hypervisor::power_state;
  power_sync_plan plan;
  if (r.task_state != task_state::none || r.host.empty())
    return plan; // a task in flight settles the power state itself
  plan.record = power_number(seen) != r.power_state;
  bool off = seen == power_state::shutdown || seen == power_state::crashed;
  switch (r.vm_state) {
  case vm_state::active:
  case vm_state::paused:
    plan.stop = off; // it shut down (or died) by itself: stopped, as Nova's stop API
    break;
  case vm_state::stopped:
    // Started behind Nimbus's back: off again, as the record says.
    plan.stop = !off && seen != power_state::nostate;
    break;
  default: // building, rescued, resized, suspended, shelved, soft-deleted (a stop
           // would make it stopped, no longer restorable), error: the record follows
    break;
  }
  return plan;
}

std::vector<storage::snapshot_point> chain_after(const std::vector<storage::snapshot_point>& known,
                                                 const std::vector<hypervisor::chain_point>& chain,
                                                 const storage::snapshot_point& made) {
  std::vector<storage::snapshot_point> out;
  for (auto& c : chain) {
    auto it = std::find_if(known.begin(), known.end(), [&](auto& p) { return p.id == c.id; });
    storage::snapshot_point p = it != known.end() ? *it : made;
    if (it == known.end() && c.id != made.id) { // made by a call a restart cut short
      p.id = p.name = c.id;
    }
    p.size_bytes = c.size_bytes;
    out.push_back(std::move(p));
  }
  return out;
}

hypervisor::power_state power_state_at_rest(vm_state s) {
  switch (s) {
  case vm_state::stopped:
  case vm_state::suspended: // libvirt's managed save: the domain is off
  case vm_state::shelved:
  case vm_state::soft_deleted:
    return hypervisor::power_state::shutdown;
  case vm_state::paused:
    return hypervisor::power_state::paused;
  case vm_state::shelved_offloaded:
    return hypervisor::power_state::nostate;
  default:
    return hypervisor::power_state::running;
  }
}

} // namespace nimbus::instance
