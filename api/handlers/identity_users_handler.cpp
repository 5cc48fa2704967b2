// The identity API's users (Keystone v3): /v3/users[/{id}], a user's own
// password change, the projects a user has a role on, and a user's
// application credentials, with Keystone's request checks, policy rules and
// error bodies. Passwords and secrets are stored hashed (sign_in) and never
// echoed; a secret is shown once, in the answer to its create. Disabling or
// deleting a user, or changing a password, revokes the user's tokens.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/formats.h"
#include "api/handlers/handlers.h"
#include "api/handlers/identity_common.h"
#include "api/identity_service.h"
#include "api/keystone_faults.h"
#include "api/validation.h"
#include "api/views/identity_views.h"
#include "identity/implied_roles.h"
#include "identity/token_codec.h"
#include "storage/clock.h"

namespace nimbus::api {
namespace {

using identity::change;
using nlohmann::json;

// A secret (a password): a string, or null when allowed. Never echoed.
std::optional<api_response> read_secret(const ordered_json& in, const char* key, bool nullable,
                                        std::optional<std::string>* out) {
  auto it = in.find(key);
  if (it == in.end() || (nullable && it->is_null()))
    return std::nullopt;
  if (!it->is_string())
    return bad(std::string("Invalid input for field/attribute ") + key
               + ". Value: ******. It is not of type 'string'" + (nullable ? ", 'null'." : "."));
  *out = it->get<std::string>();
  return std::nullopt;
}

// Keeps (sets or replaces) in *extra the user's string properties that are
// none of those known; other unknown properties are ignored.
void keep_extra(const ordered_json& in, std::map<std::string, std::string>* extra) {
  static const char* const known[] = {
    "name",    "domain_id", "description", "email",   "default_project_id",
    "enabled", "password",  "id",          "options", "links"};
  for (auto& [key, value] : in.items())
    if (value.is_string() && std::find(std::begin(known), std::end(known), key) == std::end(known))
      (*extra)[key] = value.get<std::string>();
}

std::optional<api_response> read_user(const ordered_json& in, bool create, storage::user* u,
                                      std::string* domain_id,
                                      std::optional<std::string>* password) {
  auto e = reader{in}
             .name("user", 255, create, &u->name)
             .text("domain_id", domain_id, 64, false)
             .text("description", &u->description)
             .text("email", &u->email)
             .text("default_project_id", &u->default_project_id)
             .flag("enabled", &u->enabled)
             .error;
  if (e || (e = read_secret(in, "password", true, password)))
    return e;
  keep_extra(in, &u->extra);
  return std::nullopt;
}

const std::string unassigned_role =
  "Invalid application credential: Cannot create an application credential with unassigned role";

// The roles, by id, `user` holds on `project`, with those they imply.
std::vector<std::string> held_roles(const identity::directory& dir, const std::string& user,
                                    const std::string& project) {
  std::vector<std::string> names, ids;
  for (auto& id : dir.role_ids_on(user, project, ""))
    if (auto r = dir.role(id))
      names.push_back(r->name);
  for (auto& name : identity::with_implied(names))
    if (auto r = dir.role_named(name))
      ids.push_back(r->id);
  return ids;
}

// The roles asked for (by id or name) and those they imply, each of which
// must be `held`; none asked for: all held.
std::optional<api_response> read_roles(const ordered_json& in, const identity::directory& dir,
                                       const std::vector<std::string>& held,
                                       std::vector<std::string>* out) {
  auto it = in.find("roles");
  *out = held;
  if (it == in.end() || it->is_null() || (it->is_array() && it->empty()))
    return std::nullopt;
  if (!it->is_array())
    return bad(invalid_input("roles", *it, python_repr(*it) + " is not of type 'array'"));
  std::vector<std::string> names;
  for (auto& r : *it) {
    auto id = r.find("id"), name = r.find("name");
    std::optional<storage::role> role;
    if (id != r.end() && id->is_string())
      role = dir.role(id->get<std::string>());
    else if (name != r.end() && name->is_string()
             && !(role = dir.role_named(name->get<std::string>())))
      return not_found("role", name->get<std::string>());
    else if (name == r.end() || !name->is_string())
      return bad(invalid_input("roles", r, python_repr(r) + " names no role by 'id' or 'name'"));
    if (!role)
      return bad(unassigned_role);
    names.push_back(role->name);
  }
  out->clear();
  for (auto& n : identity::with_implied(names)) {
    auto role = dir.role_named(n);
    if (role && std::find(held.begin(), held.end(), role->id) == held.end())
      return bad(unassigned_role);
    if (role)
      out->push_back(role->id);
  }
  return std::nullopt;
}

std::optional<api_response> read_app_cred(const ordered_json& in,
                                          storage::application_credential* c,
                                          std::optional<std::string>* secret) {
  std::string expires;
  auto e = reader{in}
             .name("application_credential", 255, true, &c->name)
             .text("description", &c->description)
             .text("expires_at", &expires)
             .error;
  if (e || (e = read_secret(in, "secret", true, secret)))
    return e;
  if (auto it = in.find("unrestricted"); it != in.end() && !it->is_null() && !it->is_boolean())
    return bad(
      invalid_input("unrestricted", *it, python_repr(*it) + " is not of type 'boolean', 'null'"));
  else if (it != in.end() && it->is_boolean())
    c->unrestricted = it->get<bool>();
  if (auto it = in.find("access_rules");
      it != in.end() && !it->is_null() && !(it->is_array() && it->empty()))
    return bad("Invalid application credential: access rules are not supported.");
  if (expires.empty())
    return std::nullopt;
  auto us = parse_iso_time(expires);
  if (!us)
    return bad(client_fault("Timestamp not in expected format."));
  if (*us < storage::now_us())
    return bad(client_fault("The 'expires_at' must not be before now."));
  c->expires_us = *us;
  return std::nullopt;
}

// Whether the caller's token comes from an application credential that may
// not manage others (Keystone's "restricted").
bool from_restricted_credential(const api_request& req, identity_backend& b) {
  auto token = b.tokens.validate(req.header("x-auth-token"));
  if (!token || token->app_cred_id.empty())
    return false;
  auto c = b.dir.application_credential(token->app_cred_id);
  return !c || !c->unrestricted;
}

const std::string restricted_refusal = "Using method 'application_credential' is not allowed for "
                                       "managing additional application credentials";

bool matches(const api_request& req, const char* key, const std::string& value) {
  return !req.has_param(key) || req.param(key) == value;
}
bool flag_matches(const api_request& req, bool value) {
  return !req.has_param("enabled") || query_true(req.param("enabled")) == value;
}

void add_user_crud_routes(router& r, identity_backend& b) {
  r.add("GET", "/v3/users", access::own("identity:list_users"),
        [&b](const api_request& req, const params&) {
          json items = json::array();
          for (auto& u : b.dir.users())
            if (matches(req, "name", u.name) && matches(req, "domain_id", u.domain_id)
                && flag_matches(req, u.enabled)
                && (req.creds.domain_id.empty() || u.domain_id == req.creds.domain_id))
              items.push_back(user_json(u, req.base_url));
          return json_response(200,
                               collection_json("users", items, req.base_url, request_path(req)));
        });
  r.add("POST", "/v3/users", access::own("identity:create_user"),
        [&b](const api_request& req, const params&) {
          ordered_json in;
          storage::user u;
          std::optional<std::string> password;
          if (auto e = entity_of(req, "user", &in))
            return *e;
          if (auto e = read_user(in, true, &u, &u.domain_id, &password))
            return *e;
          if (u.domain_id.empty())
            u.domain_id = req.creds.domain_id.empty() ? "default" : req.creds.domain_id;
          if (!b.dir.domain(u.domain_id))
            return not_found("domain", u.domain_id);
          if (b.dir.domain(u.default_project_id))
            return bad("User's default project ID cannot be a domain ID: " + u.default_project_id);
          u.id = identity::new_id();
          u.created_us = storage::now_us();
          if (password) {
            u.password_hash = b.login.hash(*password);
            u.password_changed_us = u.created_us;
          }
          auto c = b.dir.put(u);
          if (c == change::not_found)
            return not_found("domain", u.domain_id);
          if (c != change::done)
            return write_error(c, "user", u.name);
          return json_response(201, {{"user", user_json(u, req.base_url)}});
        });
  r.add("GET", "/v3/users/{}", access::owner({"identity:get_user"}),
        [&b](const api_request& req, const params& p) {
          if (!allowed(req, "identity:get_user", {{"target.user.id", p[0]}}))
            return refused("identity:get_user");
          auto u = b.dir.user(p[0]);
          return u ? json_response(200, {{"user", user_json(*u, req.base_url)}})
                   : not_found("user", p[0]);
        });
  r.add("PATCH", "/v3/users/{}", access::own("identity:update_user"),
        [&b](const api_request& req, const params& p) {
          ordered_json in;
          std::string domain_id;
          std::optional<std::string> password;
          if (auto e = entity_of(req, "user", &in))
            return *e;
          auto found = b.dir.user(p[0]);
          auto u = found.value_or(storage::user{});
          if (auto e = read_user(in, false, &u, &domain_id, &password))
            return *e;
          if (auto it = in.find("id"); it != in.end() && !it->is_null() && *it != p[0])
            return bad("Cannot change ID");
          if (!found)
            return not_found("user", p[0]);
          if (!domain_id.empty() && domain_id != found->domain_id)
            return bad("Cannot change Domain ID");
          if (b.dir.domain(u.default_project_id))
            return bad("User's default project ID cannot be a domain ID: " + u.default_project_id);
          auto c = password ? b.login.set_password(u, *password) : b.dir.put(u);
          if (c == change::not_found)
            return not_found("user", p[0]);
          if (c != change::done)
            return write_error(c, "user", u.name);
          if (found->enabled && !u.enabled && !password)
            b.tokens.revoke_user(u.id);
          return json_response(200, {{"user", user_json(u, req.base_url)}});
        });
  r.add("DELETE", "/v3/users/{}", access::own("identity:delete_user"),
        [&b](const api_request&, const params& p) {
          auto c = b.dir.erase_user(p[0]);
          if (c == change::not_found)
            return not_found("user", p[0]);
          if (c != change::done)
            return write_error(c, "user", p[0]);
          b.tokens.revoke_user(p[0]);
          return no_content();
        });
}

void add_user_self_routes(router& r, identity_backend& b) {
  r.add("POST", "/v3/users/{}/password", access::owner({"identity:change_password"}),
        [&b](const api_request& req, const params& p) {
          if (!allowed(req, "identity:change_password", {{"target.user.id", p[0]}}))
            return refused("identity:change_password");
          ordered_json in;
          std::optional<std::string> original, password;
          if (auto e = entity_of(req, "user", &in))
            return *e;
          for (auto& [key, value] : in.items())
            if (key != "original_password" && key != "password")
              return bad("Invalid input for field/attribute user. " + unexpected_property(key));
          for (auto key : {"original_password", "password"})
            if (!in.contains(key))
              return bad(std::string("Invalid input for field/attribute user. '") + key
                         + "' is a required property");
          if (auto e = read_secret(in, "original_password", false, &original))
            return *e;
          if (auto e = read_secret(in, "password", false, &password))
            return *e;
          if (from_restricted_credential(req, b))
            return refused(restricted_refusal);
          auto u = b.dir.user(p[0]);
          // Under the lockout, as a sign-in: no unbounded guessing here.
          if (!u || !u->enabled || u->password_hash.empty()
              || !b.login.check_password(*u, *original))
            return keystone_unauthorized();
          auto c = b.login.set_password(*u, *password);
          if (c == change::not_found)
            return not_found("user", p[0]);
          return c == change::done ? no_content() : write_error(c, "user", u->name);
        });
  r.add("GET", "/v3/users/{}/projects", access::owner({"identity:list_user_projects"}),
        [&b](const api_request& req, const params& p) {
          if (!allowed(req, "identity:list_user_projects", {{"target.user.id", p[0]}}))
            return refused("identity:list_user_projects");
          if (!b.dir.user(p[0]))
            return not_found("user", p[0]);
          std::vector<std::string> seen;
          json items = json::array();
          for (auto& a : b.dir.assignments())
            if (a.user_id == p[0] && !a.project_id.empty()
                && std::find(seen.begin(), seen.end(), a.project_id) == seen.end()) {
              seen.push_back(a.project_id);
              auto pr = b.dir.project(a.project_id);
              if (pr && matches(req, "name", pr->name) && matches(req, "domain_id", pr->domain_id)
                  && flag_matches(req, pr->enabled))
                items.push_back(project_json(*pr, req.base_url));
            }
          return json_response(200,
                               collection_json("projects", items, req.base_url, request_path(req)));
        });
}

void add_app_cred_routes(router& r, identity_backend& b) {
  const std::string base = "/v3/users/{}/application_credentials";
  r.add("GET", base, access::owner({"identity:list_application_credentials"}),
        [&b](const api_request& req, const params& p) {
          if (!allowed(req, "identity:list_application_credentials", {{"target.user.id", p[0]}}))
            return refused("identity:list_application_credentials");
          json items = json::array();
          for (auto& c : b.dir.application_credentials(p[0]))
            if (matches(req, "name", c.name))
              items.push_back(app_credential_json(c, b.dir, req.base_url));
          return json_response(200, collection_json("application_credentials", items, req.base_url,
                                                    request_path(req)));
        });
  r.add("POST", base, access::owner({"identity:create_application_credential"}),
        [&b](const api_request& req, const params& p) {
          if (!allowed(req, "identity:create_application_credential", {{"target.user.id", p[0]}}))
            return refused("identity:create_application_credential");
          ordered_json in;
          storage::application_credential c;
          std::optional<std::string> secret;
          if (auto e = entity_of(req, "application_credential", &in))
            return *e;
          if (auto e = read_app_cred(in, &c, &secret))
            return *e;
          if (req.creds.user_id != p[0])
            return refused("Cannot create an application credential for another user");
          if (from_restricted_credential(req, b))
            return refused(restricted_refusal);
          if (req.creds.project_id.empty())
            return bad("Invalid application credential: the token must be scoped to a project.");
          auto held = held_roles(b.dir, p[0], req.creds.project_id);
          if (auto e = read_roles(in, b.dir, held, &c.role_ids))
            return *e;
          if (c.role_ids.empty())
            return bad(unassigned_role);
          if (!secret || secret->empty())
            for (secret = ""; secret->size() < 64;)
              *secret += identity::random_audit_id();
          c.id = identity::new_id();
          c.user_id = p[0];
          c.project_id = req.creds.project_id;
          c.secret_hash = b.login.hash(*secret);
          c.created_us = storage::now_us();
          auto done = b.dir.put(c);
          if (done == change::not_found)
            return not_found("user", p[0]);
          if (done != change::done)
            return write_error(done, "application_credential", c.name);
          return json_response(201, {{"application_credential",
                                      app_credential_json(c, b.dir, req.base_url, *secret)}});
        });
  // Keystone judges these by the credential's owner, not the path's user.
  auto one = [&b](const std::string& rule, bool remove) {
    return [&b, rule, remove](const api_request& req, const params& p) {
      auto c = b.dir.application_credential(p[1]);
      if (!allowed(req, rule, {{"target.user.id", c ? c->user_id : p[0]}}))
        return refused(rule);
      if (!c || c->user_id != p[0])
        return keystone_error(404, "Could not find Application Credential: " + p[1] + ".");
      if (!remove)
        return json_response(
          200, {{"application_credential", app_credential_json(*c, b.dir, req.base_url)}});
      if (from_restricted_credential(req, b))
        return refused(restricted_refusal);
      auto done = b.dir.erase_application_credential(c->id);
      if (done == change::done)
        b.tokens.revoke_application_credential(c->id);
      if (done == change::not_found)
        return keystone_error(404, "Could not find Application Credential: " + p[1] + ".");
      return done == change::done ? no_content()
                                  : write_error(done, "application_credential", c->name);
    };
  };
  r.add("GET", base + "/{}", access::owner({"identity:get_application_credential"}),
        one("identity:get_application_credential", false));
  r.add("DELETE", base + "/{}", access::owner({"identity:delete_application_credential"}),
        one("identity:delete_application_credential", true));
}

} // namespace

void add_identity_user_routes(router& r, identity_backend& b) {
  add_user_crud_routes(r, b);
  add_user_self_routes(r, b);
  add_app_cred_routes(r, b);
}

} // namespace nimbus::api
