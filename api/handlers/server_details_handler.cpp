// What a server has besides its own fields: /ips (its addresses by network),
// /os-server-password and /diagnostics (2.48's shape).
#include "api/handlers/handlers.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::string ips_index_rule = "os_compute_api:ips:index";
const std::string ips_show_rule = "os_compute_api:ips:show";
const std::string password_show_rule = "os_compute_api:os-server-password:show";
const std::string password_clear_rule = "os_compute_api:os-server-password:clear";
const std::string diagnostics_rule = "os_compute_api:os-server-diagnostics";

// Nova's names for the power states in diagnostics.
const char* power_state_name(std::int32_t s) {
  switch (s) {
  case 1:
    return "running";
  case 3:
    return "paused";
  case 4:
    return "shutdown";
  case 6:
    return "crashed";
  case 7:
    return "suspended";
  default:
    return "pending";
  }
}

json diagnostics(const storage::instance_record& r) {
  json cpus = json::array();
  for (std::int32_t i = 0; i < r.flavor_copy.vcpus; ++i)
    cpus.push_back({{"id", i}, {"time", nullptr}, {"utilisation", nullptr}});
  return {{"state", power_state_name(r.power_state)},
          {"driver", "libvirt"},
          {"hypervisor", nullptr},
          {"hypervisor_os", nullptr},
          {"uptime", nullptr},
          {"config_drive", false},
          {"num_cpus", r.flavor_copy.vcpus},
          {"num_nics", 0},
          {"num_disks", 0},
          {"memory_details", {{"maximum", r.flavor_copy.memory_mb}, {"used", nullptr}}},
          {"cpu_details", cpus},
          {"nic_details", json::array()},
          {"disk_details", json::array()}};
}

// GET on the server: `render` of it, once the policy lets the caller.
void read_server(compute::compute_api& compute, router& r, const std::string& pattern,
                 const std::string& rule,
                 const std::function<api_response(const api_request&, const params&,
                                                  const storage::instance_record&)>& render) {
  r.add_async("GET", pattern, access::owner({rule}),
              [&compute, &rule, render](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused_on_server(compute, req, p[0], rule))
                  return reply(*refusal);
                compute.get_server(req.ctx, p[0],
                                   [&req, p, render, reply = std::move(reply)](auto result) {
                                     if (!result.ok())
                                       return reply(fault_response(*result.error));
                                     reply(render(req, p, result.value));
                                   });
              });
}

} // namespace

void add_server_detail_routes(router& r, compute::compute_api& compute) {
  read_server(compute, r, "/v2.1/servers/{}/ips", ips_index_rule,
              [](auto&, auto&, const storage::instance_record& server) {
                return json_response(200, {{"addresses", addresses_of(server)}});
              });
  read_server(compute, r, "/v2.1/servers/{}/ips/{}", ips_show_rule,
              [](auto&, const params& p, const storage::instance_record& server) {
                auto all = addresses_of(server);
                if (!all.contains(p[1]))
                  return not_found("Instance is not a member of specified network");
                return json_response(200, {{p[1], all[p[1]]}});
              });
  // Nova keeps a password a guest posted (encrypted with its key pair);
  // no guest here posts one.
  read_server(compute, r, "/v2.1/servers/{}/os-server-password", password_show_rule,
              [](auto&, auto&, auto&) {
                return json_response(200, {{"password", ""}});
              });
  r.add_async("DELETE", "/v2.1/servers/{}/os-server-password", access::owner({password_clear_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal = refused_on_server(compute, req, p[0], password_clear_rule))
                  return reply(*refusal);
                compute.get_server(req.ctx, p[0], [reply = std::move(reply)](auto result) {
                  reply(result.ok() ? api_response{204, "", {}} : fault_response(*result.error));
                });
              });
  read_server(compute, r, "/v2.1/servers/{}/diagnostics", diagnostics_rule,
              [](auto&, auto&, const storage::instance_record& server) {
                if (server.host.empty())
                  return fault_response(409, "Instance " + server.uuid + " is not ready");
                return json_response(200, diagnostics(server));
              });
}

} // namespace nimbus::api
