// Private flavors' projects (Nova's flavor_access): GET
// /v2.1/flavors/{id}/os-flavor-access and the addTenantAccess /
// removeTenantAccess actions of POST /v2.1/flavors/{id}/action; admins only.
#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "compute/flavor_projects.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::string list_rule = "os_compute_api:os-flavor-access";
const std::string add_rule = "os_compute_api:os-flavor-access:add_tenant_access";
const std::string remove_rule = "os_compute_api:os-flavor-access:remove_tenant_access";

api_response access_list(compute::compute_api& compute, const std::string& flavor_id) {
  json list = json::array();
  for (auto& project : compute.flavor_access().projects(flavor_id))
    list.push_back({{"flavor_id", flavor_id}, {"tenant_id", project}});
  return json_response(200, {{"flavor_access", list}});
}

// {"addTenantAccess": {"tenant": "<project>"}} or removeTenantAccess; the
// action's name into *action, the project into *tenant.
std::optional<api_response> read_action(const api_request& req, std::string* action,
                                        std::string* tenant) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || body->size() != 1)
    return bad_request("Malformed request body");
  auto first = body->begin();
  const std::string& name = first.key();
  const ordered_json& arg = first.value();
  if (name != "addTenantAccess" && name != "removeTenantAccess")
    return bad_request("There is no such action: " + name);
  *action = name;
  if (!arg.is_object())
    return bad_request(invalid_input(name, arg, python_repr(arg) + " is not of type 'object'"));
  for (auto& [key, value] : arg.items())
    if (key != "tenant")
      return bad_request(invalid_input(name, arg, unexpected_property(key)));
  if (!arg.contains("tenant"))
    return bad_request(invalid_input(name, arg, "'tenant' is a required property"));
  auto& t = arg["tenant"];
  if (!t.is_string())
    return bad_request(invalid_input("tenant", t, python_repr(t) + " is not of type 'string'"));
  auto text = t.get<std::string>();
  if (text.empty() || utf8_length(text) > 255)
    return bad_request(invalid_input(
      "tenant", t, python_repr(t) + (text.empty() ? " should be non-empty" : " is too long")));
  *tenant = text;
  return std::nullopt;
}

} // namespace

void add_flavor_access_routes(router& r, compute::compute_api& compute, const authenticator& auth) {
  r.add("GET", "/v2.1/flavors/{}/os-flavor-access", access::own(list_rule),
        [&](const api_request&, const params& p) {
          auto f = compute.flavor(p[0]);
          if (!f)
            return not_found(flavor_not_found(p[0]));
          if (f->is_public)
            return not_found("Access list not available for public flavors.");
          return access_list(compute, p[0]);
        });
  r.add("POST", "/v2.1/flavors/{}/action", access::owner({add_rule, remove_rule}),
        [&](const api_request& req, const params& p) {
          std::string action, tenant;
          if (auto bad = read_action(req, &action, &tenant))
            return *bad;
          bool adding = action == "addTenantAccess";
          auto& rule = adding ? add_rule : remove_rule;
          if (!allowed(req, rule, own_target(req)))
            return forbidden_by_policy(rule);
          // Nova checks the project only when it is added: an entry for a
          // project deleted since can still be removed.
          if (adding && !auth.knows_project(tenant))
            return not_a_project(tenant);
          auto f = compute.flavor(p[0]);
          if (!f)
            return not_found(flavor_not_found(p[0]));
          if (adding && f->is_public && req.version.at_least(2, 7))
            return fault_response(409, "Can not add access to a public flavor.");
          auto changed = adding ? compute.flavor_access().add(p[0], tenant)
                                : compute.flavor_access().remove(p[0], tenant);
          if (!changed.ok())
            return fault_response(*changed.error);
          return access_list(compute, p[0]);
        });
}

} // namespace nimbus::api
