#pragma once
// Route registration, one function per resource file, and the helpers every
// handler shares.
#include <nlohmann/json.hpp>

#include "api/authenticator.h"
#include "api/authorization.h"
#include "api/faults.h"
#include "api/router.h"
#include "api/views/server_view.h"
#include "compute/compute_api.h"

namespace nimbus::api {

void add_version_routes(router& r);
void add_extension_routes(router& r);
void add_server_routes(router& r, compute::compute_api& compute);
void add_server_action_routes(router& r, compute::compute_api& compute);
/// PUT /servers/{id}.
void add_server_update_routes(router& r, compute::compute_api& compute);
void add_server_metadata_routes(router& r, compute::compute_api& compute);
/// /servers/{id}/tags (2.26).
void add_server_tag_routes(router& r, compute::compute_api& compute);
/// /servers/{id}/snapshots: Nimbus's snapshot chain (docs/SNAPSHOTS.md).
void add_server_snapshot_routes(router& r, compute::compute_api& compute);
/// /servers/{id}/ips, /os-server-password, /diagnostics.
void add_server_detail_routes(router& r, compute::compute_api& compute);
void add_flavor_routes(router& r, compute::compute_api& compute);
/// /flavors/{id}/os-extra_specs.
void add_flavor_extra_spec_routes(router& r, compute::compute_api& compute);
/// /flavors/{id}/os-flavor-access and the add/removeTenantAccess actions (admin).
/// `auth` says which projects exist (authenticator::knows_project).
void add_flavor_access_routes(router& r, compute::compute_api& compute, const authenticator& auth);
/// A flavor the caller may see (compute_api::flavor_visible), by id.
std::optional<storage::flavor> visible_flavor(compute::compute_api& compute, const api_request& req,
                                              const std::string& id);
inline std::string flavor_not_found(const std::string& id) {
  return "Flavor " + id + " could not be found.";
}
/// Nova's 400 for a project id the identity service does not know.
inline api_response not_a_project(const std::string& id) {
  return bad_request("Project ID " + id + " is not a valid project.");
}
/// Admin: create and delete flavors (os-flavor-manage).
void add_flavor_manage_routes(router& r, compute::compute_api& compute);
/// Nova's image proxy (to 2.35) and its metadata (to 2.38).
void add_image_routes(router& r, compute::compute_api& compute);
void add_image_metadata_routes(router& r, compute::compute_api& compute);
void add_hypervisor_routes(router& r, compute::compute_api& compute);
/// os-migrations and /servers/{id}/migrations.
void add_migration_routes(router& r, compute::compute_api& compute);
void add_service_routes(router& r, compute::compute_api& compute);
/// os-hosts (deprecated, up to 2.42).
void add_os_host_routes(router& r, compute::compute_api& compute);
/// os-availability-zone and its detail.
void add_availability_zone_routes(router& r, compute::compute_api& compute);
/// os-keypairs.
void add_keypair_routes(router& r, compute::compute_api& compute);
/// os-quota-sets and os-quota-class-sets.
void add_quota_set_routes(router& r, compute::compute_api& compute, const authenticator& auth);
/// /limits.
void add_limit_routes(router& r, compute::compute_api& compute);
/// os-aggregates (admin).
void add_aggregate_routes(router& r, compute::compute_api& compute);
/// os-server-groups.
void add_server_group_routes(router& r, compute::compute_api& compute);
/// os-simple-tenant-usage.
void add_tenant_usage_routes(router& r, compute::compute_api& compute);
void add_usage_audit_log_routes(router& r, compute::compute_api& compute);
/// nimbus-manage's channel to a running API.
void add_manage_routes(router& r, compute::compute_api& compute);
/// The Glance v2 subset, served on its own port: images, their data, members.
void add_glance_image_routes(router& r, compute::image_catalog& catalog);
void add_glance_data_routes(router& r, compute::image_catalog& catalog);
void add_glance_member_routes(router& r, compute::image_catalog& catalog);

inline api_response json_response(int status, const nlohmann::json& body) {
  return {status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

/// Nova's 403 if the caller may not do `rule` to the server `uuid`;
/// nullopt otherwise, also for a server it cannot see: the facade answers
/// that one 404, as Nova does (another project's server is not found).
inline std::optional<api_response> refused_on_server(const compute::compute_api& compute,
                                                     const api_request& req,
                                                     const std::string& uuid,
                                                     const std::string& rule) {
  auto owner = compute.owner_of(req.ctx, uuid);
  if (owner && !allowed(req, rule, owner_target(*owner)))
    return forbidden_by_policy(rule);
  return std::nullopt;
}

inline view_context view_of(const api_request& req) {
  auto own = own_target(req);
  view_context v{req.base_url,
                 req.version,
                 req.ctx.is_admin,
                 allowed(req, "os_compute_api:os-extended-server-attributes", own),
                 allowed(req, "os_compute_api:servers:show:host_status", own),
                 allowed(req, "os_compute_api:os-instance-actions:events", own)};
  v.nimbus_extensions = !req.header("nimbus-extensions").empty();
  return v;
}

/// The names of the security groups on the ports of a server (ids for
/// groups without a name), each once: what its body shows.
std::function<std::vector<std::string>(const std::string& uuid)>
security_group_names(const compute::compute_api& compute);

/// view_of, for one server: with the group it is in (2.71).
inline view_context view_of(const api_request& req, const compute::compute_api& compute,
                            const std::string& uuid) {
  auto v = view_of(req);
  v.server_group = compute.server_group_of(uuid);
  v.security_groups = security_group_names(compute);
  return v;
}

} // namespace nimbus::api
