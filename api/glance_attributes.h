#pragma once
// An image's attributes as Glance's v2 schema names and types them: the base
// properties (name, visibility, protected, formats, min_ram, tags, ...), the
// read-only and reserved ones, and extra properties (strings). One place for
// the rules that both an image create and a PATCH follow.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "compute/outcome.h"
#include "storage/records.h"

namespace nimbus::api {

enum class attribute_change { create, patch };

/// Sets attribute `key` of `i` to `value` as a caller (an admin if
/// `is_admin`) may: a fault in Glance's words (400 schema, 403 read-only,
/// reserved or not allowed) refuses it, and `i` is then to be dropped.
std::optional<compute::fault> set_image_attribute(storage::image& i, const std::string& key,
                                                  const nlohmann::json& value,
                                                  attribute_change when, bool is_admin);

/// The 403 for a key no caller sets (read-only or reserved), or nullopt.
std::optional<compute::fault> key_refusal(const std::string& key, attribute_change when);

/// Removes attribute `key` (PATCH remove): extra properties only.
std::optional<compute::fault> remove_image_attribute(storage::image& i, const std::string& key);

/// Whether `key` is one of Glance's own attributes (not an extra property).
bool is_base_attribute(const std::string& key);

/// The 413 when `i` has more tags than `limit` (-1: no limit), for a create
/// or a PATCH.
std::optional<compute::fault> tag_limit_refusal(const storage::image& i, std::int64_t limit);

} // namespace nimbus::api
