#pragma once
// What the identity API's handlers (domains and projects, users, roles)
// share: Keystone's error answers (400, 403, 404, 409/500 for a store
// refusal) and their wording, the reading of a request's entity and of its
// properties as Keystone's schemas check them, a query flag as oslo reads
// it, and the request path a collection's self link names.
#include <cstddef>
#include <optional>
#include <string>

#include "api/http_types.h"
#include "api/validation.h"
#include "identity/directory.h"

namespace nimbus::api {

/// 400 with Keystone's error body around `message`.
api_response bad(const std::string& message);
/// 204 with no body.
api_response no_content();
/// 404: "Could not find <type>: <id>."
api_response not_found(const std::string& type, const std::string& id);
/// 403: "You are not authorized to perform the requested action: <action>."
api_response refused(const std::string& action);
/// `what`, with Keystone's words for a request in error.
std::string client_fault(const std::string& what);
/// "Expecting to find <what> in request body.", with Keystone's words for a request in error.
std::string expecting(const std::string& what);
/// A store refusal: 409 for a taken name, 500 otherwise.
api_response write_error(identity::change c, const std::string& type, const std::string& name);
/// The object under `key` of the body into *out, or the 400.
std::optional<api_response> entity_of(const api_request& req, const std::string& key,
                                      ordered_json* out);

/// Reads an entity's properties as Keystone's schemas check them; `error`
/// keeps the first refusal (and the reads after it do nothing).
struct reader {
  /// The entity read.
  const ordered_json& in;
  /// The first refusal, if any.
  std::optional<api_response> error = std::nullopt;

  /// The property `key`, or null when absent or after a refusal.
  const ordered_json* find(const char* key);
  /// Keeps the 400 for property `key` of value `v`: its repr and `why`.
  void refuse(const char* key, const ordered_json& v, const std::string& why);
  /// A string of at most `max` characters (0: any); null (when allowed) empties it.
  reader& text(const char* key, std::string* out, std::size_t max = 0, bool nullable = true);
  /// Keystone's names: 1 to `max` characters, not all blank.
  reader& name(const char* entity, std::size_t max, bool required, std::string* out);
  /// Keystone's boolean: true/false or their usual strings; null leaves *out.
  reader& flag(const char* key, bool* out);
};

/// A query flag as oslo's bool_from_string reads it: true unless false-like.
bool query_true(std::string v);
/// The request's path and query (as sent, decoded), for a collection's self link.
std::string request_path(const api_request& req);

} // namespace nimbus::api
