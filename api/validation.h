#pragma once
// Request-body checks that answer in Nova's jsonschema wording:
//   Invalid input for field/attribute <name>. Value: <value>. <message>
// Values print as Python's str() would, since that is what Nova's messages show.
#include <optional>
#include <set>
#include <string>
#include <string_view>

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

/// Characters (code points) in UTF-8 text: what jsonschema's maxLength counts.
std::size_t utf8_length(const std::string& text);

/// Nova's 'name' format: printable characters, not starting or ending with
/// whitespace.
bool valid_name(const std::string& name);
inline const std::string invalid_name_reason =
  "An invalid 'name' value was provided. The name must be: printable characters. "
  "Can not start or end with whitespace.";

/// One or more ASCII digits and nothing else (a number sent as a string).
bool is_digits(const std::string& s);

/// 32 hex digits, with or without the dashes of 8-4-4-4-12 (Nova's
/// uuidutils.is_uuid_like); by loops, as letters_digits_and.
bool is_uuid_like(const std::string& s);

/// Not empty, and only ASCII letters, digits and the characters of `extra`:
/// a schema's `^[a-zA-Z0-9<extra>]+$`, by a loop (libstdc++'s std::regex
/// recurses per character, and its code trips GCC's warnings under ASan).
bool letters_digits_and(const std::string& s, std::string_view extra);

/// Nova's parameter_types.boolean: true / false, or one of the strings
/// 'True', 'true', '1', 'on', 'yes', ... and their false twins; nullopt
/// for anything else.
std::optional<bool> nova_boolean(const ordered_json& v);
/// The jsonschema message refusing a value that is not nova_boolean().
std::string not_a_nova_boolean(const ordered_json& v);

/// jsonschema's additionalProperties message for `key`.
std::string unexpected_property(const std::string& key);

/// A Nova 'name' property (string, 1 to 255 characters, the 'name' format):
/// the 400 that refuses it, or nullopt.
std::optional<api_response> check_name(const ordered_json& name);

/// Deepest nesting of arrays and objects a request body may have.
inline constexpr std::size_t max_body_depth = 64;

/// How deeply arrays and objects nest in `text` (read as JSON, without
/// recursion; text that is not JSON gives some number, never a failure).
std::size_t nesting_depth(const std::string& text);

/// Parses a JSON body keeping key order; nullopt for malformed JSON and for
/// bodies nested deeper than max_body_depth.
std::optional<ordered_json> parse_body(const std::string& body);

/// 400 "Malformed request body".
api_response malformed_body();

/// Nova's ?limit= of a list (common.get_limit_and_marker): a whole number,
/// not negative, capped at [api] max_limit (1000); `*limit` keeps its value
/// when the parameter is absent. The 400 that refuses it, or nullopt.
std::optional<api_response> read_limit(const api_request& req, std::int32_t* limit);
/// ?offset= of a list (a query schema's non-negative integer): `*offset`
/// keeps its value when the parameter is absent.
std::optional<api_response> read_offset(const api_request& req, std::size_t* offset);

/// The 400 of a query parameter not in `known` (a query schema without
/// additional properties), or nullopt.
std::optional<api_response> refuse_unknown_query(const api_request& req,
                                                 const std::set<std::string>& known);

} // namespace nimbus::api
