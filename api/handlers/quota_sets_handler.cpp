// /v2.1/os-quota-sets/{project_id} (show, detail, defaults, update, delete)
// and /v2.1/os-quota-class-sets/{class} (show, update): Nova's quota_sets
// and quota_classes controllers over compute::quota_book. Which resources a
// body names depends on the microversion (api/handlers/quota_fields.h).
#include <set>

#include "api/formats.h"
#include "api/handlers/handlers.h"
#include "api/handlers/quota_fields.h"
#include "api/validation.h"
#include "compute/quota_book.h"
#include "compute/server_group_book.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

// The policy's target: the project the URI names.
std::optional<api_response> refused(const api_request& req, const std::string& rule,
                                    const std::string& project_id) {
  if (!allowed(req, rule, {{"project_id", project_id}}))
    return forbidden_by_policy(rule);
  return std::nullopt;
}

// Show, detail, update and delete read ?user_id=; 2.75 refuses the rest.
std::optional<api_response> check_query(const api_request& req) {
  if (!req.version.at_least(2, 75))
    return std::nullopt;
  return refuse_unknown_query(req, {"user_id"});
}

// What the project (or one of its users) uses of `resource`: the counted
// ones from the API cell; key pairs, group members and the absolute ones
// show 0, as Nova's views do.
std::int64_t in_use(const cells::usage& u, const std::string& resource) {
  if (resource == "instances")
    return u.instances;
  if (resource == "cores")
    return u.cores;
  if (resource == "ram")
    return u.ram_mb;
  for (auto t : storage::all_disk_tiers)
    if (resource == compute::disk_quota_name(t))
      return u.disk_of(t);
  return 0;
}

struct scope {
  std::string project_id;
  std::string user_id; // empty: the project's own limits
};

std::int64_t limit_of(const compute::quota_book& q, const scope& s, const std::string& r) {
  return s.user_id.empty() ? q.project_limit(s.project_id, r)
                           : q.user_limit(s.project_id, s.user_id, r);
}

json limits_body(const compute::quota_book& q, const scope& s, const api_request& req) {
  json out = json::object();
  for (auto& r : quota_set_fields(req.version, asks_extensions(req)))
    out[r] = limit_of(q, s, r);
  return out;
}

cells::usage usage_of(compute::compute_api& compute, const scope& s) {
  return s.user_id.empty() ? compute.project_usage(s.project_id)
                           : compute.user_usage(s.project_id, s.user_id);
}

// The range Nova lets an update set (QUOTAS.get_settable_quotas); -1 in
// `maximum` is no upper bound.
struct settable {
  std::int64_t minimum = 0;
  std::int64_t maximum = -1;
};

settable settable_of(const compute::quota_book& q, const scope& s, const cells::usage& used,
                     const std::string& r) {
  if (s.user_id.empty()) {
    auto users = q.user_rows_sum(s.project_id, r);
    return {std::max(users, in_use(used, r)), -1};
  }
  auto project = q.project_limit(s.project_id, r);
  auto users = q.user_rows_sum(s.project_id, r);
  auto own = q.user_row(s.project_id, s.user_id, r).value_or(0);
  auto remains = project - users;
  bool unbounded = project < 0 || users < 0 || remains < 0 || own < 0;
  return {in_use(used, r), unbounded ? -1 : remains + own};
}

// Checks the limits of an update against their settable ranges (unless
// forced): the 400 of the first that falls outside, or nullopt.
std::optional<api_response> outside_range(const compute::quota_book& q, const scope& s,
                                          const cells::usage& used,
                                          const compute::quota_values& limits) {
  for (auto& [r, limit] : limits) {
    auto range = settable_of(q, s, used, r);
    bool infinite = limit < 0;
    if (!infinite && range.minimum >= 0 && limit < range.minimum)
      return bad_request("Quota limit " + std::to_string(limit) + " for " + r
                         + " must be greater than or equal to already used and reserved "
                         + std::to_string(range.minimum) + ".");
    if (range.maximum >= 0 && (infinite || limit > range.maximum))
      return bad_request("Quota limit " + std::to_string(limit) + " for " + r
                         + " must be less than or equal to " + std::to_string(range.maximum) + ".");
  }
  return std::nullopt;
}

api_response show(compute::compute_api& compute, const api_request& req, const std::string& id,
                  bool detail) {
  auto rule = std::string("os_compute_api:os-quota-sets:") + (detail ? "detail" : "show");
  if (auto refusal = refused(req, rule, id))
    return *refusal;
  if (auto bad = check_query(req))
    return *bad;
  scope s{id, req.param("user_id")};
  auto& q = compute.quotas();
  json body;
  if (detail) {
    auto used = usage_of(compute, s);
    body = json::object();
    for (auto& r : quota_set_fields(req.version, asks_extensions(req)))
      body[r] = {{"in_use", in_use(used, r)}, {"limit", limit_of(q, s, r)}, {"reserved", 0}};
    std::int64_t groups = 0; // the project's server groups (the user's, with ?user_id=)
    for (auto& g : compute.server_groups().list(id))
      groups += s.user_id.empty() || g.user_id == s.user_id;
    body["server_groups"]["in_use"] = groups;
  } else {
    body = limits_body(q, s, req);
  }
  body["id"] = id;
  return json_response(200, {{"quota_set", body}});
}

api_response defaults(compute::compute_api& compute, const api_request& req,
                      const std::string& id) {
  if (auto refusal = refused(req, "os_compute_api:os-quota-sets:defaults", id))
    return *refusal;
  json body = json::object();
  for (auto& r : quota_set_fields(req.version, asks_extensions(req)))
    body[r] = compute.quotas().default_limit(r);
  body["id"] = id;
  return json_response(200, {{"quota_set", body}});
}

api_response update(compute::compute_api& compute, const authenticator& auth,
                    const api_request& req, const std::string& id) {
  if (auto refusal = refused(req, "os_compute_api:os-quota-sets:update", id))
    return *refusal;
  if (auto bad = check_query(req))
    return *bad;
  if (!auth.knows_project(id))
    return not_a_project(id);
  compute::quota_values limits;
  bool force = false;
  if (auto bad =
        read_quota_body(req, "quota_set", quota_set_fields(req.version, asks_extensions(req)), true,
                        &limits, &force))
    return *bad;
  scope s{id, req.param("user_id")};
  auto& q = compute.quotas();
  if (!force)
    if (auto bad = outside_range(q, s, usage_of(compute, s), limits))
      return *bad;
  auto stored = s.user_id.empty() ? q.set_project(id, limits) : q.set_user(id, s.user_id, limits);
  if (!stored.ok())
    return fault_response(*stored.error);
  return json_response(200, {{"quota_set", limits_body(q, s, req)}});
}

api_response erase(compute::compute_api& compute, const api_request& req, const std::string& id) {
  if (auto refusal = refused(req, "os_compute_api:os-quota-sets:delete", id))
    return *refusal;
  if (auto bad = check_query(req))
    return *bad;
  auto user = req.param("user_id");
  auto& q = compute.quotas();
  auto gone = user.empty() ? q.erase_project(id) : q.erase_user(id, user);
  if (!gone.ok())
    return fault_response(*gone.error);
  return {202, "", {}};
}

json class_body(const compute::quota_book& q, const std::string& name, const api_request& req) {
  json out = json::object();
  for (auto& r : quota_class_fields(req.version, asks_extensions(req)))
    out[r] = q.class_limit(name, r);
  return out;
}

api_response show_class(compute::compute_api& compute, const api_request& req,
                        const std::string& name) {
  if (req.version.at_least(2, 102))
    if (auto bad = refuse_unknown_query(req, {}))
      return *bad;
  auto body = class_body(compute.quotas(), name, req);
  body["id"] = name;
  return json_response(200, {{"quota_class_set", body}});
}

api_response update_class(compute::compute_api& compute, const api_request& req,
                          const std::string& name) {
  compute::quota_values limits;
  if (auto bad = read_quota_body(req, "quota_class_set",
                                 quota_class_accepted(req.version, asks_extensions(req)), false,
                                 &limits, nullptr))
    return *bad;
  if (name.size() > 255)
    return bad_request("quota_class_name has " + std::to_string(name.size())
                       + " characters, more than 255.");
  auto stored = compute.quotas().set_class(name, limits);
  if (!stored.ok())
    return fault_response(*stored.error);
  return json_response(200, {{"quota_class_set", class_body(compute.quotas(), name, req)}});
}

} // namespace

void add_quota_set_routes(router& r, compute::compute_api& compute, const authenticator& auth) {
  const std::string rules = "os_compute_api:os-quota-sets:";
  r.add("GET", "/v2.1/os-quota-sets/{}", access::owner({rules + "show"}),
        [&](const api_request& req, const params& p) { return show(compute, req, p[0], false); });
  r.add("GET", "/v2.1/os-quota-sets/{}/detail", access::owner({rules + "detail"}),
        [&](const api_request& req, const params& p) { return show(compute, req, p[0], true); });
  r.add("GET", "/v2.1/os-quota-sets/{}/defaults", access::owner({rules + "defaults"}),
        [&](const api_request& req, const params& p) { return defaults(compute, req, p[0]); });
  r.add("PUT", "/v2.1/os-quota-sets/{}", access::owner({rules + "update"}),
        [&](const api_request& req, const params& p) { return update(compute, auth, req, p[0]); });
  r.add("DELETE", "/v2.1/os-quota-sets/{}", access::owner({rules + "delete"}),
        [&](const api_request& req, const params& p) { return erase(compute, req, p[0]); });
  r.add("GET", "/v2.1/os-quota-class-sets/{}",
        access::own("os_compute_api:os-quota-class-sets:show"),
        [&](const api_request& req, const params& p) { return show_class(compute, req, p[0]); });
  r.add("PUT", "/v2.1/os-quota-class-sets/{}",
        access::own("os_compute_api:os-quota-class-sets:update"),
        [&](const api_request& req, const params& p) { return update_class(compute, req, p[0]); });
}

} // namespace nimbus::api
