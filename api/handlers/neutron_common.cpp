#include "api/handlers/neutron_common.h"

#include <algorithm>

#include "api/validation.h"

namespace nimbus::api {

using nlohmann::json;

network::caller caller_of(const api_request& req) { return {req.ctx.project_id, req.ctx.is_admin}; }

std::optional<json> resource_body(const api_request& req, const std::string& resource,
                                  const std::set<std::string>& allowed,
                                  const std::set<std::string>& admin_only,
                                  const std::string& action, api_response* refusal) {
  if (req.body.empty() || nesting_depth(req.body) > 64) {
    *refusal = neutron_error(400, "HTTPBadRequest", "Resource body required");
    return std::nullopt;
  }
  auto body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    *refusal = neutron_error(400, "HTTPBadRequest", "Malformed request body");
    return std::nullopt;
  }
  if (!body.is_object() || !body.contains(resource) || !body[resource].is_object()) {
    *refusal =
      neutron_error(400, "HTTPBadRequest", "Unable to find '" + resource + "' in request body");
    return std::nullopt;
  }
  auto& r = body[resource];
  std::vector<std::string> unknown;
  for (auto& [key, value] : r.items())
    if (!allowed.count(key))
      unknown.push_back(key);
  if (!unknown.empty()) {
    std::string names;
    for (auto& k : unknown)
      names += (names.empty() ? "" : ", ") + k;
    *refusal = neutron_error(400, "HTTPBadRequest", "Unrecognized attribute(s) '" + names + "'");
    return std::nullopt;
  }
  if (!req.ctx.is_admin)
    for (auto& [key, value] : r.items())
      if (admin_only.count(key)) {
        std::string rule = "(rule:" + action;
        rule += " and rule:" + action;
        rule += ":" + key + ") is disallowed by policy";
        *refusal = neutron_error(403, "PolicyNotAuthorized", rule);
        return std::nullopt;
      }
  return r;
}

std::optional<std::string> string_attr(const json& body, const std::string& key,
                                       api_response* refusal, std::size_t max_length) {
  if (!body.contains(key))
    return std::nullopt;
  auto& v = body[key];
  if (v.is_null())
    return std::string{};
  if (!v.is_string()) {
    *refusal = neutron_error(400, "HTTPBadRequest",
                             "Invalid input for " + key + ". Reason: '" + v.dump()
                               + "' is not a valid string.");
    return std::nullopt;
  }
  auto s = v.get<std::string>();
  if (s.size() > max_length) {
    *refusal = neutron_error(400, "HTTPBadRequest",
                             "Invalid input for " + key + ". Reason: '" + s
                               + "' exceeds maximum length of " + std::to_string(max_length) + ".");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> bool_attr(const json& body, const std::string& key, api_response* refusal) {
  if (!body.contains(key))
    return std::nullopt;
  auto& v = body[key];
  if (v.is_boolean())
    return v.get<bool>();
  if (v.is_string()) { // Neutron converts "true" / "False" / "1" / "0"
    auto s = v.get<std::string>();
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    if (s == "true" || s == "1")
      return true;
    if (s == "false" || s == "0")
      return false;
  }
  if (v.is_number_integer() && (v == 0 || v == 1))
    return v == 1;
  *refusal = neutron_error(400, "HTTPBadRequest",
                           "Invalid input for " + key + ". Reason: '" + v.dump()
                             + "' cannot be converted to boolean.");
  return std::nullopt;
}

std::optional<std::int32_t> int_attr(const json& body, const std::string& key,
                                     api_response* refusal) {
  if (!body.contains(key) || body[key].is_null())
    return std::nullopt;
  auto& v = body[key];
  if (v.is_number_integer())
    return v.get<std::int32_t>();
  if (v.is_string()) {
    auto s = v.get<std::string>();
    if (!s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), ::isdigit))
      return std::stoi(s);
  }
  *refusal =
    neutron_error(400, "HTTPBadRequest",
                  "Invalid input for " + key + ". Reason: '" + v.dump() + "' is not an integer.");
  return std::nullopt;
}

std::optional<std::vector<std::string>> strings_attr(const json& body, const std::string& key,
                                                     api_response* refusal) {
  if (!body.contains(key))
    return std::nullopt;
  auto& v = body[key];
  std::vector<std::string> out;
  if (v.is_array() && std::all_of(v.begin(), v.end(), [](auto& e) { return e.is_string(); })) {
    for (auto& e : v)
      out.push_back(e.get<std::string>());
    return out;
  }
  *refusal =
    neutron_error(400, "HTTPBadRequest",
                  "Invalid input for " + key + ". Reason: '" + v.dump() + "' is not a list.");
  return std::nullopt;
}

} // namespace nimbus::api
