// Nova's server status: a vm_state with a task_state on top, as the compute
// API shows it (nova/api/openstack/common.py's state map).
#include "compute/compute_api.h"

namespace nimbus::compute {

namespace {

bool resizing(storage::task_state t) {
  using storage::task_state;
  return t == task_state::resize_prep || t == task_state::resize_migrating
         || t == task_state::resize_migrated || t == task_state::resize_finish;
}

} // namespace

std::string server_status(const storage::instance_record& r) {
  using storage::task_state;
  using storage::vm_state;
  auto t = r.task_state;
  switch (r.vm_state) {
  case vm_state::building:
    return "BUILD";
  case vm_state::error:
    return t == task_state::rebuilding ? "REBUILD" : "ERROR";
  case vm_state::stopped:
    if (t == task_state::rebuilding)
      return "REBUILD";
    return resizing(t) ? "RESIZE" : "SHUTOFF";
  case vm_state::active:
    if (t == task_state::rebooting)
      return "REBOOT";
    if (t == task_state::rebooting_hard)
      return "HARD_REBOOT";
    if (t == task_state::updating_password)
      return "PASSWORD";
    if (t == task_state::rebuilding)
      return "REBUILD";
    if (t == task_state::migrating)
      return "MIGRATING";
    return resizing(t) ? "RESIZE" : "ACTIVE";
  case vm_state::resized:
    return t == task_state::resize_reverting ? "REVERT_RESIZE" : "VERIFY_RESIZE";
  case vm_state::paused:
    return t == task_state::migrating ? "MIGRATING" : "PAUSED";
  case vm_state::suspended:
    return "SUSPENDED";
  case vm_state::rescued:
    return "RESCUE";
  case vm_state::shelved:
    return "SHELVED";
  case vm_state::shelved_offloaded:
    return "SHELVED_OFFLOADED";
  case vm_state::soft_deleted:
    return "SOFT_DELETED";
  case vm_state::unknown:
    break;
  }
  return "UNKNOWN";
}

} // namespace nimbus::compute
