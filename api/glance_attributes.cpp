#include "api/glance_attributes.h"

#include <algorithm>
#include <set>

namespace nimbus::api {
namespace {

using compute::fault;
using compute::fault_kind;
using nlohmann::json;

const std::set<std::string> disk_formats{"ami", "ari",   "aki", "vhd", "vhdx", "vmdk",
                                         "raw", "qcow2", "vdi", "iso", "ploop"};
const std::set<std::string> container_formats{"ami", "ari", "aki",    "bare",
                                              "ovf", "ova", "docker", "compressed"};
const std::set<std::string> visibilities{"public", "community", "shared", "private"};
// Shown, never set: 403 "read-only" (id and the hashes only once created).
const std::set<std::string> read_only{"created_at", "updated_at",   "status",       "checksum",
                                      "size",       "virtual_size", "direct_url",   "self",
                                      "file",       "schema",       "os_hash_algo", "os_hash_value",
                                      "stores"};
const std::set<std::string> reserved{"location", "locations", "deleted", "deleted_at"};
const std::set<std::string> base{
  "id",          "name",    "visibility", "protected", "os_hidden", "owner", "container_format",
  "disk_format", "min_ram", "min_disk",   "tags"};

fault schema_error(const std::string& why) {
  return {fault_kind::bad_request, "Provided object does not match schema 'image': " + why};
}

fault forbidden(std::string message) { return {fault_kind::forbidden, std::move(message)}; }

std::string shown(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

bool is_uuid(const std::string& s) {
  if (s.size() != 36)
    return false;
  for (std::size_t k = 0; k < s.size(); ++k) {
    bool dash = k == 8 || k == 13 || k == 18 || k == 23;
    if (dash != (s[k] == '-') || (!dash && !std::isxdigit(static_cast<unsigned char>(s[k]))))
      return false;
  }
  return true;
}

// A string of at most 255 characters, or null (""), for name and owner.
std::optional<fault> set_short_text(std::string& field, const json& v) {
  if (v.is_null()) {
    field.clear();
    return std::nullopt;
  }
  if (!v.is_string())
    return schema_error(shown(v) + " is not of type 'null', 'string'");
  auto s = v.get<std::string>();
  if (s.size() > 255)
    return schema_error(shown(v) + " is too long");
  field = s;
  return std::nullopt;
}

std::optional<fault> set_format(std::string& field, const json& v,
                                const std::set<std::string>& allowed) {
  if (v.is_null()) {
    field.clear();
    return std::nullopt;
  }
  if (!v.is_string() || !allowed.count(v.get<std::string>())) {
    std::string list = "None";
    for (auto& a : allowed)
      list += ", '" + a + "'";
    return schema_error(shown(v) + " is not one of [" + list + "]");
  }
  field = v.get<std::string>();
  return std::nullopt;
}

std::optional<fault> set_size(std::int32_t& field, const std::string& key, const json& v) {
  if (!v.is_number_integer())
    return schema_error(shown(v) + " is not of type 'integer'");
  auto n = v.get<std::int64_t>();
  if (n < 0)
    return fault{fault_kind::bad_request, "Invalid value '" + std::to_string(n)
                                            + "' for parameter '" + key
                                            + "': Cannot be a negative value"};
  if (n > 2147483647)
    return schema_error(shown(v) + " is too large");
  field = static_cast<std::int32_t>(n);
  return std::nullopt;
}

std::optional<fault> set_tags(std::vector<std::string>& tags, const json& v) {
  if (!v.is_array())
    return schema_error(shown(v) + " is not of type 'array'");
  std::vector<std::string> out;
  for (auto& t : v) {
    if (!t.is_string())
      return schema_error(shown(t) + " is not of type 'string'");
    auto s = t.get<std::string>();
    if (s.size() > 255)
      return schema_error(shown(t) + " is too long");
    if (std::find(out.begin(), out.end(), s) == out.end()) // a set, in the order given
      out.push_back(s);
  }
  tags = std::move(out);
  return std::nullopt;
}

} // namespace

bool is_base_attribute(const std::string& key) { return base.count(key) > 0; }

std::optional<fault> key_refusal(const std::string& key, attribute_change when) {
  if (read_only.count(key) || (when == attribute_change::patch && key == "id"))
    return forbidden("Attribute '" + key + "' is read-only.");
  if (reserved.count(key) || key.rfind("os_glance", 0) == 0)
    return forbidden("Attribute '" + key + "' is reserved.");
  return std::nullopt;
}

std::optional<fault> set_image_attribute(storage::image& i, const std::string& key, const json& v,
                                         attribute_change when, bool is_admin) {
  bool creating = when == attribute_change::create;
  if (auto refusal = key_refusal(key, when))
    return refusal;
  if (key == "id") {
    if (!v.is_string() || !is_uuid(v.get<std::string>()))
      return schema_error(shown(v)
                          + " does not match "
                            "'^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-"
                            "([0-9a-fA-F]){12}$'");
    i.id = v.get<std::string>();
    return std::nullopt;
  }
  if (key == "name")
    return set_short_text(i.name, v);
  if (key == "owner") {
    if (!creating && !is_admin)
      return forbidden("Owner can't be updated by non admin.");
    return set_short_text(i.owner, v);
  }
  if (key == "visibility") {
    if (!v.is_string() || !visibilities.count(v.get<std::string>()))
      return schema_error(shown(v) + " is not one of ['community', 'public', 'private', 'shared']");
    if (v == "public" && !is_admin && i.visibility != "public")
      return forbidden("You are not authorized to complete publicize_image action.");
    i.visibility = v.get<std::string>();
    return std::nullopt;
  }
  if (key == "protected" || key == "os_hidden") {
    if (!v.is_boolean())
      return schema_error(shown(v) + " is not of type 'boolean'");
    (key == "protected" ? i.is_protected : i.os_hidden) = v.get<bool>();
    return std::nullopt;
  }
  if (key == "disk_format" || key == "container_format") {
    if (!creating && i.status != "queued")
      return forbidden("Attribute " + key + " can be only replaced for a queued image.");
    return key == "disk_format" ? set_format(i.disk_format, v, disk_formats)
                                : set_format(i.container_format, v, container_formats);
  }
  if (key == "min_ram")
    return set_size(i.min_ram, key, v);
  if (key == "min_disk")
    return set_size(i.min_disk, key, v);
  if (key == "tags")
    return set_tags(i.tags, v);
  if (key.size() > 255)
    return fault{fault_kind::bad_request,
                 "Custom property should not be greater than 255 characters."};
  if (!v.is_string())
    return schema_error(shown(v) + " is not of type 'string'");
  i.properties[key] = v.get<std::string>();
  return std::nullopt;
}

std::optional<fault> remove_image_attribute(storage::image& i, const std::string& key) {
  if (auto refusal = key_refusal(key, attribute_change::patch))
    return refusal;
  if (is_base_attribute(key))
    return forbidden("Property " + key + " may not be removed.");
  if (!i.properties.erase(key))
    return fault{fault_kind::conflict, "Property " + key + " does not exist."};
  return std::nullopt;
}

std::optional<fault> tag_limit_refusal(const storage::image& i, std::int64_t limit) {
  if (limit < 0 || static_cast<std::int64_t>(i.tags.size()) <= limit)
    return std::nullopt;
  return fault{fault_kind::too_large,
               "The limit has been exceeded on the number of allowed image tags. Attempted: "
                 + std::to_string(i.tags.size()) + ", Maximum: " + std::to_string(limit)};
}

} // namespace nimbus::api
