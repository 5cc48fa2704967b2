#include <doctest/doctest.h>

#include "actors/instance/instance_states.h"

using namespace nimbus::instance;

namespace {
nimbus::storage::instance_record rec(const std::string& vm, const std::string& task = "") {
  nimbus::storage::instance_record r;
  r.uuid = "u";
  r.host = "h";
  r.vm_state = vm;
  r.task_state = task;
  return r;
}
} // namespace

TEST_CASE("Nova's rules for stop, start, reboot and delete") {
  CHECK(check_action("stop", false, rec("active")).empty());
  CHECK(check_action("stop", false, rec("stopped"))
        == "Cannot 'stop' instance u while it is in vm_state stopped");
  CHECK(check_action("stop", false, rec("active", "rebooting"))
        == "Cannot 'stop' instance u while it is in task_state rebooting");
  CHECK(check_action("start", false, rec("stopped")).empty());
  CHECK(check_action("start", false, rec("active"))
        == "Cannot 'start' instance u while it is in vm_state active");
  CHECK(check_action("reboot", false, rec("active")).empty());
  CHECK(check_action("reboot", false, rec("stopped"))
        == "Cannot 'reboot' instance u while it is in vm_state stopped");
  CHECK(check_action("reboot", true, rec("stopped")).empty()); // a hard reboot starts it
  CHECK(check_action("reboot", false, rec("building", "spawning"))
        == "Cannot 'reboot' instance u while it is in vm_state building");
  CHECK(check_action("delete", false, rec("building", "spawning")).empty());
  CHECK(check_action("delete", false, rec("error")).empty());
  auto unplaced = rec("error");
  unplaced.host.clear();
  CHECK(check_action("stop", false, unplaced)
        == "Cannot 'stop' instance u while it is in vm_state error");
}

TEST_CASE("task states and events of each action") {
  CHECK(task_for("stop", false) == "powering-off");
  CHECK(task_for("start", false) == "powering-on");
  CHECK(task_for("reboot", false) == "rebooting");
  CHECK(task_for("reboot", true) == "rebooting_hard");
  CHECK(task_for("delete", false) == "deleting");
  CHECK(event_for("stop") == "compute_stop_instance");
  CHECK(event_for("create") == "compute__do_build_and_run_instance");
  CHECK(vm_state_after("stop") == "stopped");
  CHECK(vm_state_after("reboot") == "active");
}
