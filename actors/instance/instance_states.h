#pragma once
// Nova's instance state machine: vm_state is where the instance rests,
// task_state is what is in flight (empty: nothing).
//
//                 boot ok                      stop
//   building ─────────────► active ───────────────────────► stopped
//   (scheduling,            (task: rebooting,  ◄───────────── (task:
//    spawning)               rebooting_hard)       start       powering-on)
//      │ no host /             │  (task: powering-off)
//      │ spawn failed          │
//      ▼                       ▼ delete (task: deleting), from any state
//    error ───────────────► [gone]
//
// check_action() is the rule book of Nova's check_instance_state for the
// actions Nimbus serves; the instance actor consults it before every action.
#include <string>

#include "hypervisor/types.h"
#include "storage/records.h"

namespace nimbus::instance {

using storage::server_action;
using storage::task_state;
using storage::vm_state;

/// Empty if `action` is allowed on `r`; otherwise Nova's 409 message, naming
/// the vm_state or task_state in the way.
std::string check_action(server_action action, bool hard, const storage::instance_record& r);

/// The task_state an accepted action puts the instance in.
task_state task_for(server_action action, bool hard);

/// Nova's instance action event name for an action ("compute_stop_instance").
std::string event_for(server_action action);

/// An instance action as it starts: its first event open on `r`'s host.
storage::instance_action begin_action(const storage::instance_record& r, server_action action,
                                      const std::string& request_id, const std::string& user_id,
                                      const std::string& project_id, std::int64_t now_us);

/// The vm_state an action leaves behind when it succeeds.
vm_state vm_state_after(server_action action);

/// The power state an instance at rest in `s` has (stopped: shut down).
hypervisor::power_state power_state_at_rest(vm_state s);

/// The record's number for a power state (Nova shows power states as numbers).
inline std::int32_t power_number(hypervisor::power_state s) { return static_cast<std::int32_t>(s); }

} // namespace nimbus::instance
