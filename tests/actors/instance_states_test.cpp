#include <doctest/doctest.h>

#include "actors/instance/instance_states.h"

using namespace nimbus::instance;

namespace {
nimbus::storage::instance_record rec(vm_state vm, task_state task = task_state::none) {
  nimbus::storage::instance_record r;
  r.uuid = "u";
  r.host = "h";
  r.vm_state = vm;
  r.task_state = task;
  return r;
}
constexpr auto stop = server_action::stop;
constexpr auto start = server_action::start;
constexpr auto reboot = server_action::reboot;
constexpr auto del = server_action::delete_server;
} // namespace

TEST_CASE("Nova's rules for stop, start, reboot and delete") {
  CHECK(check_action(stop, false, rec(vm_state::active)).empty());
  CHECK(check_action(stop, false, rec(vm_state::stopped))
        == "Cannot 'stop' instance u while it is in vm_state stopped");
  CHECK(check_action(stop, false, rec(vm_state::active, task_state::rebooting))
        == "Cannot 'stop' instance u while it is in task_state rebooting");
  CHECK(check_action(start, false, rec(vm_state::stopped)).empty());
  CHECK(check_action(start, false, rec(vm_state::active))
        == "Cannot 'start' instance u while it is in vm_state active");
  CHECK(check_action(reboot, false, rec(vm_state::active)).empty());
  CHECK(check_action(reboot, false, rec(vm_state::stopped))
        == "Cannot 'reboot' instance u while it is in vm_state stopped");
  CHECK(check_action(reboot, true, rec(vm_state::stopped)).empty()); // a hard reboot starts it
  CHECK(check_action(reboot, false, rec(vm_state::building, task_state::spawning))
        == "Cannot 'reboot' instance u while it is in vm_state building");
  CHECK(check_action(stop, false, rec(vm_state::active, task_state::powering_off))
        == "Cannot 'stop' instance u while it is in task_state powering-off");
  CHECK(check_action(del, false, rec(vm_state::building, task_state::spawning)).empty());
  CHECK(check_action(del, false, rec(vm_state::error)).empty());
  auto unplaced = rec(vm_state::error);
  unplaced.host.clear();
  CHECK(check_action(stop, false, unplaced)
        == "Cannot 'stop' instance u while it is in vm_state error");
}

TEST_CASE("task states and events of each action") {
  CHECK(task_for(stop, false) == task_state::powering_off);
  CHECK(task_for(start, false) == task_state::powering_on);
  CHECK(task_for(reboot, false) == task_state::rebooting);
  CHECK(task_for(reboot, true) == task_state::rebooting_hard);
  CHECK(task_for(del, false) == task_state::deleting);
  CHECK(event_for(stop) == "compute_stop_instance");
  CHECK(event_for(server_action::create) == "compute__do_build_and_run_instance");
  CHECK(event_for(del) == "compute_terminate_instance");
  CHECK(vm_state_after(stop, vm_state::active) == vm_state::stopped);
  CHECK(vm_state_after(reboot, vm_state::active) == vm_state::active);
  CHECK(vm_state_after(server_action::trigger_crash_dump, vm_state::paused) == vm_state::paused);
  CHECK(vm_state_after(server_action::shelve_offload, vm_state::shelved)
        == vm_state::shelved_offloaded);
  CHECK(power_state_at_rest(vm_state::stopped) == nimbus::hypervisor::power_state::shutdown);
  CHECK(power_state_at_rest(vm_state::active) == nimbus::hypervisor::power_state::running);
}

TEST_CASE("Nova's names of states and actions, both ways") {
  using namespace nimbus::storage;
  for (auto s : {vm_state::building, vm_state::active, vm_state::stopped, vm_state::error,
                 vm_state::unknown})
    CHECK(vm_state_named(nova_name(s)) == s);
  for (auto s : {task_state::none, task_state::scheduling, task_state::spawning,
                 task_state::powering_off, task_state::powering_on, task_state::rebooting,
                 task_state::rebooting_hard, task_state::deleting})
    CHECK(task_state_named(nova_name(s)) == s);
  for (auto a : {server_action::create, server_action::stop, server_action::start,
                 server_action::reboot, server_action::delete_server, server_action::pause,
                 server_action::shelve_offload, server_action::reset_state})
    CHECK(server_action_named(nova_name(a)) == a);
  CHECK(nova_name(task_state::none).empty());
  CHECK(nova_name(task_state::powering_off) == "powering-off");
  CHECK(nova_name(server_action::delete_server) == "delete");
  CHECK_FALSE(vm_state_named("deleted").has_value());
}

TEST_CASE("Nova's rules for pause, suspend, rescue, shelve and the record-only actions") {
  using vs = vm_state;
  CHECK(check_action(server_action::pause, false, rec(vs::active)).empty());
  CHECK(check_action(server_action::pause, false, rec(vs::stopped))
        == "Cannot 'pause' instance u while it is in vm_state stopped");
  CHECK(check_action(server_action::unpause, false, rec(vs::paused)).empty());
  CHECK(check_action(server_action::suspend, false, rec(vs::paused))
        == "Cannot 'suspend' instance u while it is in vm_state paused");
  CHECK(check_action(server_action::resume, false, rec(vs::suspended)).empty());
  CHECK(check_action(server_action::rescue, false, rec(vs::stopped)).empty());
  CHECK(check_action(server_action::unrescue, false, rec(vs::active))
        == "Cannot 'unrescue' instance u while it is in vm_state active");
  for (auto from : {vs::active, vs::stopped, vs::paused, vs::suspended})
    CHECK(check_action(server_action::shelve, false, rec(from)).empty());
  CHECK(check_action(server_action::shelve, false, rec(vs::active, task_state::pausing))
        == "Cannot 'shelve' instance u while it is in task_state pausing");
  CHECK(check_action(server_action::shelve_offload, false, rec(vs::shelved)).empty());
  // An offloaded server has no host, and still unshelves (its cell claims one).
  auto offloaded = rec(vs::shelved_offloaded);
  offloaded.host.clear();
  CHECK(check_action(server_action::unshelve, false, offloaded).empty());
  CHECK(check_action(server_action::stop, false, offloaded)
        == "Cannot 'stop' instance u while it is in vm_state shelved_offloaded");
  CHECK(check_action(server_action::change_password, false, rec(vs::stopped))
        == "Cannot 'changePassword' instance u while it is in vm_state stopped");
  CHECK(check_action(server_action::trigger_crash_dump, false, rec(vs::rescued)).empty());
  // lock, unlock and resetState: any state, any task, placed or not.
  auto busy = rec(vs::building, task_state::spawning);
  busy.host.clear();
  for (auto a : {server_action::lock, server_action::unlock, server_action::reset_state})
    CHECK(check_action(a, false, busy).empty());
  CHECK(task_for(server_action::pause, false) == task_state::pausing);
  CHECK(task_for(server_action::lock, false) == task_state::none);
  CHECK(event_for(server_action::shelve_offload) == "compute_shelve_offload_instance");
  CHECK(event_for(server_action::change_password) == "compute_set_admin_password");
  CHECK(event_for(server_action::suspend) == "compute_suspend_instance");
  CHECK(begin_action(rec(vs::active), server_action::lock, "r", "u", "p", 1).events.empty());
  CHECK(begin_action(rec(vs::active), server_action::pause, "r", "u", "p", 1).events.size() == 1);
  CHECK(power_state_at_rest(vs::paused) == nimbus::hypervisor::power_state::paused);
  CHECK(power_state_at_rest(vs::suspended) == nimbus::hypervisor::power_state::shutdown);
}

TEST_CASE("a lock stops everyone but admins; only an admin lifts an admin's lock") {
  auto r = rec(vm_state::active);
  CHECK(check_lock(stop, r, false).empty());
  r.locked = true;
  r.locked_by = "owner";
  CHECK(check_lock(stop, r, false) == "Instance u is locked");
  CHECK(check_lock(del, r, false) == "Instance u is locked");
  CHECK(check_lock(stop, r, true).empty());
  CHECK(check_lock(server_action::unlock, r, false).empty());
  CHECK(may_unlock(r, false));
  r.locked_by = "admin";
  CHECK_FALSE(may_unlock(r, false));
  CHECK(may_unlock(r, true));
}

TEST_CASE("a task a restart cut short counts as done: no accepted action is lost") {
  CHECK(vm_state_after_restart(task_state::powering_off, vm_state::active) == vm_state::stopped);
  CHECK(vm_state_after_restart(task_state::pausing, vm_state::active) == vm_state::paused);
  CHECK(vm_state_after_restart(task_state::soft_deleting, vm_state::active)
        == vm_state::soft_deleted);
  CHECK(vm_state_after_restart(task_state::shelving_offloading, vm_state::shelved)
        == vm_state::shelved);
  CHECK(vm_state_after_restart(task_state::rebuilding, vm_state::stopped) == vm_state::stopped);
  CHECK(vm_state_after_restart(task_state::restoring, vm_state::soft_deleted) == vm_state::active);
  CHECK(vm_state_after_restart(task_state::none, vm_state::paused) == vm_state::paused);
}

TEST_CASE("the power-state sync follows Nova's _sync_instance_power_state") {
  using nimbus::hypervisor::power_state;
  auto at = [](vm_state vm, power_state recorded, task_state task = task_state::none) {
    auto r = rec(vm, task);
    r.power_state = power_number(recorded);
    return r;
  };
  // In step: nothing to do.
  auto p = plan_power_sync(at(vm_state::active, power_state::running), power_state::running);
  CHECK_FALSE(p.record);
  CHECK_FALSE(p.stop);
  // Off or crashed by itself: recorded, and stopped.
  p = plan_power_sync(at(vm_state::active, power_state::running), power_state::shutdown);
  CHECK(p.record);
  CHECK(p.stop);
  CHECK(plan_power_sync(at(vm_state::paused, power_state::paused), power_state::crashed).stop);
  // Started behind Nimbus's back: off again.
  CHECK(plan_power_sync(at(vm_state::stopped, power_state::shutdown), power_state::running).stop);
  // Gone, soft-deleted, suspended, or a task in flight: the record follows at most.
  p = plan_power_sync(at(vm_state::active, power_state::running), power_state::nostate);
  CHECK(p.record);
  CHECK_FALSE(p.stop);
  CHECK_FALSE(
    plan_power_sync(at(vm_state::soft_deleted, power_state::shutdown), power_state::running).stop);
  CHECK_FALSE(
    plan_power_sync(at(vm_state::suspended, power_state::shutdown), power_state::running).stop);
  p = plan_power_sync(at(vm_state::active, power_state::running, task_state::powering_off),
                      power_state::shutdown);
  CHECK_FALSE(p.record);
  CHECK_FALSE(p.stop);
}

TEST_CASE("the snapshot chain's rules, and actions that would lose it") {
  CHECK(check_action(server_action::create_snapshot, false, rec(vm_state::active)).empty());
  CHECK(check_action(server_action::revert_snapshot, false, rec(vm_state::stopped)).empty());
  CHECK(check_action(server_action::delete_snapshot, false, rec(vm_state::active)).empty());
  CHECK(check_action(server_action::delete_snapshot, false, rec(vm_state::paused))
        == "Cannot 'deleteSnapshot' instance u while it is in vm_state paused");
  CHECK(task_for(server_action::create_snapshot, false) == task_state::snapshotting);
  CHECK(event_for(server_action::revert_snapshot) == "compute_revert_to_point");
  auto r = rec(vm_state::active);
  r.snapshots.push_back({"p1", "one", 1, 0});
  CHECK(check_action(server_action::resize, false, r)
        == "Cannot 'resize' instance u while it has snapshot points: delete them first");
  CHECK_FALSE(check_action(server_action::rebuild, false, r).empty());
  CHECK(check_action(server_action::stop, false, r).empty());
  // The record takes the host's chain: its order and sizes, the names it knows.
  nimbus::storage::snapshot_point made{"p2", "two", 5, 0};
  auto after = chain_after(r.snapshots, {{"p1", 10}, {"p2", 20}, {"px", 30}}, made);
  REQUIRE(after.size() == 3);
  CHECK(after[0].name == "one");
  CHECK(after[0].size_bytes == 10);
  CHECK(after[1].name == "two");
  CHECK(after[1].created_us == 5);
  CHECK(after[2].name == "px"); // made by a call a restart cut short: adopted
}
