#include "api/handlers/metadata_bodies.h"

#include "api/faults.h"
#include "api/handlers/server_fields.h"
#include "api/validation.h"

namespace nimbus::api {

using nlohmann::json;

json metadata_json(const std::map<std::string, std::string>& m) {
  json out = json::object();
  for (auto& [k, v] : m)
    out[k] = v;
  return out;
}

// {"metadata": {...}}: the items, checked; the 400 otherwise.
std::optional<api_response> read_metadata(const api_request& req,
                                          std::map<std::string, std::string>* out) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || !body->contains("metadata"))
    return bad_request("'metadata' is a required property");
  for (auto& [key, value] : body->items())
    if (key != "metadata")
      return bad_request(unexpected_property(key));
  auto& m = (*body)["metadata"];
  if (auto refusal = check_metadata(m))
    return refusal;
  for (auto& [k, v] : m.items())
    (*out)[k] = v.get<std::string>();
  return std::nullopt;
}

// {"meta": {key: value}} for PUT /metadata/{key}: one item, named as the URI.
std::optional<api_response> read_meta(const api_request& req, const std::string& key,
                                      std::string* value) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || !body->contains("meta"))
    return bad_request("'meta' is a required property");
  auto& m = (*body)["meta"];
  if (m.is_object() && m.size() > 1)
    return bad_request("Request body contains too many items");
  if (auto refusal = check_metadata(m))
    return refusal;
  if (m.empty())
    return bad_request(invalid_input("meta", m, "{} does not have enough properties"));
  if (m.begin().key() != key)
    return bad_request("Request body and URI mismatch");
  *value = m.begin().value().get<std::string>();
  return std::nullopt;
}

} // namespace nimbus::api
