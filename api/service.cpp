#include "api/service.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "api/authorization.h"
#include "api/faults.h"
#include "api/glance_faults.h"
#include "api/handlers/handlers.h"
#include "api/handlers/neutron_common.h"
#include "api/handlers/nova_network_proxies.h"
#include "api/keystone_faults.h"
#include "api/pipeline.h"
#include "compute/image_catalog.h"
#include "storage/ids.h"

namespace nimbus::api {
namespace {

bool is_version_document(const api_request& req) {
  return req.method == "GET"
         && (req.path.empty()
             || (req.path.size() == 1 && (req.path[0] == "v2.1" || req.path[0] == "v2")));
}

api_response nova_internal_error() {
  return fault_response(500, "Unexpected API Error. Please report this at "
                             "https://bugs.launchpad.net/nova/ and attach the Nova API log "
                             "if possible.");
}

} // namespace

compute_service::compute_service(compute::compute_api& compute, const authenticator& auth,
                                 const policy::rule_set& rules)
    : auth_(auth), rules_(rules) {
  add_version_routes(routes_);
  add_extension_routes(routes_);
  add_server_routes(routes_, compute);
  add_server_action_routes(routes_, compute);
  add_server_update_routes(routes_, compute);
  add_server_metadata_routes(routes_, compute);
  add_server_tag_routes(routes_, compute);
  add_server_snapshot_routes(routes_, compute);
  add_server_detail_routes(routes_, compute);
  add_flavor_routes(routes_, compute);
  add_flavor_extra_spec_routes(routes_, compute);
  add_flavor_access_routes(routes_, compute, auth_);
  add_flavor_manage_routes(routes_, compute);
  add_image_routes(routes_, compute);
  add_hypervisor_routes(routes_, compute);
  add_migration_routes(routes_, compute);
  add_service_routes(routes_, compute);
  add_keypair_routes(routes_, compute);
  add_quota_set_routes(routes_, compute, auth_);
  add_limit_routes(routes_, compute);
  add_aggregate_routes(routes_, compute);
  add_server_group_routes(routes_, compute);
  add_tenant_usage_routes(routes_, compute);
  add_usage_audit_log_routes(routes_, compute);
  add_availability_zone_routes(routes_, compute);
  add_os_host_routes(routes_, compute);
  add_manage_routes(routes_, compute);
  add_nova_security_group_routes(routes_, compute);
  add_nova_floating_ip_routes(routes_, compute);
  add_nova_network_routes(routes_, compute);
}

void compute_service::handle(api_request request, reply_fn reply) const {
  auto start = std::chrono::steady_clock::now();
  // Shared with the completion below: handlers may answer from other threads.
  auto req = std::make_shared<api_request>(std::move(request));
  req->request_id = "req-" + storage::random_uuid();
  std::string raw;
  auto version = requested_version(req->header("openstack-api-version"),
                                   req->header("x-openstack-nova-api-version"), &raw);
  auto shown = version ? version->text() : raw;
  auto finish = [req, start, shown, reply = std::move(reply)](api_response resp) {
    resp.headers["openstack-api-version"] = "compute " + shown;
    resp.headers["x-openstack-nova-api-version"] = shown;
    resp.headers["vary"] = "OpenStack-API-Version, X-OpenStack-Nova-API-Version";
    resp.headers["x-openstack-request-id"] = req->request_id;
    resp.headers["x-compute-request-id"] = req->request_id;
    log_request(*req, resp, start);
    reply(std::move(resp));
  };
  if (!version)
    return finish(bad_request("API Version String " + raw
                              + " is of invalid format. Must be of format MajorNum.MinorNum."));
  if (!in_range(*version))
    return finish(fault_response(406, "Version " + raw + " is not supported by the API. Minimum is "
                                        + min_version.text() + " and maximum is "
                                        + max_version.text() + "."));
  req->version = *version;
  auto creds = auth_.authenticate(req->header("x-auth-token"));
  if (creds) {
    req->creds = std::move(*creds);
    req->policy = &rules_;
    req->ctx.request_id = req->request_id;
    req->ctx.user_id = req->creds.user_id;
    req->ctx.project_id = req->creds.project_id;
    req->ctx.is_admin = allowed(*req, "context_is_admin", own_target(*req));
    req->ctx.down_cell_records = req->version.at_least(2, 69);
  } else if (!is_version_document(*req)) {
    return finish(fault_response(401, "Authentication required"));
  }
  guarded_dispatch(routes_, *req, finish, nova_internal_error);
}

namespace {

api_response glance_router_error(int status, const std::string& message) {
  return glance_error(status, message);
}

// A service behind keystonemiddleware (Glance's, Neutron's): a request id,
// the token's holder as the context (admin: role:admin, their default
// context_is_admin), Keystone's 401 for anything but the version document
// without a valid token, and a log line.
void serve_behind_keystone(const router& routes, const authenticator& auth, api_request request,
                           reply_fn reply, api_response (*internal_error)()) {
  auto start = std::chrono::steady_clock::now();
  auto req = std::make_shared<api_request>(std::move(request));
  req->request_id = "req-" + storage::random_uuid();
  auto finish = [req, start, reply = std::move(reply)](api_response resp) {
    resp.headers["x-openstack-request-id"] = req->request_id;
    log_request(*req, resp, start);
    reply(std::move(resp));
  };
  auto creds = auth.authenticate(req->header("x-auth-token"));
  if (!creds && !(req->method == "GET" && req->path.empty()))
    return finish(keystone_unauthorized());
  if (creds) {
    req->creds = std::move(*creds);
    req->ctx.request_id = req->request_id;
    req->ctx.user_id = req->creds.user_id;
    req->ctx.project_id = req->creds.project_id;
    req->ctx.is_admin = holds_admin_role(req->creds);
  }
  guarded_dispatch(routes, *req, finish, internal_error);
}

} // namespace

image_service::image_service(compute::compute_api& compute, const authenticator& auth)
    : auth_(auth), catalog_(compute.images_catalog()), routes_(glance_router_error) {
  add_glance_image_routes(routes_, catalog_);
  add_glance_data_routes(routes_, catalog_);
  add_glance_member_routes(routes_, catalog_);
}

std::optional<body_spool> image_service::spool_for(const api_request& head) const {
  auto& p = head.path;
  if (head.method != "PUT" || p.size() != 4 || p[0] != "v2" || p[1] != "images" || p[3] != "file")
    return std::nullopt;
  auto creds = auth_.authenticate(head.header("x-auth-token"));
  if (!creds)
    return std::nullopt;
  compute::request_context ctx;
  ctx.user_id = creds->user_id;
  ctx.project_id = creds->project_id;
  ctx.is_admin = holds_admin_role(*creds);
  auto i = catalog_.find(ctx, p[2]);
  if (!i || !compute::image_owned(*i, ctx) || i->status != "queued")
    return std::nullopt; // refused by the handler, on what fits in memory
  auto cap = catalog_.options().image_size_cap;
  return body_spool{catalog_.staging_path(), static_cast<std::uint64_t>(cap),
                    glance_error(413, "The incoming image is too large: The provided image is "
                                      "too large.")};
}

void image_service::handle(api_request request, reply_fn reply) const {
  serve_behind_keystone(routes_, auth_, std::move(request), std::move(reply),
                        [] { return glance_error(500, "Internal Server Error"); });
}

network_service::network_service(network::network_book& book, const authenticator& auth)
    : auth_(auth), routes_(neutron_router_error) {
  add_neutron_meta_routes(routes_);
  add_neutron_network_routes(routes_, book);
  add_neutron_subnet_routes(routes_, book);
  add_neutron_port_routes(routes_, book);
  add_neutron_security_group_routes(routes_, book);
  add_neutron_quota_routes(routes_, book);
  add_neutron_floating_ip_routes(routes_, book);
}

void network_service::handle(api_request request, reply_fn reply) const {
  serve_behind_keystone(routes_, auth_, std::move(request), std::move(reply), [] {
    return neutron_error(500, "HTTPInternalServerError",
                         "Request Failed: internal server error while processing your request.");
  });
}

} // namespace nimbus::api
