// POST /v2.1/servers/{id}/action (every action of server_action_bodies.h)
// and /v2.1/servers/{id}/os-instance-actions.
#include <algorithm>
#include <optional>

#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/handlers/nova_network_proxies.h"
#include "api/handlers/server_action_bodies.h"
#include "api/validation.h"
#include "api/views/action_view.h"
#include "compute/keypair_book.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

// What a rebuild answers before 2.75: PUT's restricted server.
view_context rebuild_view(const api_request& req, const compute::compute_api& compute,
                          const std::string& uuid) {
  auto v = view_of(req, compute, uuid);
  v.update_body = !req.version.at_least(2, 75);
  return v;
}

// A rebuild answers 202 with the server as it is rebuilt, and its new
// password (generated unless given).
void rebuild(compute::compute_api& compute, const api_request& req, action_request request,
             reply_fn reply) {
  if (!compute.image(request.image_ref))
    return reply(bad_request("Cannot find image for rebuild"));
  auto& key = request.fields.key_name; // the caller's own key pairs, as at create
  if (!key.empty() && !compute.keypairs().find(req.ctx.user_id, key))
    return reply(bad_request("Invalid key_name provided."));
  if (request.admin_pass.empty())
    request.admin_pass = compute::generate_admin_password();
  auto uuid = request.uuid;
  auto pass = request.admin_pass;
  compute.server_action(
    req.ctx, request, [&compute, &req, uuid, pass, reply = std::move(reply)](auto result) mutable {
      if (!result.ok())
        return reply(fault_response(*result.error));
      compute.get_server(
        req.ctx, uuid,
        [v = rebuild_view(req, compute, uuid), pass, reply = std::move(reply)](auto server) {
          if (!server.ok())
            return reply(fault_response(*server.error));
          json_writer w(2048);
          write_server_detail(w, server.value, v);
          auto body = nlohmann::json::parse(w.take());
          body["adminPass"] = pass;
          // From 2.75 the full server, but its user data as
          // "user_data" (below), not the extended attribute.
          body.erase("OS-EXT-SRV-ATTR:user_data");
          if (v.version.at_least(2, 54)) // a rebuild may set it from 2.54
            body["key_name"] = server.value.key_name.empty()
                                 ? nlohmann::json(nullptr)
                                 : nlohmann::json(server.value.key_name);
          if (v.version.at_least(2, 57)) // a rebuild may set it from 2.57
            body["user_data"] = server.value.user_data.empty()
                                  ? nlohmann::json(nullptr)
                                  : nlohmann::json(server.value.user_data);
          reply(json_response(202, {{"server", body}}));
        });
    });
}

void act(compute::compute_api& compute, const api_request& req, const std::string& uuid,
         reply_fn reply) {
  if (is_network_action(req))
    return network_action(compute, req, uuid, reply);
  parsed_action parsed;
  bool no_such_action = false;
  if (auto refusal = parse_action_body(req, &parsed, &no_such_action)) {
    if (!no_such_action)
      return reply(*refusal);
    // An action Nimbus does not have is refused for a server that exists:
    // for any other id the answer is that there is no such server.
    return compute.get_server(req.ctx, uuid,
                              [refusal = *refusal, reply = std::move(reply)](auto server) {
                                reply(server.ok() ? refusal : fault_response(*server.error));
                              });
  }
  if (auto refusal = refused_on_server(compute, req, uuid, parsed.rule))
    return reply(*refusal);
  if (parsed.console_output)
    return compute.console_output(
      req.ctx, uuid, [length = parsed.console_length, reply = std::move(reply)](auto result) {
        if (!result.ok())
          return reply(fault_response(*result.error));
        reply(json_response(200, {{"output", tail_lines(result.value, length)}}));
      });
  auto& request = parsed.request;
  request.uuid = uuid;
  // A rescue answers with the rescue system's password (generated unless given).
  std::string rescue_pass;
  if (request.action == storage::server_action::rescue) {
    if (request.admin_pass.empty())
      request.admin_pass = compute::generate_admin_password();
    rescue_pass = request.admin_pass;
  }
  if (request.action == storage::server_action::rebuild)
    return rebuild(compute, req, std::move(request), std::move(reply));
  if (request.action == storage::server_action::delete_server) // forceDelete
    return compute.delete_server(
      req.ctx, uuid,
      [reply = std::move(reply)](auto result) {
        reply(result.ok() ? api_response{202, "", {}} : fault_response(*result.error));
      },
      true);
  if (request.action == storage::server_action::create_image)
    return compute.create_image(
      req.ctx, uuid, request.fields.name, request.fields.metadata, std::string{},
      [&req, reply = std::move(reply)](auto result) {
        if (!result.ok())
          return reply(fault_response(*result.error));
        // 2.45: the image's id in the body, instead of its location.
        if (req.version.at_least(2, 45))
          return reply(json_response(202, {{"image_id", result.value.id}}));
        api_response resp{202, "", {}};
        resp.headers["location"] = req.base_url + "/v2.1/images/" + result.value.id;
        reply(std::move(resp));
      });
  if (request.action == storage::server_action::create_backup)
    return compute.create_backup(
      req.ctx, uuid, request.fields.name, parsed.backup_type, parsed.backup_rotation,
      request.fields.metadata, [&req, reply = std::move(reply)](auto result) {
        if (!result.ok())
          return reply(fault_response(*result.error));
        if (!result.value) // rotation 0: nothing made
          return reply(req.version.at_least(2, 45) ? json_response(202, json::object())
                                                   : api_response{202, "", {}});
        if (req.version.at_least(2, 45))
          return reply(json_response(202, {{"image_id", result.value->id}}));
        api_response resp{202, "", {}};
        resp.headers["location"] = req.base_url + "/v2.1/images/" + result.value->id;
        reply(std::move(resp));
      });
  if (request.action == storage::server_action::resize) {
    auto flavor = compute.flavor(request.flavor.id);
    if (!flavor || !compute.flavor_visible(req.ctx, *flavor))
      return reply(bad_request("Unable to locate requested flavor."));
    request.flavor = *flavor;
  }
  // An evacuation answers 200, with the server's new password before 2.14.
  std::string evacuate_pass;
  if (request.action == storage::server_action::evacuate && !req.version.at_least(2, 14))
    evacuate_pass =
      request.admin_pass.empty() ? compute::generate_admin_password() : request.admin_pass;
  auto status = request.action == storage::server_action::confirm_resize ? 204
                : request.action == storage::server_action::evacuate     ? 200
                                                                         : 202;
  compute.server_action(
    req.ctx, request, [rescue_pass, evacuate_pass, status, reply = std::move(reply)](auto result) {
      if (!result.ok())
        return reply(fault_response(*result.error));
      if (!rescue_pass.empty())
        return reply(json_response(200, {{"adminPass", rescue_pass}}));
      if (!evacuate_pass.empty())
        return reply(json_response(200, {{"adminPass", evacuate_pass}}));
      reply(api_response{status, "", {}});
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
  auto rules = action_rules();
  for (auto& rule : network_action_rules())
    rules.push_back(rule);
  r.add_async("POST", "/v2.1/servers/{}/action", access::owner(rules),
              [&](const api_request& req, const params& p, reply_fn reply) {
                act(compute, req, p[0], std::move(reply));
              });
  r.add_async("GET", "/v2.1/servers/{}/os-instance-actions",
              access::owner({"os_compute_api:os-instance-actions:list"}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused_on_server(compute, req, p[0],
                                                     "os_compute_api:os-instance-actions:list"))
                  return reply(*refusal);
                compute.instance_actions(req.ctx, p[0], req.version.at_least(2, 21),
                                         [v = view_of(req), reply = std::move(reply)](auto result) {
                                           if (!result.ok())
                                             return reply(fault_response(*result.error));
                                           json list = json::array();
                                           for (auto& a : newest_first(std::move(result.value)))
                                             list.push_back(action_brief(a, v));
                                           reply(json_response(200, {{"instanceActions", list}}));
                                         });
              });
  r.add_async("GET", "/v2.1/servers/{}/os-instance-actions/{}",
              access::owner({"os_compute_api:os-instance-actions:show"}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused_on_server(compute, req, p[0],
                                                     "os_compute_api:os-instance-actions:show"))
                  return reply(*refusal);
                const auto& uuid = p[0];
                const auto& request_id = p[1];
                compute.instance_actions(
                  req.ctx, uuid, req.version.at_least(2, 21),
                  [&compute, &req, uuid, request_id, reply = std::move(reply)](auto result) {
                    if (!result.ok())
                      return reply(fault_response(*result.error));
                    for (auto& a : result.value)
                      if (a.request_id == request_id) {
                        // The hostId of the events is hashed with the server's project.
                        compute.get_server(req.ctx, uuid, [&req, a, reply](auto server) {
                          auto project = server.ok() ? server.value.project_id : req.ctx.project_id;
                          reply(json_response(
                            200, {{"instanceAction", action_detail(a, project, view_of(req))}}));
                        });
                        return;
                      }
                    reply(not_found("Action for request_id " + request_id + " on instance " + uuid
                                    + " not found"));
                  });
              });
}

} // namespace nimbus::api
