// /v2.1/servers/{id}/tags and /tags/{tag} (microversion 2.26).
#include "api/handlers/handlers.h"
#include "api/handlers/server_fields.h"
#include "api/validation.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::string index_rule = "os_compute_api:os-server-tags:index";
const std::string show_rule = "os_compute_api:os-server-tags:show";
const std::string update_rule = "os_compute_api:os-server-tags:update";
const std::string update_all_rule = "os_compute_api:os-server-tags:update_all";
const std::string delete_rule = "os_compute_api:os-server-tags:delete";
const std::string delete_all_rule = "os_compute_api:os-server-tags:delete_all";

bool has_tag(const storage::instance_record& r, const std::string& tag) {
  return std::find(r.tags.begin(), r.tags.end(), tag) != r.tags.end();
}

// Before 2.26 the routes are not there (Nova's version-gated controller).
bool too_old(const api_request& req) { return !req.version.at_least(2, 26); }

api_response not_there() { return not_found("The resource could not be found."); }

// The route's guard: the microversion, then the policy on the server.
std::optional<api_response> refused(const compute::compute_api& compute, const api_request& req,
                                    const std::string& uuid, const std::string& rule) {
  if (too_old(req))
    return not_there();
  return refused_on_server(compute, req, uuid, rule);
}

void update(compute::compute_api& compute, const api_request& req, server_update u,
            std::function<api_response(const storage::instance_record&)> render, reply_fn reply) {
  compute.update_server(req.ctx, std::move(u),
                        [render = std::move(render), reply = std::move(reply)](auto result) {
                          if (!result.ok())
                            return reply(fault_response(*result.error));
                          reply(render(result.value));
                        });
}

api_response tag_list(const storage::instance_record& r) {
  return json_response(200, {{"tags", r.tags}});
}

} // namespace

void add_server_tag_routes(router& r, compute::compute_api& compute) {
  r.add_async("GET", "/v2.1/servers/{}/tags", access::owner({index_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused(compute, req, p[0], index_rule))
                  return reply(*refusal);
                compute.get_server(req.ctx, p[0], [reply = std::move(reply)](auto result) {
                  reply(result.ok() ? tag_list(result.value) : fault_response(*result.error));
                });
              });
  r.add_async("PUT", "/v2.1/servers/{}/tags", access::owner({update_all_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused(compute, req, p[0], update_all_rule))
                  return reply(*refusal);
                auto body = parse_body(req.body);
                if (!body)
                  return reply(malformed_body());
                if (!body->is_object() || !body->contains("tags"))
                  return reply(bad_request("'tags' is a required property"));
                if (auto refusal = check_tags((*body)["tags"]))
                  return reply(*refusal);
                server_update u;
                u.uuid = p[0];
                u.replace_tags = true;
                for (auto& t : (*body)["tags"])
                  u.tags.push_back(t.get<std::string>());
                update(compute, req, u, tag_list, std::move(reply));
              });
  r.add_async("DELETE", "/v2.1/servers/{}/tags", access::owner({delete_all_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused(compute, req, p[0], delete_all_rule))
                  return reply(*refusal);
                server_update u;
                u.uuid = p[0];
                u.replace_tags = true;
                update(
                  compute, req, u,
                  [](auto&) {
                    return api_response{204, "", {}};
                  },
                  std::move(reply));
              });
  r.add_async(
    "GET", "/v2.1/servers/{}/tags/{}", access::owner({show_rule}),
    [&](const api_request& req, const params& p, reply_fn reply) {
      if (auto refusal = refused(compute, req, p[0], show_rule))
        return reply(*refusal);
      compute.get_server(req.ctx, p[0], [tag = p[1], reply = std::move(reply)](auto result) {
        if (!result.ok())
          return reply(fault_response(*result.error));
        if (!has_tag(result.value, tag))
          return reply(not_found("Instance " + result.value.uuid + " has no tag '" + tag + "'"));
        reply(api_response{204, "", {}});
      });
    });
  r.add_async("PUT", "/v2.1/servers/{}/tags/{}", access::owner({update_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused(compute, req, p[0], update_rule))
                  return reply(*refusal);
                if (auto refusal = check_tag("tag", ordered_json(p[1])))
                  return reply(*refusal);
                // 201 for a new tag, 204 for one the server had: look first.
                compute.get_server(req.ctx, p[0],
                                   [&compute, &req, uuid = p[0], tag = p[1],
                                    reply = std::move(reply)](auto result) mutable {
                                     if (!result.ok())
                                       return reply(fault_response(*result.error));
                                     bool had = has_tag(result.value, tag);
                                     server_update u;
                                     u.uuid = uuid;
                                     u.tags.push_back(tag);
                                     auto location =
                                       req.base_url + "/v2.1/servers/" + uuid + "/tags/" + tag;
                                     update(
                                       compute, req, u,
                                       [had, location](auto&) {
                                         api_response resp{had ? 204 : 201, "", {}};
                                         if (!had)
                                           resp.headers["location"] = location;
                                         return resp;
                                       },
                                       std::move(reply));
                                   });
              });
  r.add_async("DELETE", "/v2.1/servers/{}/tags/{}", access::owner({delete_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused(compute, req, p[0], delete_rule))
                  return reply(*refusal);
                server_update u;
                u.uuid = p[0];
                u.delete_tags.push_back(p[1]);
                update(
                  compute, req, u,
                  [](auto&) {
                    return api_response{204, "", {}};
                  },
                  std::move(reply));
              });
}

} // namespace nimbus::api
