#pragma once
// Route registration, one function per resource file, and the helpers every
// handler shares.
#include <nlohmann/json.hpp>

#include "api/router.h"
#include "api/views/server_view.h"
#include "compute/compute_api.h"

namespace nimbus::api {

void add_version_routes(router& r);
void add_server_routes(router& r, compute::compute_api& compute);
void add_server_action_routes(router& r, compute::compute_api& compute);
void add_flavor_routes(router& r, compute::compute_api& compute);
/// Admin: create and delete flavors (os-flavor-manage).
void add_flavor_manage_routes(router& r, compute::compute_api& compute);
void add_image_routes(router& r, compute::compute_api& compute);
void add_hypervisor_routes(router& r, compute::compute_api& compute);
void add_service_routes(router& r, compute::compute_api& compute);
/// nimbus-manage's channel to a running API.
void add_manage_routes(router& r, compute::compute_api& compute);
/// The Glance v2 subset, served on its own port.
void add_glance_routes(router& r, compute::compute_api& compute);

inline api_response json_response(int status, const nlohmann::json& body) {
  return {status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

inline view_context view_of(const api_request& req) {
  return {req.base_url, req.version, req.ctx.is_admin};
}

} // namespace nimbus::api
