// /v2.1/servers/{id}/snapshots: Nimbus's incremental snapshot chain of a
// server's root disk (docs/SNAPSHOTS.md), at every microversion. List and
// show read the server's record; create, revert and delete are server
// actions (answered 202 once durable, done by the server's host), and so is
// the image of a point (a createImage of that point).
#include "api/formats.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "storage/clock.h"
#include "storage/ids.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::string index_rule = "nimbus:servers:snapshots:index";
const std::string show_rule = "nimbus:servers:snapshots:show";
const std::string create_rule = "nimbus:servers:snapshots:create";
const std::string revert_rule = "nimbus:servers:snapshots:revert";
const std::string delete_rule = "nimbus:servers:snapshots:delete";
const std::string image_rule = "nimbus:servers:snapshots:image";

json point_view(const std::string& server, const storage::snapshot_point& p,
                const std::string& status) {
  return {{"id", p.id},           {"name", p.name},
          {"server_id", server},  {"created_at", iso_seconds(p.created_us)},
          {"size", p.size_bytes}, {"status", status}};
}

const storage::snapshot_point* find_point(const storage::instance_record& r,
                                          const std::string& id) {
  for (auto& p : r.snapshots)
    if (p.id == id)
      return &p;
  return nullptr;
}

api_response no_point(const std::string& id) {
  return not_found("Snapshot " + id + " could not be found.");
}

// Runs one chain action; 202 with `body` once it is durable.
void act(compute::compute_api& compute, const api_request& req, action_request a, json body,
         reply_fn reply) {
  compute.server_action(
    req.ctx, std::move(a), [body = std::move(body), reply = std::move(reply)](auto result) {
      if (!result.ok())
        return reply(fault_response(*result.error));
      reply(body.is_null() ? api_response{202, "", {}} : json_response(202, body));
    });
}

// The create body: {"snapshot": {"name": "..."}}, the name optional; the
// image body the same under "image".
std::optional<api_response> read_create(const api_request& req, std::string* name,
                                        const std::string& root = "snapshot") {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || !body->contains(root))
    return bad_request("'" + root + "' is a required property");
  for (auto& [key, value] : body->items())
    if (key != root)
      return bad_request(unexpected_property(key));
  auto& s = (*body)[root];
  if (!s.is_object())
    return bad_request(invalid_input(root, s, python_repr(s) + " is not of type 'object'"));
  for (auto& [key, value] : s.items())
    if (key != "name")
      return bad_request(unexpected_property(key));
  if (s.contains("name")) {
    if (auto refusal = check_name(s["name"]))
      return refusal;
    *name = s["name"].get<std::string>();
  }
  return std::nullopt;
}

} // namespace

void add_server_snapshot_routes(router& r, compute::compute_api& compute) {
  r.add_async("GET", "/v2.1/servers/{}/snapshots", access::owner({index_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused_on_server(compute, req, p[0], index_rule))
                  return reply(*refusal);
                compute.get_server(req.ctx, p[0], [reply = std::move(reply)](auto result) {
                  if (!result.ok())
                    return reply(fault_response(*result.error));
                  json list = json::array();
                  for (auto& point : result.value.snapshots)
                    list.push_back(point_view(result.value.uuid, point, "available"));
                  reply(json_response(200, {{"snapshots", list}}));
                });
              });
  r.add_async(
    "GET", "/v2.1/servers/{}/snapshots/{}", access::owner({show_rule}),
    [&](const api_request& req, const params& p, reply_fn reply) {
      if (auto refusal = refused_on_server(compute, req, p[0], show_rule))
        return reply(*refusal);
      compute.get_server(req.ctx, p[0], [id = p[1], reply = std::move(reply)](auto result) {
        if (!result.ok())
          return reply(fault_response(*result.error));
        auto* point = find_point(result.value, id);
        if (!point)
          return reply(no_point(id));
        reply(
          json_response(200, {{"snapshot", point_view(result.value.uuid, *point, "available")}}));
      });
    });
  r.add_async(
    "POST", "/v2.1/servers/{}/snapshots", access::owner({create_rule}),
    [&](const api_request& req, const params& p, reply_fn reply) {
      if (auto refusal = refused_on_server(compute, req, p[0], create_rule))
        return reply(*refusal);
      std::string name;
      if (auto refusal = read_create(req, &name))
        return reply(*refusal);
      action_request a;
      a.uuid = p[0];
      a.action = storage::server_action::create_snapshot;
      a.snapshot_id = storage::random_uuid();
      a.snapshot_name = name.empty() ? a.snapshot_id : name;
      storage::snapshot_point made{a.snapshot_id, a.snapshot_name, storage::now_us(), 0};
      act(compute, req, a, {{"snapshot", point_view(p[0], made, "creating")}}, std::move(reply));
    });
  // Revert and delete: a server action on a point, 202 without a body.
  auto on_point = [&](const char* method, const std::string& pattern, const std::string& rule,
                      storage::server_action action) {
    r.add_async(method, pattern, access::owner({rule}),
                [&compute, rule, action](const api_request& req, const params& p, reply_fn reply) {
                  if (auto refusal = refused_on_server(compute, req, p[0], rule))
                    return reply(*refusal);
                  action_request a;
                  a.uuid = p[0];
                  a.action = action;
                  a.snapshot_id = p[1];
                  act(compute, req, a, nullptr, std::move(reply));
                });
  };
  on_point("POST", "/v2.1/servers/{}/snapshots/{}/revert", revert_rule,
           storage::server_action::revert_snapshot);
  on_point("DELETE", "/v2.1/servers/{}/snapshots/{}", delete_rule,
           storage::server_action::delete_snapshot);
  // A point written out as an image (createImage of the point): boot it.
  r.add_async("POST", "/v2.1/servers/{}/snapshots/{}/image", access::owner({image_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused_on_server(compute, req, p[0], image_rule))
                  return reply(*refusal);
                std::string name;
                if (auto refusal = read_create(req, &name, "image"))
                  return reply(*refusal);
                compute.create_image(req.ctx, p[0], name.empty() ? p[1] : name, {}, p[1],
                                     [reply = std::move(reply)](auto result) {
                                       if (!result.ok())
                                         return reply(fault_response(*result.error));
                                       reply(json_response(202, {{"image_id", result.value.id}}));
                                     });
              });
}

} // namespace nimbus::api
