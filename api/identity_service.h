#pragma once
// The identity API: a Keystone v3 subset on its own port ([identity] port).
// The pipeline of every request: a request id, the caller's token (except
// for the version documents and POST /v3/auth/tokens), routing with
// Keystone's policy, Keystone's error bodies, a log line (never a token or
// a password). Thread-safe, as compute_service.
#include <string>
#include <vector>

#include "api/http_types.h"
#include "api/router.h"
#include "identity/directory.h"
#include "identity/sign_in.h"
#include "identity/token_authority.h"
#include "policy/rule.h"

namespace nimbus::api {

/// A service of the catalog: one public endpoint in one region.
struct catalog_entry {
  std::string type; // identity, compute, image
  std::string name; // keystone, nova, glance
  std::string url;
};

/// What the identity handlers work on.
struct identity_backend {
  identity::directory& dir;
  identity::token_authority& tokens;
  identity::sign_in& login;
  std::string region = "RegionOne";
  std::vector<catalog_entry> catalog;
};

/// The routes of each part of the identity API (api/handlers/identity_*.cpp).
void add_identity_version_routes(router& r);
void add_identity_auth_routes(router& r, identity_backend& b);
void add_identity_domain_project_routes(router& r, identity_backend& b);
void add_identity_user_routes(router& r, identity_backend& b);
void add_identity_role_routes(router& r, identity_backend& b);

class identity_service {
public:
  identity_service(identity_backend backend, const policy::rule_set& rules);
  void handle(api_request req, reply_fn reply) const;
  std::vector<router::entry> routes() const { return routes_.table(); }

private:
  identity_backend backend_;
  const policy::rule_set& rules_;
  router routes_;
};

} // namespace nimbus::api
