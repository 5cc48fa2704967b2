#pragma once
// The policy questions a handler asks: may the caller do `rule` to `target`?
// The rules are the request's (api_request::policy, set by the service);
// a request without rules is refused everything. CAF-free, HTTP-free.
#include <string_view>

#include "api/http_types.h"
#include "compute/compute_api.h"
#include "policy/rule.h"

namespace nimbus::api {

/// Whether req's caller may do `rule` to `t`.
bool allowed(const api_request& req, std::string_view rule, const policy::target& t);

/// The target of a rule about the caller's own project (index, create, the
/// admin APIs): {project_id, user_id} of the caller.
policy::target own_target(const api_request& req);
/// The target of a rule about a server: its project and user.
policy::target owner_target(const compute::server_owner& owner);

/// Whether the token's holder has the admin role: the whole of Glance's and
/// Neutron's default context_is_admin (`role:admin`).
bool holds_admin_role(const policy::credentials& creds);

} // namespace nimbus::api
