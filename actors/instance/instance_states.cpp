#include "actors/instance/instance_states.h"

#include <algorithm>
#include <vector>

#include "actors/protocol/errors.h"

namespace nimbus::instance {
namespace {

struct rule {
  std::vector<std::string> vm_states;   // where the action may start
  std::vector<std::string> task_states; // what may be in flight meanwhile
};

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

rule rule_for(const std::string& action, bool hard) {
  if (action == "stop")
    return {{vm_state::active, vm_state::error}, {task_state::none}};
  if (action == "start")
    return {{vm_state::stopped}, {task_state::none}};
  if (action == "reboot" && hard)
    return {{vm_state::active, vm_state::stopped, vm_state::error},
            {task_state::none, task_state::rebooting}};
  if (action == "reboot")
    return {{vm_state::active}, {task_state::none}};
  return {{}, {}};
}

} // namespace

std::string check_action(const std::string& action, bool hard, const storage::instance_record& r) {
  if (action == "delete")
    return {}; // allowed from every state; a second delete joins the first
  auto allowed = rule_for(action, hard);
  if (!contains(allowed.vm_states, r.vm_state))
    return invalid_state_message(action, r.uuid, "vm_state", r.vm_state);
  if (!contains(allowed.task_states, r.task_state))
    return invalid_state_message(action, r.uuid, "task_state", r.task_state);
  if (r.host.empty()) // never placed: there is no domain to act on
    return invalid_state_message(action, r.uuid, "vm_state", r.vm_state);
  return {};
}

const std::string& task_for(const std::string& action, bool hard) {
  if (action == "stop")
    return task_state::powering_off;
  if (action == "start")
    return task_state::powering_on;
  if (action == "reboot")
    return hard ? task_state::rebooting_hard : task_state::rebooting;
  if (action == "delete")
    return task_state::deleting;
  return task_state::none;
}

std::string event_for(const std::string& action) {
  if (action == "create")
    return "compute__do_build_and_run_instance";
  if (action == "delete")
    return "compute_terminate_instance";
  return "compute_" + action + "_instance";
}

storage::instance_action begin_action(const storage::instance_record& r, const std::string& action,
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

const std::string& vm_state_after(const std::string& action) {
  return action == "stop" ? vm_state::stopped : vm_state::active;
}

} // namespace nimbus::instance
