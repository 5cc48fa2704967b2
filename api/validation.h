#pragma once
// Request-body checks that answer in Nova's jsonschema wording:
//   Invalid input for field/attribute <name>. Value: <value>. <message>
// Values print as Python's str() would, since that is what Nova's messages show.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/http_types.h"

namespace nimbus::api {

using ordered_json = nlohmann::ordered_json;

/// Python's repr() of a JSON value: {'name': 'x', 'n': 1, 'ok': True, 'v': None}.
std::string python_repr(const ordered_json& v);
/// Python's str(): strings bare, everything else as repr.
std::string python_str(const ordered_json& v);

std::string invalid_input(const std::string& attribute, const ordered_json& value,
                          const std::string& message);

/// Parses a JSON body keeping key order; nullopt for malformed JSON.
std::optional<ordered_json> parse_body(const std::string& body);

/// 400 "Malformed request body".
api_response malformed_body();

} // namespace nimbus::api
