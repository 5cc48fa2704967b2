// The identity API's version documents and its auth routes: POST
// /v3/auth/tokens (password, token, application_credential), validate,
// check and revoke by X-Subject-Token, the catalog and the projects and
// domains a token may be scoped to.
#include <set>

#include "api/authorization.h"
#include "api/identity_service.h"
#include "api/keystone_faults.h"
#include "api/validation.h"
#include "api/views/identity_views.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

json version_json(const std::string& base_url) {
  return {{"id", "v3.14"},
          {"status", "stable"},
          {"updated", "2020-04-07T00:00:00Z"},
          {"links", json::array({{{"rel", "self"}, {"href", base_url + "/v3/"}}})},
          {"media-types", json::array({{{"base", "application/json"},
                                        {"type", "application/vnd.openstack.identity-v3+json"}}})}};
}

api_response json_answer(int status, const json& body) {
  return {status, body.dump(-1, ' ', false, json::error_handler_t::replace), {}};
}

api_response invalid(const std::string& field, const std::string& why) {
  return keystone_error(400, "Invalid input for field '" + field + "': " + why);
}

// A string member, or "" when absent; false if present but not a string.
bool string_at(const ordered_json& obj, const char* key, std::string* out) {
  if (!obj.contains(key))
    return true;
  if (!obj[key].is_string())
    return false;
  *out = obj[key].get<std::string>();
  return true;
}

// {"id": ...} or {"name": ..., "domain": {"id"|"name"}}.
std::optional<api_response> read_named(const ordered_json& obj, const char* field, std::string* id,
                                       std::string* name, std::string* domain_id,
                                       std::string* domain_name) {
  if (!obj.is_object())
    return invalid(field, "not an object");
  if (!string_at(obj, "id", id) || !string_at(obj, "name", name))
    return invalid(field, "'id' and 'name' must be strings");
  if (id->empty() && name->empty())
    return invalid(field, "'id' or 'name' is required");
  if (id->empty() && domain_id && obj.contains("domain")) {
    auto& d = obj["domain"];
    if (!d.is_object() || !string_at(d, "id", domain_id) || !string_at(d, "name", domain_name))
      return invalid("domain", "not an object of strings");
  }
  if (id->empty() && domain_id && domain_id->empty() && domain_name->empty())
    return keystone_error(401, "The request you have made requires authentication.");
  return std::nullopt;
}

std::optional<api_response> parse_auth(const api_request& req, identity::auth_request* out) {
  auto body = parse_body(req.body);
  if (!body || !body->is_object() || !body->contains("auth") || !(*body)["auth"].is_object())
    return keystone_error(400, "Expecting to find auth in request body. The server could not "
                               "comply with the request since it is either malformed or "
                               "otherwise incorrect. The client is assumed to be in error.");
  auto& auth = (*body)["auth"];
  if (!auth.contains("identity") || !auth["identity"].is_object())
    return invalid("auth", "'identity' is a required property");
  auto& identity = auth["identity"];
  if (!identity.contains("methods") || !identity["methods"].is_array())
    return invalid("identity", "'methods' is a required property");
  for (auto& m : identity["methods"]) {
    if (!m.is_string())
      return invalid("methods", "must be strings");
    out->methods.push_back(m.get<std::string>());
  }
  if (out->methods.empty())
    return invalid("methods", "[] is too short");
  const auto& method = out->methods.front();
  if (!identity.contains(method) || !identity[method].is_object())
    return keystone_error(400, "Expecting to find " + method
                                 + " in identity. The server could not "
                                   "comply with the request since it is either malformed or "
                                   "otherwise incorrect. The client is assumed to be in error.");
  auto& proof = identity[method];
  if (method == "password") {
    if (!proof.contains("user"))
      return invalid("password", "'user' is a required property");
    auto& u = proof["user"];
    if (auto refusal = read_named(u, "user", &out->user.id, &out->user.name, &out->user.domain_id,
                                  &out->user.domain_name))
      return refusal;
    if (!string_at(u, "password", &out->password))
      return invalid("password", "must be a string");
  } else if (method == "token") {
    if (!string_at(proof, "id", &out->token) || out->token.empty())
      return invalid("token", "'id' is a required property");
  } else if (method == "application_credential") {
    if (!string_at(proof, "id", &out->app_cred_id) || !string_at(proof, "name", &out->app_cred_name)
        || !string_at(proof, "secret", &out->app_cred_secret))
      return invalid("application_credential", "'id', 'name' and 'secret' must be strings");
    if (out->app_cred_id.empty()) {
      if (out->app_cred_name.empty() || !proof.contains("user"))
        return invalid("application_credential", "'id' or 'name' and 'user' are required");
      if (auto refusal = read_named(proof["user"], "user", &out->user.id, &out->user.name,
                                    &out->user.domain_id, &out->user.domain_name))
        return refusal;
    }
  }
  if (auth.contains("scope")) {
    auto& scope = auth["scope"];
    if (scope.is_string() && scope.get<std::string>() == "unscoped")
      return std::nullopt;
    if (!scope.is_object())
      return invalid("scope", "not an object");
    if (scope.contains("project")) {
      out->wants = identity::auth_request::scope::project;
      return read_named(scope["project"], "project", &out->project_id, &out->project_name,
                        &out->project_domain_id, &out->project_domain_name);
    }
    if (scope.contains("domain")) {
      out->wants = identity::auth_request::scope::domain;
      return read_named(scope["domain"], "domain", &out->domain_id, &out->domain_name, nullptr,
                        nullptr);
    }
    if (scope.contains("system"))
      return keystone_error(401, "The request you have made requires authentication.");
  }
  return std::nullopt;
}

bool no_catalog(const api_request& req) { return req.has_param("nocatalog"); }

// The subject token of a validate, check or revoke; or the refusal.
std::optional<identity::token_payload> subject(const api_request& req, identity_backend& b,
                                               const std::string& rule, api_response* refusal) {
  auto token = req.header("x-subject-token");
  if (token.empty()) {
    *refusal = keystone_error(400, "Expecting to find X-Subject-Token in the request headers.");
    return std::nullopt;
  }
  auto p = b.tokens.validate(token);
  if (!p) {
    *refusal = keystone_error(404, "Could not find token: " + token + ".");
    return std::nullopt;
  }
  if (!allowed(req, rule, {{"target.token.user_id", p->user_id}})) {
    *refusal =
      keystone_error(403, "You are not authorized to perform the requested action: " + rule + ".");
    return std::nullopt;
  }
  return p;
}

} // namespace

void add_identity_version_routes(router& r) {
  r.add("GET", "/", access::open(), [](const api_request& req, const params&) {
    auto out =
      json_answer(300, {{"versions", {{"values", json::array({version_json(req.base_url)})}}}});
    out.headers["location"] = req.base_url + "/v3/";
    return out;
  });
  r.add("GET", "/v3", access::open(), [](const api_request& req, const params&) {
    return json_answer(200, {{"version", version_json(req.base_url)}});
  });
}

void add_identity_auth_routes(router& r, identity_backend& b) {
  r.add("POST", "/v3/auth/tokens", access::open(), [&b](const api_request& req, const params&) {
    identity::auth_request auth;
    if (auto refusal = parse_auth(req, &auth))
      return *refusal;
    auto result = b.login.authenticate(auth);
    if (result.status != 201)
      return keystone_error(result.status, result.message);
    auto out = json_answer(201, token_json(result.payload, b, !no_catalog(req)));
    out.headers["x-subject-token"] = result.token;
    return out;
  });
  const std::vector<std::string> validate{"identity:validate_token"};
  r.add("GET", "/v3/auth/tokens", access::owner(validate),
        [&b](const api_request& req, const params&) {
          api_response refusal;
          auto p = subject(req, b, "identity:validate_token", &refusal);
          if (!p)
            return refusal;
          auto out = json_answer(200, token_json(*p, b, !no_catalog(req)));
          out.headers["x-subject-token"] = req.header("x-subject-token");
          return out;
        });
  r.add("HEAD", "/v3/auth/tokens", access::owner({"identity:check_token"}),
        [&b](const api_request& req, const params&) {
          api_response refusal;
          if (!subject(req, b, "identity:check_token", &refusal))
            return api_response{refusal.status, "", refusal.headers};
          return api_response{200, "", {{"x-subject-token", req.header("x-subject-token")}}};
        });
  r.add("DELETE", "/v3/auth/tokens", access::owner({"identity:revoke_token"}),
        [&b](const api_request& req, const params&) {
          api_response refusal;
          auto p = subject(req, b, "identity:revoke_token", &refusal);
          if (!p)
            return refusal;
          if (!b.tokens.revoke_token(*p))
            return keystone_error(500, "The token could not be revoked.");
          return api_response{204, "", {}};
        });
  // What the caller's own token may see: no policy beyond holding it.
  r.add("GET", "/v3/auth/catalog", access::open(), [&b](const api_request& req, const params&) {
    if (req.creds.project_id.empty() && req.creds.domain_id.empty())
      return keystone_error(403, "The service catalog is empty: the token is not scoped.");
    return json_answer(
      200, collection_json("catalog", catalog_json(b), req.base_url, "/v3/auth/catalog"));
  });
  r.add("GET", "/v3/auth/projects", access::open(), [&b](const api_request& req, const params&) {
    std::set<std::string> ids;
    for (auto& a : b.dir.assignments())
      if (a.user_id == req.creds.user_id && !a.project_id.empty())
        ids.insert(a.project_id);
    json items = json::array();
    for (auto& id : ids)
      if (auto p = b.dir.project(id); p && p->enabled)
        items.push_back(project_json(*p, req.base_url));
    return json_answer(200, collection_json("projects", items, req.base_url, "/v3/auth/projects"));
  });
  r.add("GET", "/v3/auth/domains", access::open(), [&b](const api_request& req, const params&) {
    std::set<std::string> ids;
    for (auto& a : b.dir.assignments())
      if (a.user_id == req.creds.user_id && !a.domain_id.empty())
        ids.insert(a.domain_id);
    json items = json::array();
    for (auto& id : ids)
      if (auto d = b.dir.domain(id); d && d->enabled)
        items.push_back(domain_json(*d, req.base_url));
    return json_answer(200, collection_json("domains", items, req.base_url, "/v3/auth/domains"));
  });
}

} // namespace nimbus::api
