#include "api/identity_service.h"

#include <chrono>
#include <memory>

#include "api/keystone_faults.h"
#include "api/pipeline.h"
#include "storage/ids.h"

namespace nimbus::api {
namespace {

// The calls a client makes before it has a token.
bool is_public(const api_request& req) {
  const auto& p = req.path;
  if (req.method == "GET" && (p.empty() || (p.size() == 1 && p[0] == "v3")))
    return true;
  return req.method == "POST" && p.size() == 3 && p[0] == "v3" && p[1] == "auth"
         && p[2] == "tokens";
}

} // namespace

identity_service::identity_service(identity_backend backend, const policy::rule_set& rules)
    : backend_(std::move(backend)), rules_(rules), routes_(keystone_error) {
  add_identity_version_routes(routes_);
  add_identity_auth_routes(routes_, backend_);
  add_identity_domain_project_routes(routes_, backend_);
  add_identity_user_routes(routes_, backend_);
  add_identity_role_routes(routes_, backend_);
}

void identity_service::handle(api_request request, reply_fn reply) const {
  auto start = std::chrono::steady_clock::now();
  auto req = std::make_shared<api_request>(std::move(request));
  req->request_id = "req-" + storage::random_uuid();
  auto finish = [req, start, reply = std::move(reply)](api_response resp) {
    resp.headers["x-openstack-request-id"] = req->request_id;
    resp.headers["vary"] = "X-Auth-Token";
    log_request(*req, resp, start);
    reply(std::move(resp));
  };
  req->policy = &rules_;
  auto token = req->header("x-auth-token");
  if (!token.empty()) {
    if (auto p = backend_.tokens.validate(token)) {
      req->creds.user_id = p->user_id;
      req->creds.project_id = p->project_id;
      req->creds.domain_id = p->domain_id;
      if (auto project = backend_.dir.project(p->project_id))
        req->creds.project_domain_id = project->domain_id;
      req->creds.roles = p->roles;
    } else if (!is_public(*req)) {
      return finish(keystone_unauthorized());
    }
  } else if (!is_public(*req)) {
    return finish(keystone_unauthorized());
  }
  guarded_dispatch(routes_, *req, finish, [] {
    return keystone_error(500, "An unexpected error prevented the server from fulfilling your "
                               "request.");
  });
}

} // namespace nimbus::api
