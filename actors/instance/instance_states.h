#pragma once
// Nova's instance state machine: vm_state is where the instance rests,
// task_state is what is in flight (empty: nothing).
//
//                 boot ok                      stop
//   building ─────────────► active ───────────────────────► stopped
//   (scheduling,            (task: rebooting,  ◄───────────── (task:
//    spawning)               rebooting_hard)       start       powering-on)
//      │ no host /      │ ▲ pause/unpause ──► paused
//      │ spawn failed   │ ▲ suspend/resume ─► suspended
//      ▼                │ ▲ rescue/unrescue ► rescued
//    error              │ ▲ shelve/unshelve ► shelved ─ offload ─► shelved_offloaded
//                       ▼                                          (no host, no claim)
//   active/stopped ─ resize/migrate ─► resized ─ confirm ─► active/stopped
//                                       └──── revert (back on the source) ─┘
//   active/paused ─ live migration ─► the same, on another host
//   active/stopped/error ─ evacuate (its host is down) ─► active (stopped, 2.95)
//   delete (task: deleting), from any state ─► [gone]
//
// action_rule_for() is the rule book of Nova's check_instance_state and of
// what each action does to the states; the instance actor consults it
// before every action and follows it after.
#include <optional>
#include <string>
#include <vector>

#include "hypervisor/types.h"
#include "storage/records.h"

namespace nimbus::instance {

using storage::server_action;
using storage::task_state;
using storage::vm_state;

/// What the host does for an action, beyond the domain_ops.
enum class host_call : std::uint8_t {
  none,         // the action changes the record only (lock, resetState)
  domain_op,    // one domain_op (rule.op)
  set_password, // changePassword
  destroy,      // delete, shelveOffload
  spawn,        // unshelve of a shelved_offloaded server, on the host claimed for it
  rebuild,      // the domain goes and comes back on the same host (its claim stays)
  move,         // to another host or flavor, or the end of a move (instance_moves.cpp)
  chain,        // a call on the root disk's snapshot chain (chain_op_for)
};

struct action_rule {
  std::vector<vm_state> from;         // vm_states it may start in; empty: any
  std::vector<task_state> tasks_ok;   // task_states it may start during; empty: any
  task_state task = task_state::none; // while it runs (none: it has no task)
  std::optional<vm_state> after;      // on success; nullopt: unchanged
  host_call call = host_call::none;
  hypervisor::domain_op op = hypervisor::domain_op::power_off; // for host_call::domain_op
  bool needs_host = true; // the server must be on a host (not for record-only actions)
};

/// The rule of an action (`hard` tells the two reboots apart).
const action_rule& action_rule_for(server_action action, bool hard);

/// Empty if `action` is allowed on `r`; otherwise Nova's 409 message, naming
/// the vm_state or task_state in the way.
std::string check_action(server_action action, bool hard, const storage::instance_record& r);

/// Empty if the lock on `r` (if any) lets the caller act; otherwise Nova's
/// 409 "Instance ... is locked". Admins pass; lock and unlock have their own
/// rule (may_unlock).
std::string check_lock(server_action action, const storage::instance_record& r, bool is_admin);

/// Whether the caller may lift `r`'s lock: an admin always, the owner only
/// a lock the owner set (Nova's unlock_override rule).
bool may_unlock(const storage::instance_record& r, bool is_admin);

/// The task_state an accepted action puts the instance in.
task_state task_for(server_action action, bool hard);

/// Nova's instance action event name for an action ("compute_stop_instance").
std::string event_for(server_action action);

/// An instance action as it starts: its first event open on `r`'s host.
storage::instance_action begin_action(const storage::instance_record& r, server_action action,
                                      const std::string& request_id, const std::string& user_id,
                                      const std::string& project_id, std::int64_t now_us);

/// The vm_state an action leaves behind when it succeeds, from `before`.
vm_state vm_state_after(server_action action, vm_state before);

/// Where an instance rests when a restart cut its task short: an accepted
/// action counts as done (the host then aligns the domain with the record),
/// so a 202 is never lost. An offload cut short stays shelved (the domain may
/// still be there); an unshelve of an offloaded server is re-run instead.
vm_state vm_state_after_restart(task_state task, vm_state now);

/// What a power-state sync does for `r`, whose domain its host saw in `seen`
/// (Nova's _sync_instance_power_state): record the power state seen, and
/// stop the server where the guest went off by itself (the record: stopped)
/// or came on behind Nimbus's back (off again). Nothing while a task is in
/// flight. A domain that is not there (nostate) is recorded, not acted on.
struct power_sync_plan {
  bool record = false;
  bool stop = false;
};
power_sync_plan plan_power_sync(const storage::instance_record& r, hypervisor::power_state seen);

/// The record's snapshot chain once the host answered with `chain`: the
/// host's points in its order, with their sizes; names and times from
/// `known`, or from `made` for the point just made. A point the record
/// does not know (made by a call a restart cut short) is adopted under its id.
std::vector<storage::snapshot_point> chain_after(const std::vector<storage::snapshot_point>& known,
                                                 const std::vector<hypervisor::chain_point>& chain,
                                                 const storage::snapshot_point& made);

/// The power state an instance at rest in `s` has (stopped: shut down).
hypervisor::power_state power_state_at_rest(vm_state s);

/// The record's number for a power state (Nova shows power states as numbers).
inline std::int32_t power_number(hypervisor::power_state s) { return static_cast<std::int32_t>(s); }

} // namespace nimbus::instance
