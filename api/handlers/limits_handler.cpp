// GET /v2.1/limits: the caller's project's absolute limits and what it uses
// (Nova's limits controller and view); an admin's ?tenant_id= another's.
// Rate limits are gone from Nova: `rate` is always empty.
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "compute/quota_book.h"
#include "compute/server_group_book.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

api_response limits(compute::compute_api& compute, const api_request& req) {
  if (req.version.at_least(2, 75))
    if (auto bad = refuse_unknown_query(req, {"tenant_id"}))
      return *bad;
  auto project = req.ctx.project_id;
  if (req.has_param("tenant_id")) {
    const char* rule = "os_compute_api:limits:other_project";
    if (!allowed(req, rule, own_target(req)))
      return forbidden_by_policy(rule);
    project = req.param("tenant_id");
  }
  auto& q = compute.quotas();
  auto limit = [&](const char* r) { return q.project_limit(project, r); };
  auto used = compute.project_usage(project);
  auto& v = req.version;
  json absolute = {{"maxTotalInstances", limit("instances")},
                   {"maxTotalCores", limit("cores")},
                   {"maxTotalRAMSize", limit("ram")},
                   {"maxTotalKeypairs", limit("key_pairs")},
                   {"maxServerMeta", limit("metadata_items")},
                   {"maxServerGroups", limit("server_groups")},
                   {"maxServerGroupMembers", limit("server_group_members")},
                   {"totalInstancesUsed", used.instances},
                   {"totalCoresUsed", used.cores},
                   {"totalRAMUsed", used.ram_mb},
                   {"totalServerGroupsUsed", compute.server_groups().list(project).size()}};
  if (!v.at_least(2, 39))
    absolute["maxImageMeta"] = limit("metadata_items");
  if (!v.at_least(2, 57)) {
    absolute["maxPersonality"] = limit("injected_files");
    absolute["maxPersonalitySize"] = limit("injected_file_content_bytes");
  }
  if (!v.at_least(2, 36)) {
    absolute["maxTotalFloatingIps"] = limit("floating_ips");
    absolute["maxSecurityGroups"] = limit("security_groups");
    absolute["maxSecurityGroupRules"] = limit("security_group_rules");
    absolute["totalFloatingIpsUsed"] = 0;
    absolute["totalSecurityGroupsUsed"] = 0;
  }
  return json_response(200, {{"limits", {{"rate", json::array()}, {"absolute", absolute}}}});
}

} // namespace

void add_limit_routes(router& r, compute::compute_api& compute) {
  r.add("GET", "/v2.1/limits", access::own("os_compute_api:limits"),
        [&](const api_request& req, const params&) { return limits(compute, req); });
}

} // namespace nimbus::api
