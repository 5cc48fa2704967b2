// /v2.0/quotas: Neutron's quotas of a project (show, defaults, details with
// usage, update and reset by admins) and the list of projects with limits.
#include "api/handlers/neutron_common.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

// A project's own quotas to itself, anyone's to an admin.
std::optional<api_response> refused_reading(const api_request& req, const std::string& project) {
  if (req.ctx.is_admin || req.ctx.project_id == project)
    return std::nullopt;
  return neutron_error(403, "NotAuthorized",
                       "Only admin is authorized to access quotas for another tenant");
}

json quota_json(const std::map<std::string, std::int64_t>& limits) {
  json out = json::object();
  for (auto& [k, v] : limits)
    out[k] = v;
  return out;
}

api_response update(network::network_book& book, const api_request& req,
                    const std::string& project) {
  auto body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("quota")
      || !body["quota"].is_object())
    return neutron_error(400, "HTTPBadRequest", "Unable to find 'quota' in request body");
  std::map<std::string, std::int64_t> limits;
  for (auto& [k, v] : body["quota"].items()) {
    if (v.is_number_integer())
      limits[k] = v.get<std::int64_t>();
    else if (v.is_string() && !v.get<std::string>().empty()
             && v.get<std::string>().find_first_not_of("-0123456789") == std::string::npos)
      limits[k] = std::stoll(v.get<std::string>());
    else
      return neutron_error(400, "HTTPBadRequest",
                           "Invalid input for " + k + ". Reason: '" + v.dump()
                             + "' is not an integer.");
  }
  auto changed = book.set_quotas(caller_of(req), project, limits);
  if (!changed.ok())
    return neutron_error(changed.error);
  return neutron_json(200, {{"quota", quota_json(*changed.value)}});
}

} // namespace

void add_neutron_quota_routes(router& r, network::network_book& book) {
  r.add("GET", "/v2.0/quotas", access::open(), [&book](const api_request& req, const params&) {
    if (!req.ctx.is_admin)
      return neutron_error(403, "AdminRequired",
                           "User does not have admin privileges: Only "
                           "admin can access quotas.");
    json list = json::array();
    for (auto& project : book.projects_with_quotas()) {
      auto q = quota_json(book.quotas(project));
      q["tenant_id"] = project;
      q["project_id"] = project;
      list.push_back(q);
    }
    return neutron_json(200, {{"quotas", list}});
  });
  r.add("GET", "/v2.0/quotas/{}", access::open(), [&book](const api_request& req, const params& p) {
    if (auto refusal = refused_reading(req, p[0]))
      return *refusal;
    return neutron_json(200, {{"quota", quota_json(book.quotas(p[0]))}});
  });
  r.add("GET", "/v2.0/quotas/{}/default", access::open(),
        [&book](const api_request& req, const params& p) {
          if (auto refusal = refused_reading(req, p[0]))
            return *refusal;
          auto q = quota_json(book.options().default_quotas);
          q["project_id"] = p[0];
          q["tenant_id"] = p[0];
          return neutron_json(200, {{"quota", q}});
        });
  r.add("GET", "/v2.0/quotas/{}/details", access::open(),
        [&book](const api_request& req, const params& p) {
          if (auto refusal = refused_reading(req, p[0]))
            return *refusal;
          json q = json::object();
          for (auto& [k, v] : book.quota_usage(p[0]))
            q[k] = {{"limit", v.first}, {"used", v.second}, {"reserved", 0}};
          return neutron_json(200, {{"quota", q}});
        });
  r.add("PUT", "/v2.0/quotas/{}", access::open(),
        [&book](const api_request& req, const params& p) { return update(book, req, p[0]); });
  r.add("DELETE", "/v2.0/quotas/{}", access::open(),
        [&book](const api_request& req, const params& p) {
          auto f = book.reset_quotas(caller_of(req), p[0]);
          return f ? neutron_error(*f) : neutron_no_content();
        });
}

} // namespace nimbus::api
