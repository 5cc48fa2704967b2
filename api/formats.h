#pragma once
// The text forms the compute API uses for times, links and host ids.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace nimbus::api {

/// "2026-11-22T03:02:42Z" (created, updated, fault created)
std::string iso_seconds(std::int64_t us);
/// "2026-11-22T03:02:42.000000" (launched_at, updated_at of services, actions)
std::string iso_micros(std::int64_t us);
/// Microseconds since the epoch of an ISO 8601 UTC time
/// ("2026-12-01T15:14:01.609282", ending in nothing, "Z" or "+00:00");
/// nullopt for other text.
std::optional<std::int64_t> parse_iso_time(const std::string& text);
/// iso_micros, or null when `us` is 0.
nlohmann::json iso_micros_or_null(std::int64_t us);

/// [{"rel": "self", "href": base/v2.1/<kind>/<id>}, {"rel": "bookmark", "href": base/<kind>/<id>}]
nlohmann::json self_links(const std::string& base, const std::string& kind, const std::string& id);

/// Nova's hostId: sha224(project_id + host) in hex; "" without a host.
std::string host_id(const std::string& project_id, const std::string& host);

/// A uuid derived from a name, stable across runs (for records that have
/// no uuid of their own, such as the control services).
std::string name_uuid(const std::string& name);

/// "" or a string, as Nova's nullable strings: null when empty.
inline nlohmann::json string_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

} // namespace nimbus::api
