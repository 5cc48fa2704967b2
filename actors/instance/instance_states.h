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

#include "storage/records.h"

namespace nimbus::instance {

namespace vm_state {
inline const std::string active = "active";
inline const std::string building = "building";
inline const std::string stopped = "stopped";
inline const std::string error = "error";
} // namespace vm_state

namespace task_state {
inline const std::string none;
inline const std::string scheduling = "scheduling";
inline const std::string spawning = "spawning";
inline const std::string powering_off = "powering-off";
inline const std::string powering_on = "powering-on";
inline const std::string rebooting = "rebooting";
inline const std::string rebooting_hard = "rebooting_hard";
inline const std::string deleting = "deleting";
} // namespace task_state

/// Empty if `action` ("stop", "start", "reboot", "delete") is allowed on `r`;
/// otherwise Nova's 409 message, naming the vm_state or task_state in the way.
std::string check_action(const std::string& action, bool hard, const storage::instance_record& r);

/// The task_state an accepted action puts the instance in.
const std::string& task_for(const std::string& action, bool hard);

/// Nova's instance action event name for an action ("compute_stop_instance").
std::string event_for(const std::string& action);

/// An instance action as it starts: its first event open on `r`'s host.
storage::instance_action begin_action(const storage::instance_record& r, const std::string& action,
                                      const std::string& request_id, const std::string& user_id,
                                      const std::string& project_id, std::int64_t now_us);

/// The vm_state an action leaves behind when it succeeds.
const std::string& vm_state_after(const std::string& action);

} // namespace nimbus::instance
