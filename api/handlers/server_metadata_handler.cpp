// /v2.1/servers/{id}/metadata and /metadata/{key}: Nova's server metadata.
#include "api/handlers/handlers.h"
#include "api/handlers/metadata_bodies.h"
#include "api/handlers/server_fields.h"
#include "api/validation.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::string index_rule = "os_compute_api:server-metadata:index";
const std::string show_rule = "os_compute_api:server-metadata:show";
const std::string create_rule = "os_compute_api:server-metadata:create";
const std::string update_rule = "os_compute_api:server-metadata:update";
const std::string update_all_rule = "os_compute_api:server-metadata:update_all";
const std::string delete_rule = "os_compute_api:server-metadata:delete";

// Changes the metadata and answers with `render` of the server as changed.
template <class Render>
void update(compute::compute_api& compute, const api_request& req, const server_update& u,
            int status, Render render, reply_fn reply) {
  compute.update_server(req.ctx, u, [status, render, reply = std::move(reply)](auto result) {
    if (!result.ok())
      return reply(fault_response(*result.error));
    if (status == 204)
      return reply(api_response{204, "", {}});
    reply(json_response(status, render(result.value)));
  });
}

json all_of(const storage::instance_record& r) { return {{"metadata", metadata_json(r.metadata)}}; }

} // namespace

void add_server_metadata_routes(router& r, compute::compute_api& compute) {
  r.add_async("GET", "/v2.1/servers/{}/metadata", access::owner({index_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused_on_server(compute, req, p[0], index_rule))
                  return reply(*refusal);
                compute.get_server(req.ctx, p[0], [reply = std::move(reply)](auto result) {
                  if (!result.ok())
                    return reply(fault_response(*result.error));
                  reply(json_response(200, all_of(result.value)));
                });
              });
  for (auto* method : {"POST", "PUT"}) {
    bool replace = std::string(method) == "PUT";
    auto& rule = replace ? update_all_rule : create_rule;
    r.add_async(
      method, "/v2.1/servers/{}/metadata", access::owner({rule}),
      [&compute, &rule, replace](const api_request& req, const params& p, reply_fn reply) {
        if (auto refusal = refused_on_server(compute, req, p[0], rule))
          return reply(*refusal);
        server_update u;
        u.uuid = p[0];
        u.replace_metadata = replace;
        if (auto refusal = read_metadata(req, &u.metadata))
          return reply(*refusal);
        if (replace) // PUT answers with what it set
          return update(
            compute, req, u, 200,
            [sent = u.metadata](auto&) {
              return json{{"metadata", metadata_json(sent)}};
            },
            std::move(reply));
        update(compute, req, u, 200, all_of, std::move(reply));
      });
  }
  r.add_async("GET", "/v2.1/servers/{}/metadata/{}", access::owner({show_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused_on_server(compute, req, p[0], show_rule))
                  return reply(*refusal);
                compute.get_server(req.ctx, p[0],
                                   [key = p[1], reply = std::move(reply)](auto result) {
                                     if (!result.ok())
                                       return reply(fault_response(*result.error));
                                     auto it = result.value.metadata.find(key);
                                     if (it == result.value.metadata.end())
                                       return reply(not_found("Metadata item was not found"));
                                     reply(json_response(200, {{"meta", {{key, it->second}}}}));
                                   });
              });
  r.add_async("PUT", "/v2.1/servers/{}/metadata/{}", access::owner({update_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused_on_server(compute, req, p[0], update_rule))
                  return reply(*refusal);
                std::string value;
                if (auto refusal = read_meta(req, p[1], &value))
                  return reply(*refusal);
                server_update u;
                u.uuid = p[0];
                u.metadata[p[1]] = value;
                update(
                  compute, req, u, 200,
                  [key = p[1], value](auto&) {
                    return json{{"meta", {{key, value}}}};
                  },
                  std::move(reply));
              });
  r.add_async("DELETE", "/v2.1/servers/{}/metadata/{}", access::owner({delete_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused_on_server(compute, req, p[0], delete_rule))
                  return reply(*refusal);
                server_update u;
                u.uuid = p[0];
                u.delete_metadata.push_back(p[1]);
                update(compute, req, u, 204, all_of, std::move(reply));
              });
}

} // namespace nimbus::api
