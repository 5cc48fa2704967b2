#include "actors/instance/instance_states.h"

#include <algorithm>
#include <vector>

#include "actors/protocol/errors.h"

namespace nimbus::instance {
namespace {

struct rule {
  std::vector<vm_state> vm_states;     // where the action may start
  std::vector<task_state> task_states; // what may be in flight meanwhile
};

template <class T>
bool contains(const std::vector<T>& v, T x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

rule rule_for(server_action action, bool hard) {
  switch (action) {
  case server_action::stop:
    return {{vm_state::active, vm_state::error}, {task_state::none}};
  case server_action::start:
    return {{vm_state::stopped}, {task_state::none}};
  case server_action::reboot:
    if (hard)
      return {{vm_state::active, vm_state::stopped, vm_state::error},
              {task_state::none, task_state::rebooting}};
    return {{vm_state::active}, {task_state::none}};
  case server_action::create:
  case server_action::delete_server:
    break;
  }
  return {{}, {}};
}

std::string refusal(server_action action, const std::string& uuid, const char* attribute,
                    std::string_view state) {
  return invalid_state_message(std::string(storage::nova_name(action)), uuid, attribute,
                               std::string(state));
}

} // namespace

std::string check_action(server_action action, bool hard, const storage::instance_record& r) {
  if (action == server_action::delete_server)
    return {}; // allowed from every state; a second delete joins the first
  auto allowed = rule_for(action, hard);
  if (!contains(allowed.vm_states, r.vm_state))
    return refusal(action, r.uuid, "vm_state", storage::nova_name(r.vm_state));
  if (!contains(allowed.task_states, r.task_state))
    return refusal(action, r.uuid, "task_state", storage::nova_name(r.task_state));
  if (r.host.empty()) // never placed: there is no domain to act on
    return refusal(action, r.uuid, "vm_state", storage::nova_name(r.vm_state));
  return {};
}

task_state task_for(server_action action, bool hard) {
  switch (action) {
  case server_action::stop:
    return task_state::powering_off;
  case server_action::start:
    return task_state::powering_on;
  case server_action::reboot:
    return hard ? task_state::rebooting_hard : task_state::rebooting;
  case server_action::delete_server:
    return task_state::deleting;
  case server_action::create:
    return task_state::spawning;
  }
  return task_state::none;
}

std::string event_for(server_action action) {
  switch (action) {
  case server_action::create:
    return "compute__do_build_and_run_instance";
  case server_action::delete_server:
    return "compute_terminate_instance";
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
  storage::action_event ev;
  ev.event = event_for(action);
  ev.start_us = now_us;
  ev.host = r.host;
  a.events.push_back(std::move(ev));
  return a;
}

vm_state vm_state_after(server_action action) {
  return action == server_action::stop ? vm_state::stopped : vm_state::active;
}

hypervisor::power_state power_state_at_rest(vm_state s) {
  return s == vm_state::stopped ? hypervisor::power_state::shutdown
                                : hypervisor::power_state::running;
}

} // namespace nimbus::instance
