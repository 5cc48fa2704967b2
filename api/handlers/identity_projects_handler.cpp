// The identity API's domains and projects (Keystone v3): /v3/domains[/{id}]
// and /v3/projects[/{id}], with Keystone's request checks, policy rules and
// error bodies. Disabling or deleting a project revokes its tokens; disabling
// or deleting a domain revokes those of its projects and users. Projects are
// flat: a parent_id that names a project of the same domain is accepted, but
// the project is kept (and shown) with its domain as its parent.
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
#include "storage/clock.h"

namespace nimbus::api {
namespace {

using identity::change;
using nlohmann::json;

// Tags: up to 80 distinct strings of 1 to 255 characters without ',' or '/'.
std::optional<api_response> read_tags(const ordered_json& in, std::vector<std::string>* out) {
  auto it = in.find("tags");
  if (it == in.end())
    return std::nullopt;
  if (!it->is_array() || it->size() > 80)
    return bad(
      invalid_input("tags", *it, python_repr(*it) + " is not an array of 80 tags or less"));
  std::vector<std::string> tags;
  for (auto& t : *it) {
    auto s = t.is_string() ? t.get<std::string>() : std::string{};
    if (s.empty() || utf8_length(s) > 255 || s.find_first_of(",/") != std::string::npos)
      return bad(invalid_input("tags", t, python_repr(t) + " is not a valid tag"));
    if (std::find(tags.begin(), tags.end(), s) != tags.end())
      return bad(invalid_input("tags", *it, python_repr(*it) + " has non-unique elements"));
    tags.push_back(s);
  }
  *out = std::move(tags);
  return std::nullopt;
}

std::optional<api_response> read_domain(const ordered_json& in, bool create, storage::domain* d) {
  return reader{in}
    .name("domain", 64, create, &d->name)
    .text("description", &d->description, 255)
    .flag("enabled", &d->enabled)
    .error;
}

// A project's own properties, and the domain_id and parent_id it names.
std::optional<api_response> read_project(const ordered_json& in, bool create, storage::project* p,
                                         std::string* domain_id, std::string* parent_id) {
  bool is_domain = false;
  auto e = reader{in}
             .name("project", 64, create, &p->name)
             .text("description", &p->description)
             .flag("enabled", &p->enabled)
             .flag("is_domain", &is_domain)
             .text("domain_id", domain_id, 64)
             .text("parent_id", parent_id, 64)
             .error;
  if (e)
    return e;
  if (is_domain)
    return bad("Projects acting as domains are not supported: use /v3/domains.");
  return read_tags(in, &p->tags);
}

// Revokes the tokens of a domain's projects and users.
void revoke_domain(identity_backend& b, const std::string& domain_id,
                   const std::vector<storage::project>& projects,
                   const std::vector<storage::user>& users) {
  b.tokens.revoke_domain(domain_id); // tokens scoped to it, whoever's
  for (auto& p : projects)
    if (p.domain_id == domain_id)
      b.tokens.revoke_project(p.id);
  for (auto& u : users)
    if (u.domain_id == domain_id)
      b.tokens.revoke_user(u.id);
}

void add_domain_routes(router& r, identity_backend& b) {
  r.add("GET", "/v3/domains", access::own("identity:list_domains"),
        [&b](const api_request& req, const params&) {
          json items = json::array();
          for (auto& d : b.dir.domains())
            if ((!req.has_param("name") || d.name == req.param("name"))
                && (!req.has_param("enabled") || d.enabled == query_true(req.param("enabled")))
                && (req.creds.domain_id.empty() || d.id == req.creds.domain_id))
              items.push_back(domain_json(d, req.base_url));
          return json_response(200,
                               collection_json("domains", items, req.base_url, request_path(req)));
        });
  r.add("POST", "/v3/domains", access::own("identity:create_domain"),
        [&b](const api_request& req, const params&) {
          ordered_json in;
          storage::domain d;
          if (auto e = entity_of(req, "domain", &in))
            return *e;
          if (auto e = read_domain(in, true, &d))
            return *e;
          d.id = identity::new_id();
          d.created_us = storage::now_us();
          if (auto c = b.dir.put(d); c != change::done)
            return write_error(c, "domain", d.name);
          return json_response(201, {{"domain", domain_json(d, req.base_url)}});
        });
  r.add("GET", "/v3/domains/{}", access::owner({"identity:get_domain"}),
        [&b](const api_request& req, const params& p) {
          if (!allowed(req, "identity:get_domain", {{"target.domain.id", p[0]}}))
            return refused("identity:get_domain");
          auto d = b.dir.domain(p[0]);
          if (!d)
            return not_found("domain", p[0]);
          return json_response(200, {{"domain", domain_json(*d, req.base_url)}});
        });
  r.add("PATCH", "/v3/domains/{}", access::own("identity:update_domain"),
        [&b](const api_request& req, const params& p) {
          ordered_json in;
          if (auto e = entity_of(req, "domain", &in))
            return *e;
          if (in.empty())
            return bad(invalid_input("domain", in, "{} does not have enough properties"));
          auto found = b.dir.domain(p[0]);
          auto d = found.value_or(storage::domain{});
          if (auto e = read_domain(in, false, &d))
            return *e;
          if (!found)
            return not_found("domain", p[0]);
          if (auto c = b.dir.put(d); c != change::done)
            return write_error(c, "domain", d.name);
          if (found->enabled && !d.enabled)
            revoke_domain(b, d.id, b.dir.projects(), b.dir.users());
          return json_response(200, {{"domain", domain_json(d, req.base_url)}});
        });
  r.add("DELETE", "/v3/domains/{}", access::own("identity:delete_domain"),
        [&b](const api_request& req, const params& p) {
          auto d = b.dir.domain(p[0]);
          if (!d)
            return not_found("domain", p[0]);
          if (d->enabled)
            return keystone_error(
              403, "Cannot delete a domain that is enabled, please disable it first.");
          if (d->id == "default")
            return keystone_error(403, "Cannot delete the default domain.");
          auto projects = b.dir.projects();
          auto users = b.dir.users();
          if (auto c = b.dir.erase_domain(d->id); c != change::done)
            return c == change::not_found ? not_found("domain", p[0])
                                          : write_error(c, "domain", d->name);
          revoke_domain(b, d->id, projects, users);
          return no_content();
        });
}

void add_project_routes(router& r, identity_backend& b) {
  r.add("GET", "/v3/projects", access::own("identity:list_projects"),
        [&b](const api_request& req, const params&) {
          json items = json::array();
          bool domains_only = req.has_param("is_domain") && query_true(req.param("is_domain"));
          for (auto& p : b.dir.projects())
            if (!domains_only && (!req.has_param("name") || p.name == req.param("name"))
                && (!req.has_param("domain_id") || p.domain_id == req.param("domain_id"))
                && (!req.has_param("parent_id") || p.domain_id == req.param("parent_id"))
                && (!req.has_param("enabled") || p.enabled == query_true(req.param("enabled")))
                && (req.creds.domain_id.empty() || p.domain_id == req.creds.domain_id))
              items.push_back(project_json(p, req.base_url));
          return json_response(200,
                               collection_json("projects", items, req.base_url, request_path(req)));
        });
  r.add("POST", "/v3/projects", access::own("identity:create_project"),
        [&b](const api_request& req, const params&) {
          ordered_json in;
          storage::project pr;
          std::string domain_id, parent_id;
          if (auto e = entity_of(req, "project", &in))
            return *e;
          if (auto e = read_project(in, true, &pr, &domain_id, &parent_id))
            return *e;
          if (domain_id.empty())
            domain_id = req.creds.domain_id.empty() ? "default" : req.creds.domain_id;
          auto domain = b.dir.domain(domain_id);
          if (!domain)
            return bad("Could not find domain: " + domain_id + ".");
          std::string disabled = domain->enabled ? "" : domain_id;
          if (!parent_id.empty() && parent_id != domain_id) {
            auto parent = b.dir.project(parent_id);
            if (!parent)
              return bad("Could not find project: " + parent_id + ".");
            if (parent->domain_id != domain_id)
              return bad("Cannot create project, since it specifies its domain_id " + domain_id
                         + ", but specifies a parent in a different domain (" + parent->domain_id
                         + ").");
            if (disabled.empty() && !parent->enabled)
              disabled = parent_id;
          }
          if (!disabled.empty())
            return bad("cannot create a project in a branch containing a disabled project: "
                       + disabled);
          pr.id = identity::new_id();
          pr.domain_id = domain_id;
          pr.created_us = storage::now_us();
          auto c = b.dir.put(pr);
          if (c == change::not_found)
            return bad("Could not find domain: " + domain_id + ".");
          if (c != change::done)
            return write_error(c, "project", pr.name);
          return json_response(201, {{"project", project_json(pr, req.base_url)}});
        });
  r.add("GET", "/v3/projects/{}", access::owner({"identity:get_project"}),
        [&b](const api_request& req, const params& p) {
          if (!allowed(req, "identity:get_project", {{"target.project.id", p[0]}}))
            return refused("identity:get_project");
          auto pr = b.dir.project(p[0]);
          if (!pr)
            return not_found("project", p[0]);
          return json_response(200, {{"project", project_json(*pr, req.base_url)}});
        });
  r.add("PATCH", "/v3/projects/{}", access::own("identity:update_project"),
        [&b](const api_request& req, const params& p) {
          ordered_json in;
          std::string domain_id, parent_id;
          if (auto e = entity_of(req, "project", &in))
            return *e;
          auto found = b.dir.project(p[0]);
          auto pr = found.value_or(storage::project{});
          if (auto e = read_project(in, false, &pr, &domain_id, &parent_id))
            return *e;
          if (auto it = in.find("id"); it != in.end() && !it->is_null() && *it != p[0])
            return bad("Cannot change ID");
          if (!found)
            return not_found("project", p[0]);
          if (!domain_id.empty() && domain_id != found->domain_id)
            return bad("Cannot change Domain ID");
          if (!parent_id.empty() && parent_id != found->domain_id)
            return keystone_error(403, "Update of `parent_id` is not allowed.");
          auto c = b.dir.put(pr);
          if (c == change::not_found)
            return not_found("project", p[0]);
          if (c != change::done)
            return write_error(c, "project", pr.name);
          if (found->enabled && !pr.enabled)
            b.tokens.revoke_project(pr.id);
          return json_response(200, {{"project", project_json(pr, req.base_url)}});
        });
  r.add("DELETE", "/v3/projects/{}", access::own("identity:delete_project"),
        [&b](const api_request&, const params& p) {
          auto c = b.dir.erase_project(p[0]);
          if (c == change::not_found)
            return not_found("project", p[0]);
          if (c != change::done)
            return write_error(c, "project", p[0]);
          b.tokens.revoke_project(p[0]);
          return no_content();
        });
}

} // namespace

void add_identity_domain_project_routes(router& r, identity_backend& b) {
  add_domain_routes(r, b);
  add_project_routes(r, b);
}

} // namespace nimbus::api
