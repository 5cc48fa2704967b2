#include "api/views/identity_views.h"

#include <algorithm>

#include "api/formats.h"

namespace nimbus::api {

using nlohmann::json;

std::string keystone_time(std::int64_t us) { return iso_micros(us) + "Z"; }

namespace {

json self_link(const std::string& base_url, const std::string& path) {
  return {{"self", base_url + "/v3/" + path}};
}

json domain_ref(const identity::directory& dir, const std::string& id) {
  auto d = dir.domain(id);
  return {{"id", id}, {"name", d ? d->name : std::string{}}};
}

} // namespace

json domain_json(const storage::domain& d, const std::string& base_url) {
  return {{"id", d.id},
          {"name", d.name},
          {"description", d.description},
          {"enabled", d.enabled},
          {"tags", json::array()},
          {"options", json::object()},
          {"links", self_link(base_url, "domains/" + d.id)}};
}

json project_json(const storage::project& p, const std::string& base_url) {
  return {{"id", p.id},
          {"name", p.name},
          {"domain_id", p.domain_id},
          {"description", p.description},
          {"enabled", p.enabled},
          {"parent_id", p.domain_id},
          {"is_domain", false},
          {"tags", p.tags},
          {"options", json::object()},
          {"links", self_link(base_url, "projects/" + p.id)}};
}

json user_json(const storage::user& u, const std::string& base_url) {
  json out = {{"id", u.id},
              {"name", u.name},
              {"domain_id", u.domain_id},
              {"enabled", u.enabled},
              {"password_expires_at", nullptr},
              {"options", json::object()},
              {"links", self_link(base_url, "users/" + u.id)}};
  if (!u.default_project_id.empty())
    out["default_project_id"] = u.default_project_id;
  if (!u.description.empty())
    out["description"] = u.description;
  if (!u.email.empty())
    out["email"] = u.email;
  for (auto& [key, value] : u.extra)
    if (!out.contains(key))
      out[key] = value;
  return out;
}

json role_json(const storage::role& r, const std::string& base_url) {
  return {{"id", r.id},
          {"name", r.name},
          {"domain_id", nullptr},
          {"description", r.description},
          {"options", json::object()},
          {"links", self_link(base_url, "roles/" + r.id)}};
}

json app_credential_json(const storage::application_credential& c, const identity::directory& dir,
                         const std::string& base_url, const std::string& secret) {
  json roles = json::array();
  for (auto& id : c.role_ids)
    if (auto r = dir.role(id))
      roles.push_back({{"id", r->id}, {"name", r->name}, {"domain_id", nullptr}});
  json out = {
    {"id", c.id},
    {"name", c.name},
    {"description", c.description.empty() ? json(nullptr) : json(c.description)},
    {"user_id", c.user_id},
    {"project_id", c.project_id},
    {"roles", roles},
    // As Keystone echoes it: the ISO time without a zone.
    {"expires_at", c.expires_us ? json(iso_micros(c.expires_us)) : json(nullptr)},
    {"unrestricted", c.unrestricted},
    {"access_rules", json::array()},
    {"links", self_link(base_url, "users/" + c.user_id + "/application_credentials/" + c.id)}};
  if (!secret.empty())
    out["secret"] = secret;
  return out;
}

json collection_json(const std::string& name, json items, const std::string& base_url,
                     const std::string& path) {
  return {{name, std::move(items)},
          {"links", {{"self", base_url + path}, {"previous", nullptr}, {"next", nullptr}}}};
}

json catalog_json(const identity_backend& b) {
  json out = json::array();
  for (auto& e : b.catalog) {
    auto id = name_uuid("service/" + e.type);
    id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
    auto endpoint_id = name_uuid("endpoint/public/" + e.type);
    endpoint_id.erase(std::remove(endpoint_id.begin(), endpoint_id.end(), '-'), endpoint_id.end());
    out.push_back({{"type", e.type},
                   {"name", e.name},
                   {"id", id},
                   {"endpoints", json::array({{{"id", endpoint_id},
                                               {"interface", "public"},
                                               {"region", b.region},
                                               {"region_id", b.region},
                                               {"url", e.url}}})}});
  }
  return out;
}

json token_json(const identity::token_payload& p, const identity_backend& b, bool with_catalog) {
  json user = {{"id", p.user_id}, {"password_expires_at", nullptr}};
  if (auto u = b.dir.user(p.user_id)) {
    user["name"] = u->name;
    user["domain"] = domain_ref(b.dir, u->domain_id);
  }
  json audit_ids = json::array({p.audit_id});
  if (!p.parent_audit_id.empty())
    audit_ids.push_back(p.parent_audit_id);
  json t = {{"methods", p.methods},
            {"user", user},
            {"audit_ids", audit_ids},
            {"expires_at", keystone_time(p.expires_us)},
            {"issued_at", keystone_time(p.issued_us)}};
  bool scoped = !p.project_id.empty() || !p.domain_id.empty();
  if (!p.project_id.empty()) {
    auto project = b.dir.project(p.project_id);
    t["project"] = {{"id", p.project_id},
                    {"name", project ? project->name : std::string{}},
                    {"domain", domain_ref(b.dir, project ? project->domain_id : std::string{})}};
    t["is_domain"] = false;
  } else if (!p.domain_id.empty()) {
    t["domain"] = domain_ref(b.dir, p.domain_id);
  }
  if (scoped) {
    json roles = json::array();
    for (auto& name : p.roles) {
      auto r = b.dir.role_named(name);
      roles.push_back({{"id", r ? r->id : name}, {"name", name}});
    }
    t["roles"] = roles;
    if (with_catalog)
      t["catalog"] = catalog_json(b);
  }
  if (!p.app_cred_id.empty()) {
    auto c = b.dir.application_credential(p.app_cred_id);
    t["application_credential"] = {{"id", p.app_cred_id},
                                   {"name", c ? c->name : std::string{}},
                                   {"restricted", c ? !c->unrestricted : true}};
  }
  return {{"token", t}};
}

} // namespace nimbus::api
