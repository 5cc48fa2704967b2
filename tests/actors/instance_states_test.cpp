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
  CHECK(vm_state_after(stop) == vm_state::stopped);
  CHECK(vm_state_after(reboot) == vm_state::active);
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
                 server_action::reboot, server_action::delete_server})
    CHECK(server_action_named(nova_name(a)) == a);
  CHECK(nova_name(task_state::none).empty());
  CHECK(nova_name(task_state::powering_off) == "powering-off");
  CHECK(nova_name(server_action::delete_server) == "delete");
  CHECK_FALSE(vm_state_named("resized").has_value());
}
