#pragma once
// The JSON of the identity API's records, as Keystone writes them: every
// entity with {"links": {"self": ...}}, collections with self / previous /
// next links, tokens with their user, scope, roles and catalog.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/identity_service.h"
#include "identity/token_codec.h"
#include "storage/records.h"

namespace nimbus::api {

/// "2026-12-01T15:22:16.000000Z": Keystone's times.
std::string keystone_time(std::int64_t us);

nlohmann::json domain_json(const storage::domain& d, const std::string& base_url);
nlohmann::json project_json(const storage::project& p, const std::string& base_url);
nlohmann::json user_json(const storage::user& u, const std::string& base_url);
nlohmann::json role_json(const storage::role& r, const std::string& base_url);
/// `secret` is shown once, in the answer to the create.
nlohmann::json app_credential_json(const storage::application_credential& c,
                                   const identity::directory& dir, const std::string& base_url,
                                   const std::string& secret = {});

/// {"<name>": items, "links": {"self": <base_url><path>, "previous": null, "next": null}}
nlohmann::json collection_json(const std::string& name, nlohmann::json items,
                               const std::string& base_url, const std::string& path);

/// The catalog of the token's services (Keystone's "catalog").
nlohmann::json catalog_json(const identity_backend& b);

/// {"token": {...}}: methods, user, scope, roles, catalog (unless left
/// out), expires_at, issued_at, audit_ids.
nlohmann::json token_json(const identity::token_payload& p, const identity_backend& b,
                          bool with_catalog);

} // namespace nimbus::api
