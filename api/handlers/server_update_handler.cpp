// PUT /v2.1/servers/{id}: name, description (2.19), accessIPv4/6 and
// hostname (2.90), answered with the server (restricted before 2.75).
#include "api/handlers/handlers.h"
#include "api/handlers/server_fields.h"
#include "api/validation.h"

namespace nimbus::api {
namespace {

const std::string update_rule = "os_compute_api:servers:update";

bool update_property_known(const std::string& key, const microversion& v) {
  if (key == "name" || key == "accessIPv4" || key == "accessIPv6" || key == "OS-DCF:diskConfig")
    return true;
  if (key == "description")
    return v.at_least(2, 19);
  if (key == "hostname")
    return v.at_least(2, 90);
  return false;
}

std::optional<api_response> parse_update(const api_request& req, server_update* out) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || !body->contains("server"))
    return bad_request("'server' is a required property");
  for (auto& [key, value] : body->items())
    if (key != "server")
      return bad_request(unexpected_property(key));
  auto& s = (*body)["server"];
  if (!s.is_object())
    return bad_request(invalid_input("server", s, python_repr(s) + " is not of type 'object'"));
  for (auto& [key, value] : s.items())
    if (!update_property_known(key, req.version))
      return bad_request(invalid_input("server", s, unexpected_property(key)));
  if (s.contains("name")) {
    if (auto refusal = check_name(s["name"]))
      return refusal;
    out->set_name = true;
    out->name = s["name"].get<std::string>();
  }
  if (s.contains("description")) {
    if (auto refusal = check_description(s["description"]))
      return refusal;
    out->set_description = true;
    out->description = s["description"].is_null() ? "" : s["description"].get<std::string>();
  }
  if (s.contains("accessIPv4")) {
    if (auto refusal = check_access_ip("accessIPv4", s["accessIPv4"], false, &out->access_ip_v4))
      return refusal;
    out->set_access_ip_v4 = true;
  }
  if (s.contains("accessIPv6")) {
    if (auto refusal = check_access_ip("accessIPv6", s["accessIPv6"], true, &out->access_ip_v6))
      return refusal;
    out->set_access_ip_v6 = true;
  }
  if (s.contains("hostname")) {
    if (auto refusal = check_hostname(s["hostname"], req.version))
      return refusal;
    out->set_hostname = true;
    out->hostname = s["hostname"].get<std::string>();
  }
  if (s.contains("OS-DCF:diskConfig") && s["OS-DCF:diskConfig"] != "AUTO"
      && s["OS-DCF:diskConfig"] != "MANUAL")
    return bad_request(
      invalid_input("OS-DCF:diskConfig", s["OS-DCF:diskConfig"],
                    python_repr(s["OS-DCF:diskConfig"]) + " is not one of ['AUTO', 'MANUAL']"));
  return std::nullopt;
}

} // namespace

void add_server_update_routes(router& r, compute::compute_api& compute) {
  r.add_async("PUT", "/v2.1/servers/{}", access::owner({update_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused_on_server(compute, req, p[0], update_rule))
                  return reply(*refusal);
                server_update u;
                u.uuid = p[0];
                if (auto refusal = parse_update(req, &u))
                  return reply(*refusal);
                auto v = view_of(req, compute, p[0]);
                v.update_body = !req.version.at_least(2, 75);
                compute.update_server(req.ctx, u, [v, reply = std::move(reply)](auto result) {
                  if (!result.ok())
                    return reply(fault_response(*result.error));
                  json_writer w(2048);
                  w.begin_object().key("server");
                  write_server_detail(w, result.value, v);
                  w.end_object();
                  reply(api_response{200, w.take(), {}});
                });
              });
}

} // namespace nimbus::api
