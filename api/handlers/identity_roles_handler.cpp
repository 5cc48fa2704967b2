// The identity API's roles (Keystone v3): /v3/roles[/{id}], grants of a role
// to a user on a project or a domain (/v3/{projects,domains}/{id}/users/{u}/
// roles[/{r}]), /v3/role_assignments (with `effective` and `include_names`)
// and /v3/role_inferences (identity/implied_roles.h), with Keystone's request
// checks, policy rules and error bodies. Tokens carry role names, so revoking
// a grant, renaming or deleting a role revokes the tokens that relied on it;
// revoking a project grant also deletes the user's application credentials
// on that project, as Keystone does.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "api/handlers/handlers.h"
#include "api/handlers/identity_common.h"
#include "api/identity_service.h"
#include "api/keystone_faults.h"
#include "api/validation.h"
#include "api/views/identity_views.h"
#include "identity/implied_roles.h"

namespace nimbus::api {
namespace {

using identity::change;
using nlohmann::json;

std::optional<api_response> read_role(const ordered_json& in, bool create, storage::role* r) {
  std::string domain_id;
  auto e = reader{in}
             .name("role", 255, create, &r->name)
             .text("description", &r->description, 255)
             .text("domain_id", &domain_id, 64)
             .error;
  if (!e && !domain_id.empty())
    return bad("Domain-specific roles are not supported.");
  return e;
}

// Revokes the tokens that relied on assignment `a` (on a domain: all the
// user's) and, with `credentials`, the user's application credentials on
// its project.
void undo(identity_backend& b, const storage::role_assignment& a, bool credentials) {
  if (a.project_id.empty()) {
    b.tokens.revoke_user(a.user_id);
    return;
  }
  b.tokens.revoke_user_on_project(a.user_id, a.project_id);
  for (auto& c : b.dir.application_credentials(a.user_id))
    if (credentials && c.project_id == a.project_id)
      b.dir.erase_application_credential(c.id);
}

std::vector<storage::role_assignment> holders(const identity::directory& dir,
                                              const std::string& role_id) {
  auto all = dir.assignments();
  all.erase(std::remove_if(all.begin(), all.end(), [&](auto& a) { return a.role_id != role_id; }),
            all.end());
  return all;
}

void add_role_crud_routes(router& r, identity_backend& b) {
  r.add("GET", "/v3/roles", access::own("identity:list_roles"),
        [&b](const api_request& req, const params&) {
          json items = json::array();
          for (auto& role : b.dir.roles())
            if ((!req.has_param("name") || role.name == req.param("name"))
                && req.param("domain_id").empty())
              items.push_back(role_json(role, req.base_url));
          return json_response(200,
                               collection_json("roles", items, req.base_url, request_path(req)));
        });
  r.add("POST", "/v3/roles", access::own("identity:create_role"),
        [&b](const api_request& req, const params&) {
          ordered_json in;
          storage::role role;
          if (auto e = entity_of(req, "role", &in))
            return *e;
          if (auto e = read_role(in, true, &role))
            return *e;
          role.id = identity::new_id();
          if (auto c = b.dir.put(role); c != change::done)
            return write_error(c, "role", role.name);
          return json_response(201, {{"role", role_json(role, req.base_url)}});
        });
  r.add("GET", "/v3/roles/{}", access::own("identity:get_role"),
        [&b](const api_request& req, const params& p) {
          auto role = b.dir.role(p[0]);
          return role ? json_response(200, {{"role", role_json(*role, req.base_url)}})
                      : not_found("role", p[0]);
        });
  r.add("PATCH", "/v3/roles/{}", access::own("identity:update_role"),
        [&b](const api_request& req, const params& p) {
          ordered_json in;
          if (auto e = entity_of(req, "role", &in))
            return *e;
          auto found = b.dir.role(p[0]);
          auto role = found.value_or(storage::role{});
          if (auto e = read_role(in, false, &role))
            return *e;
          if (auto it = in.find("id"); it != in.end() && !it->is_null() && *it != p[0])
            return bad("Cannot change ID");
          if (!found)
            return not_found("role", p[0]);
          if (auto c = b.dir.put(role); c != change::done)
            return write_error(c, "role", role.name);
          if (role.name != found->name)
            for (auto& a : holders(b.dir, role.id))
              undo(b, a, false);
          return json_response(200, {{"role", role_json(role, req.base_url)}});
        });
  r.add("DELETE", "/v3/roles/{}", access::own("identity:delete_role"),
        [&b](const api_request&, const params& p) {
          auto held = holders(b.dir, p[0]);
          auto c = b.dir.erase_role(p[0]);
          if (c == change::not_found)
            return not_found("role", p[0]);
          if (c != change::done)
            return write_error(c, "role", p[0]);
          for (auto& a : held)
            undo(b, a, true);
          return no_content();
        });
}

// The 404 for the first of the role, user and project or domain that does
// not exist (an empty id is not looked up).
std::optional<api_response> missing(const identity::directory& dir, const std::string& role_id,
                                    const std::string& user_id, const std::string& target,
                                    bool on_project) {
  if (!role_id.empty() && !dir.role(role_id))
    return not_found("role", role_id);
  if (!user_id.empty() && !dir.user(user_id))
    return not_found("user", user_id);
  if (on_project ? !dir.project(target) : !dir.domain(target))
    return not_found(on_project ? "project" : "domain", target);
  return std::nullopt;
}

api_response no_grant(const storage::role_assignment& a) {
  return keystone_error(404, "Could not find role assignment with role: " + a.role_id
                               + ", user or group: " + a.user_id + ", project, domain, or system: "
                               + (a.project_id.empty() ? a.domain_id : a.project_id) + ".");
}

void add_grant_routes(router& r, identity_backend& b, bool on_project) {
  // p: the project or domain, the user, the role.
  auto grant_of = [on_project](const params& p) {
    return storage::role_assignment{p[1], on_project ? p[0] : "", on_project ? "" : p[0],
                                    p.size() > 2 ? p[2] : ""};
  };
  auto check = [&b, on_project, grant_of](const api_request&, const params& p) {
    auto a = grant_of(p);
    if (auto e = missing(b.dir, a.role_id, a.user_id, p[0], on_project))
      return *e;
    auto held = b.dir.role_ids_on(a.user_id, a.project_id, a.domain_id);
    return std::count(held.begin(), held.end(), a.role_id) ? no_content() : no_grant(a);
  };
  std::string base =
    on_project ? "/v3/projects/{}/users/{}/roles" : "/v3/domains/{}/users/{}/roles";
  r.add("GET", base, access::own("identity:list_grants"),
        [&b, on_project, grant_of](const api_request& req, const params& p) {
          auto a = grant_of(p);
          if (auto e = missing(b.dir, "", a.user_id, p[0], on_project))
            return *e;
          json items = json::array();
          for (auto& id : b.dir.role_ids_on(a.user_id, a.project_id, a.domain_id))
            if (auto role = b.dir.role(id))
              items.push_back(role_json(*role, req.base_url));
          return json_response(200,
                               collection_json("roles", items, req.base_url, request_path(req)));
        });
  r.add("PUT", base + "/{}", access::own("identity:create_grant"),
        [&b, on_project, grant_of](const api_request&, const params& p) {
          auto a = grant_of(p);
          if (auto e = missing(b.dir, a.role_id, a.user_id, p[0], on_project))
            return *e;
          auto c = b.dir.grant(a);
          if (c == change::not_found)
            return missing(b.dir, a.role_id, a.user_id, p[0], on_project).value_or(no_grant(a));
          return c == change::done ? no_content() : write_error(c, "role_assignment", a.role_id);
        });
  r.add("HEAD", base + "/{}", access::own("identity:check_grant"), check);
  r.add("GET", base + "/{}", access::own("identity:check_grant"), check);
  r.add("DELETE", base + "/{}", access::own("identity:revoke_grant"),
        [&b, on_project, grant_of](const api_request&, const params& p) {
          auto a = grant_of(p);
          if (auto e = missing(b.dir, a.role_id, "", p[0], on_project))
            return *e;
          auto c = b.dir.revoke(a);
          if (c == change::not_found)
            return no_grant(a);
          if (c != change::done)
            return write_error(c, "role_assignment", a.role_id);
          undo(b, a, true);
          return no_content();
        });
}

// An assignment of /v3/role_assignments; `prior` is set for a role it
// implies (effective), and names the role it was implied by.
struct listed {
  storage::role_assignment a;
  std::string prior;
};

json id_and_name(const std::string& id, const std::string& name) {
  return {{"id", id}, {"name", name}};
}

json assignment_json(const identity::directory& dir, const listed& l, bool names,
                     const std::string& base_url) {
  auto& a = l.a;
  bool on_project = !a.project_id.empty();
  json role = {{"id", a.role_id}}, user = {{"id", a.user_id}};
  json target = {{"id", on_project ? a.project_id : a.domain_id}};
  auto domain_of = [&](const std::string& id) {
    auto d = dir.domain(id);
    return id_and_name(id, d ? d->name : "");
  };
  if (auto r = dir.role(a.role_id); names && r)
    role["name"] = r->name;
  if (auto u = dir.user(a.user_id); names && u)
    user = {{"id", u->id}, {"name", u->name}, {"domain", domain_of(u->domain_id)}};
  if (auto p = dir.project(a.project_id); names && p)
    target = {{"id", p->id}, {"name", p->name}, {"domain", domain_of(p->domain_id)}};
  else if (names && !on_project)
    target = domain_of(a.domain_id);
  std::string link = base_url + (on_project ? "/v3/projects/" : "/v3/domains/")
                     + target["id"].get<std::string>() + "/users/" + a.user_id + "/roles/"
                     + (l.prior.empty() ? a.role_id : l.prior);
  json out = {{"role", role},
              {"user", user},
              {"scope", {{on_project ? "project" : "domain", target}}},
              {"links", {{"assignment", link}}}};
  if (!l.prior.empty()) // Keystone's link, as it writes it
    out["links"]["prior_role"] = base_url + "/v3/prior_role/" + a.role_id + "/implies/" + l.prior;
  return out;
}

bool same(const storage::role_assignment& x, const storage::role_assignment& y) {
  return x.user_id == y.user_id && x.project_id == y.project_id && x.domain_id == y.domain_id
         && x.role_id == y.role_id;
}

std::vector<listed> list_assignments(const identity_backend& b, const api_request& req) {
  std::vector<listed> out;
  auto user = req.param("user.id"), project = req.param("scope.project.id");
  auto domain = req.param("scope.domain.id"), role = req.param("role.id");
  // Nothing is granted to groups or on the system here.
  if (req.has_param("group.id") || req.has_param("scope.system"))
    return out;
  for (auto& a : b.dir.assignments())
    if ((user.empty() || a.user_id == user) && (project.empty() || a.project_id == project)
        && (domain.empty() || a.domain_id == domain))
      out.push_back({a, ""});
  // Each implied role once per user and target; it grows the list it walks.
  for (std::size_t i = 0;
       req.has_param("effective") && query_true(req.param("effective")) && i < out.size(); ++i)
    for (auto& [prior, implied] : identity::role_inferences()) {
      auto from = b.dir.role(out[i].a.role_id);
      auto to = b.dir.role_named(implied);
      if (!from || from->name != prior || !to)
        continue;
      listed l{out[i].a, from->id};
      l.a.role_id = to->id;
      if (std::none_of(out.begin(), out.end(), [&](auto& o) { return same(o.a, l.a); }))
        out.push_back(l);
    }
  auto in_caller_domain = [&](const storage::role_assignment& a) {
    auto p = b.dir.project(a.project_id);
    return a.domain_id == req.creds.domain_id || (p && p->domain_id == req.creds.domain_id);
  };
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](auto& l) {
                             return (!role.empty() && l.a.role_id != role)
                                    || (!req.creds.domain_id.empty() && !in_caller_domain(l.a));
                           }),
            out.end());
  return out;
}

void add_assignment_routes(router& r, identity_backend& b) {
  r.add("GET", "/v3/role_assignments", access::own("identity:list_role_assignments"),
        [&b](const api_request& req, const params&) {
          if (!req.param("scope.domain.id").empty() && !req.param("scope.project.id").empty())
            return bad("Specify a domain or project, not both");
          if (!req.param("user.id").empty() && !req.param("group.id").empty())
            return bad("Specify a user or group, not both");
          bool names = req.has_param("include_names") && query_true(req.param("include_names"));
          json items = json::array();
          for (auto& l : list_assignments(b, req))
            items.push_back(assignment_json(b.dir, l, names, req.base_url));
          return json_response(
            200, collection_json("role_assignments", items, req.base_url, request_path(req)));
        });
  r.add("GET", "/v3/role_inferences", access::own("identity:list_role_inference_rules"),
        [&b](const api_request& req, const params&) {
          auto ref = [&](const storage::role& role) {
            return json{{"id", role.id},
                        {"name", role.name},
                        {"links", {{"self", req.base_url + "/v3/roles/" + role.id}}}};
          };
          json items = json::array();
          for (auto& [prior, implied] : identity::role_inferences()) {
            auto from = b.dir.role_named(prior), to = b.dir.role_named(implied);
            if (!from || !to)
              continue;
            auto it = std::find_if(items.begin(), items.end(), [&](const json& i) {
              return i["prior_role"]["id"] == from->id;
            });
            if (it == items.end())
              it = items.insert(items.end(),
                                json{{"prior_role", ref(*from)}, {"implies", json::array()}});
            (*it)["implies"].push_back(ref(*to));
          }
          return json_response(
            200, collection_json("role_inferences", items, req.base_url, request_path(req)));
        });
}

} // namespace

void add_identity_role_routes(router& r, identity_backend& b) {
  add_role_crud_routes(r, b);
  add_grant_routes(r, b, true);
  add_grant_routes(r, b, false);
  add_assignment_routes(r, b);
}

} // namespace nimbus::api
