// /v2.1/os-server-groups (Nova's server_groups controller): create, list
// (own project, or every one for an admin's ?all_projects), show and delete,
// over compute::server_group_book. The body changes with the microversion:
// `policies` until 2.63 (soft ones from 2.15), `policy` and `rules` from
// 2.64; project_id and user_id from 2.13.
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "compute/quota_book.h"
#include "compute/server_group_book.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::string rule_prefix = "os_compute_api:os-server-groups:";

json group_body(compute::compute_api& compute, const storage::server_group& g,
                const microversion& v) {
  json members = json::array();
  for (auto& m : g.members)
    if (compute.owner_of({"", "", "", true}, m)) // still a server
      members.push_back(m);
  json out = {{"id", g.uuid}, {"name", g.name}, {"members", members}};
  if (v.at_least(2, 64)) {
    out["policy"] = g.policy;
    out["rules"] = json::object();
    if (g.max_server_per_host > 0)
      out["rules"]["max_server_per_host"] = g.max_server_per_host;
  } else {
    out["policies"] = json::array({g.policy});
    out["metadata"] = json::object();
  }
  if (v.at_least(2, 13)) {
    out["project_id"] = g.project_id;
    out["user_id"] = g.user_id;
  }
  return out;
}

// A positive integer, or its digits as text.
std::optional<std::int32_t> positive(const ordered_json& v) {
  if (v.is_number_integer() && v.get<long long>() >= 1 && v.get<long long>() <= 2147483647)
    return static_cast<std::int32_t>(v.get<long long>());
  if (v.is_string() && is_digits(v.get<std::string>()) && v.get<std::string>().size() < 10
      && std::stol(v.get<std::string>()) >= 1)
    return static_cast<std::int32_t>(std::stol(v.get<std::string>()));
  return std::nullopt;
}

std::optional<api_response> read_group(const api_request& req, storage::server_group* g) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || !body->contains("server_group"))
    return bad_request("'server_group' is a required property");
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != "server_group")
      return bad_request(unexpected_property(it.key()));
  auto& s = (*body)["server_group"];
  if (!s.is_object())
    return bad_request(
      invalid_input("server_group", s, python_repr(s) + " is not of type 'object'"));
  bool modern = req.version.at_least(2, 64);
  std::vector<std::string> known{"name", modern ? "policy" : "policies"};
  if (modern)
    known.push_back("rules");
  for (auto it = s.begin(); it != s.end(); ++it)
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      return bad_request(invalid_input("server_group", s, unexpected_property(it.key())));
  for (auto& key : {known[0], known[1]})
    if (!s.contains(key))
      return bad_request(invalid_input("server_group", s, "'" + key + "' is a required property"));
  if (auto bad = check_name(s["name"]))
    return bad;
  g->name = s["name"].get<std::string>();
  std::vector<std::string> policies{"anti-affinity", "affinity"};
  if (req.version.at_least(2, 15))
    policies.insert(policies.end(), {"soft-anti-affinity", "soft-affinity"});
  std::string choices;
  for (auto& p : policies)
    choices += (choices.empty() ? "'" : ", '") + p + "'";
  auto one_of = [&](const ordered_json& p) {
    return p.is_string()
           && std::find(policies.begin(), policies.end(), p.get<std::string>()) != policies.end();
  };
  if (modern) {
    auto& p = s["policy"];
    if (!one_of(p))
      return bad_request(
        invalid_input("policy", p, python_repr(p) + " is not one of [" + choices + "]"));
    g->policy = p.get<std::string>();
  } else {
    auto& p = s["policies"];
    if (!p.is_array() || p.size() != 1 || !one_of(p[0]))
      return bad_request(invalid_input("policies", p,
                                       python_repr(p)
                                         + " is not valid under any of the given "
                                           "schemas"));
    g->policy = p[0].get<std::string>();
  }
  if (modern && s.contains("rules")) {
    auto& rules = s["rules"];
    if (!rules.is_object())
      return bad_request(
        invalid_input("rules", rules, python_repr(rules) + " is not of type 'object'"));
    for (auto it = rules.begin(); it != rules.end(); ++it) {
      if (it.key() != "max_server_per_host")
        return bad_request(invalid_input("rules", rules, unexpected_property(it.key())));
      auto n = positive(it.value());
      if (!n)
        return bad_request(
          invalid_input("max_server_per_host", it.value(),
                        python_repr(it.value()) + " is less than the minimum of 1"));
      g->max_server_per_host = *n;
    }
    if (!rules.empty() && g->policy != "anti-affinity")
      return bad_request("Only anti-affinity policy supports rules.");
  }
  return std::nullopt;
}

api_response create(compute::compute_api& compute, const api_request& req) {
  storage::server_group g;
  if (auto bad = read_group(req, &g))
    return *bad;
  auto rule = rule_prefix + "create";
  if (!allowed(req, rule, own_target(req)))
    return forbidden_by_policy(rule);
  g.project_id = req.ctx.project_id;
  g.user_id = req.ctx.user_id;
  auto& q = compute.quotas();
  auto made =
    compute.server_groups().create(g, q.project_limit(g.project_id, "server_groups"),
                                   q.user_limit(g.project_id, g.user_id, "server_groups"));
  if (!made.ok())
    return fault_response(*made.error);
  return json_response(200, {{"server_group", group_body(compute, made.value, req.version)}});
}

api_response list(compute::compute_api& compute, const api_request& req) {
  if (req.version.at_least(2, 75))
    if (auto bad = refuse_unknown_query(req, {"all_projects", "limit", "offset"}))
      return *bad;
  std::string project = req.ctx.project_id;
  if (req.has_param("all_projects") && req.ctx.is_admin) {
    auto rule = rule_prefix + "index:all_projects";
    if (!allowed(req, rule, own_target(req)))
      return forbidden_by_policy(rule);
    project.clear();
  }
  std::int32_t limit = 1000;
  if (auto bad = read_limit(req, &limit))
    return *bad;
  std::size_t offset = 0;
  if (auto bad = read_offset(req, &offset))
    return *bad;
  if (limit == 0)
    limit = 1000;
  json items = json::array();
  auto groups = compute.server_groups().list(project);
  for (std::size_t i = offset; i < groups.size() && items.size() < std::size_t(limit); ++i)
    items.push_back(group_body(compute, groups[i], req.version));
  return json_response(200, {{"server_groups", items}});
}

// Show and delete: the caller's project's group (an admin's any), then the
// policy on the group's project.
template <class Act>
api_response on_group(compute::compute_api& compute, const api_request& req,
                      const std::string& uuid, const std::string& action, Act act) {
  auto g = compute.server_groups().find(uuid);
  if (!g || (!req.ctx.is_admin && g->project_id != req.ctx.project_id))
    return not_found(compute::server_group_not_found(uuid));
  auto rule = rule_prefix + action;
  if (!allowed(req, rule, {{"project_id", g->project_id}, {"user_id", g->user_id}}))
    return forbidden_by_policy(rule);
  return act(*g);
}

} // namespace

void add_server_group_routes(router& r, compute::compute_api& compute) {
  auto& c = compute;
  r.add("GET", "/v2.1/os-server-groups", access::own(rule_prefix + "index"),
        [&c](const api_request& req, const params&) { return list(c, req); });
  r.add("POST", "/v2.1/os-server-groups", access::owner({rule_prefix + "create"}),
        [&c](const api_request& req, const params&) { return create(c, req); });
  r.add("GET", "/v2.1/os-server-groups/{}", access::owner({rule_prefix + "show"}),
        [&c](const api_request& req, const params& p) {
          return on_group(c, req, p[0], "show", [&](const storage::server_group& g) {
            return json_response(200, {{"server_group", group_body(c, g, req.version)}});
          });
        });
  r.add("DELETE", "/v2.1/os-server-groups/{}", access::owner({rule_prefix + "delete"}),
        [&c](const api_request& req, const params& p) {
          return on_group(c, req, p[0], "delete", [&](const storage::server_group& g) {
            auto gone = c.server_groups().erase(g.uuid);
            if (!gone.ok())
              return fault_response(*gone.error);
            return api_response{204, "", {}};
          });
        });
}

} // namespace nimbus::api
