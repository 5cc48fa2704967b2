#pragma once
// The bodies of Nova's metadata routes, for servers and (through the image
// proxy) images alike: {"metadata": {...}} and {"meta": {key: value}}.
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/http_types.h"

namespace nimbus::api {

nlohmann::json metadata_json(const std::map<std::string, std::string>& m);

/// {"metadata": {...}}: the items, checked; Nova's 400 otherwise.
std::optional<api_response> read_metadata(const api_request& req,
                                          std::map<std::string, std::string>* out);

/// {"meta": {key: value}} of PUT .../metadata/{key}: one item, named as the URI.
std::optional<api_response> read_meta(const api_request& req, const std::string& key,
                                      std::string* value);

} // namespace nimbus::api
