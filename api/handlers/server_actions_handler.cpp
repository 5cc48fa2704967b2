// POST /v2.1/servers/{id}/action (os-stop, os-start, reboot) and
// /v2.1/servers/{id}/os-instance-actions.
#include <algorithm>
#include <optional>

#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "api/views/action_view.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::vector<std::string> reboot_types{"HARD", "Hard", "hard", "SOFT", "Soft", "soft"};

// Which action a body asks for; answers the 400 when it asks for none.
// `*no_such_action` tells a body naming an action Nimbus lacks from one
// that is malformed.
std::optional<api_response> parse_action(const api_request& req, storage::server_action* action,
                                         bool* hard, bool* no_such_action) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || body->empty())
    return bad_request("Malformed request body");
  auto name = body->begin().key();
  auto& arg = body->begin().value();
  if (name == "os-stop") {
    *action = storage::server_action::stop;
  } else if (name == "os-start") {
    *action = storage::server_action::start;
  } else if (name == "reboot") {
    if (!arg.is_object())
      return bad_request(
        invalid_input("reboot", arg, python_repr(arg) + " is not of type 'object'"));
    if (!arg.contains("type"))
      return bad_request(invalid_input("reboot", arg, "'type' is a required property"));
    auto& type = arg["type"];
    if (!type.is_string()
        || std::find(reboot_types.begin(), reboot_types.end(), type.get<std::string>())
             == reboot_types.end())
      return bad_request(invalid_input(
        "type", type,
        python_repr(type) + " is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']"));
    *action = storage::server_action::reboot;
    *hard = type.get<std::string>()[0] == 'H' || type.get<std::string>()[0] == 'h';
  } else {
    *no_such_action = true;
    return bad_request("There is no such action: " + name);
  }
  return std::nullopt;
}

// The policy rule of each action the route takes.
const std::string stop_rule = "os_compute_api:servers:stop";
const std::string start_rule = "os_compute_api:servers:start";
const std::string reboot_rule = "os_compute_api:servers:reboot";

const std::string& rule_of(storage::server_action action) {
  switch (action) {
  case storage::server_action::stop:
    return stop_rule;
  case storage::server_action::start:
    return start_rule;
  default:
    return reboot_rule;
  }
}

void act(compute::compute_api& compute, const api_request& req, const std::string& uuid,
         reply_fn reply) {
  auto action = storage::server_action::stop;
  bool hard = false;
  bool no_such_action = false;
  if (auto refusal = parse_action(req, &action, &hard, &no_such_action)) {
    if (!no_such_action)
      return reply(*refusal);
    // An action Nimbus does not have is refused for a server that exists:
    // for any other id the answer is that there is no such server.
    return compute.get_server(req.ctx, uuid,
                              [refusal = *refusal, reply = std::move(reply)](auto server) {
                                reply(server.ok() ? refusal : fault_response(*server.error));
                              });
  }
  if (auto refusal = refused_on_server(compute, req, uuid, rule_of(action)))
    return reply(*refusal);
  compute.server_action(req.ctx, uuid, action, hard, [reply = std::move(reply)](auto result) {
    reply(result.ok() ? api_response{202, "", {}} : fault_response(*result.error));
  });
}

// Newest first, as Nova lists them.
std::vector<storage::instance_action> newest_first(std::vector<storage::instance_action> actions) {
  std::sort(actions.begin(), actions.end(), [](auto& a, auto& b) {
    return a.start_us != b.start_us ? a.start_us > b.start_us : a.request_id > b.request_id;
  });
  return actions;
}

} // namespace

void add_server_action_routes(router& r, compute::compute_api& compute) {
  r.add_async("POST", "/v2.1/servers/{}/action",
              access::owner({stop_rule, start_rule, reboot_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                act(compute, req, p[0], std::move(reply));
              });
  r.add_async("GET", "/v2.1/servers/{}/os-instance-actions",
              access::owner({"os_compute_api:os-instance-actions:list"}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused_on_server(compute, req, p[0],
                                                     "os_compute_api:os-instance-actions:list"))
                  return reply(*refusal);
                compute.instance_actions(req.ctx, p[0],
                                         [v = view_of(req), reply = std::move(reply)](auto result) {
                                           if (!result.ok())
                                             return reply(fault_response(*result.error));
                                           json list = json::array();
                                           for (auto& a : newest_first(std::move(result.value)))
                                             list.push_back(action_brief(a, v));
                                           reply(json_response(200, {{"instanceActions", list}}));
                                         });
              });
  r.add_async(
    "GET", "/v2.1/servers/{}/os-instance-actions/{}",
    access::owner({"os_compute_api:os-instance-actions:show"}),
    [&](const api_request& req, const params& p, reply_fn reply) {
      if (auto refusal =
            refused_on_server(compute, req, p[0], "os_compute_api:os-instance-actions:show"))
        return reply(*refusal);
      const auto& uuid = p[0];
      const auto& request_id = p[1];
      compute.instance_actions(
        req.ctx, uuid, [&compute, &req, uuid, request_id, reply = std::move(reply)](auto result) {
          if (!result.ok())
            return reply(fault_response(*result.error));
          for (auto& a : result.value)
            if (a.request_id == request_id) {
              // The hostId of the events is hashed with the server's project.
              compute.get_server(req.ctx, uuid, [&req, a, reply](auto server) {
                auto project = server.ok() ? server.value.project_id : req.ctx.project_id;
                reply(json_response(200,
                                    {{"instanceAction", action_detail(a, project, view_of(req))}}));
              });
              return;
            }
          reply(not_found("Action for request_id " + request_id + " on instance " + uuid
                          + " not found"));
        });
    });
}

} // namespace nimbus::api
