#include "api/service.h"

#include <chrono>
#include <exception>

#include <spdlog/spdlog.h>

#include "api/auth.h"
#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "storage/ids.h"

namespace nimbus::api {
namespace {

bool is_version_document(const api_request& req) {
  return req.method == "GET" && (req.path.empty() || (req.path.size() == 1 && req.path[0] == "v2.1"));
}

// Runs a handler so that no exception becomes a crash or a hang.
template <class Fn>
api_response guarded(const api_request& req, Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    spdlog::error("{} {} {}: unexpected error: {}", req.request_id, req.method,
                  "/" + (req.path.empty() ? std::string{} : req.path[0]), e.what());
    return fault_response(500, "Unexpected API Error. Please report this at "
                               "https://bugs.launchpad.net/nova/ and attach the Nova API log "
                               "if possible.");
  }
}

void log_request(const api_request& req, const api_response& resp,
                 std::chrono::steady_clock::time_point start) {
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::string path;
  for (auto& s : req.path)
    path += "/" + s;
  spdlog::info("{} {} {} {} {} {:.1f}ms", req.request_id, req.ctx.user_id.empty() ? "-" : req.ctx.user_id,
               req.method, path.empty() ? "/" : path, resp.status, ms);
}

} // namespace

compute_service::compute_service(cells::compute_api& compute) {
  add_version_routes(routes_);
  add_server_routes(routes_, compute);
  add_server_action_routes(routes_, compute);
  add_flavor_routes(routes_, compute);
  add_image_routes(routes_, compute);
  add_hypervisor_routes(routes_, compute);
  add_service_routes(routes_, compute);
  add_manage_routes(routes_, compute);
}

api_response compute_service::handle(api_request& req) const {
  auto start = std::chrono::steady_clock::now();
  req.request_id = "req-" + storage::random_uuid();
  std::string raw;
  auto version = requested_version(req.header("openstack-api-version"),
                                   req.header("x-openstack-nova-api-version"), &raw);
  api_response resp;
  if (!version) {
    resp = bad_request("API Version String " + raw
                       + " is of invalid format. Must be of format MajorNum.MinorNum.");
  } else if (!in_range(*version)) {
    resp = fault_response(406, "Version " + raw + " is not supported by the API. Minimum is "
                                 + min_version.text() + " and maximum is " + max_version.text() + ".");
  } else {
    req.version = *version;
    auto ctx = context_from_token(req.header("x-auth-token"));
    if (ctx) {
      req.ctx = *ctx;
      req.ctx.request_id = req.request_id;
      req.ctx.down_cell_records = req.version.at_least(2, 69);
    }
    if (!ctx && !is_version_document(req))
      resp = fault_response(401, "Authentication required");
    else
      resp = guarded(req, [&] { return routes_.dispatch(req); });
  }
  if (version)
    raw = version->text();
  resp.headers["openstack-api-version"] = "compute " + raw;
  resp.headers["x-openstack-nova-api-version"] = raw;
  resp.headers["vary"] = "OpenStack-API-Version, X-OpenStack-Nova-API-Version";
  resp.headers["x-openstack-request-id"] = req.request_id;
  resp.headers["x-compute-request-id"] = req.request_id;
  log_request(req, resp, start);
  return resp;
}

image_service::image_service(cells::compute_api& compute) {
  add_glance_routes(routes_, compute);
}

api_response image_service::handle(api_request& req) const {
  auto start = std::chrono::steady_clock::now();
  req.request_id = "req-" + storage::random_uuid();
  auto resp = guarded(req, [&] { return routes_.dispatch(req); });
  resp.headers["x-openstack-request-id"] = req.request_id;
  log_request(req, resp, start);
  return resp;
}

} // namespace nimbus::api
