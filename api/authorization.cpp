#include "api/authorization.h"

#include <algorithm>

namespace nimbus::api {

bool allowed(const api_request& req, std::string_view rule, const policy::target& t) {
  return req.policy != nullptr && req.policy->allows(rule, req.creds, t);
}

policy::target own_target(const api_request& req) {
  return {{"project_id", req.creds.project_id}, {"user_id", req.creds.user_id}};
}

policy::target owner_target(const compute::server_owner& owner) {
  return {{"project_id", owner.project_id}, {"user_id", owner.user_id}};
}

bool holds_admin_role(const policy::credentials& creds) {
  return std::find(creds.roles.begin(), creds.roles.end(), "admin") != creds.roles.end();
}

} // namespace nimbus::api
