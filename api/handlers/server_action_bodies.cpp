#include "api/handlers/server_action_bodies.h"

#include <algorithm>
#include <functional>
#include <map>

#include "api/faults.h"
#include "api/handlers/server_fields.h"
#include "api/validation.h"

namespace nimbus::api {
namespace {

using storage::server_action;

// Reads one action's argument into *out; the 400 when it is not acceptable.
using arg_reader = std::function<std::optional<api_response>(
  const api_request&, const ordered_json& arg, parsed_action* out)>;

struct action_entry {
  server_action action;
  std::string rule;
  microversion since{2, 1};
  arg_reader read;
};

std::optional<api_response> accept_anything(const api_request&, const ordered_json&,
                                            parsed_action*) {
  return std::nullopt; // Nova validates no body for these actions
}

// The argument must be null (Nova's schemas of the newer actions).
std::optional<api_response> null_only(const std::string& name, const ordered_json& arg) {
  if (arg.is_null())
    return std::nullopt;
  return bad_request(invalid_input(name, arg, python_repr(arg) + " is not of type 'null'"));
}

// An object with only `allowed` keys (or null when `null_ok`); the 400
// otherwise.
std::optional<api_response> object_with(const std::string& name, const ordered_json& arg,
                                        const std::vector<std::string>& allowed, bool null_ok) {
  if (arg.is_null() && null_ok)
    return std::nullopt;
  if (!arg.is_object())
    return bad_request(invalid_input(
      name, arg, python_repr(arg) + " is not of type 'object'" + (null_ok ? ", 'null'" : "")));
  for (auto& [key, value] : arg.items())
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      return bad_request(invalid_input(name, arg, unexpected_property(key)));
  return std::nullopt;
}

// A string of at most `max` characters (at least `min`); the 400 otherwise.
std::optional<api_response> string_within(const std::string& attribute, const ordered_json& v,
                                          std::size_t min, std::size_t max) {
  if (!v.is_string())
    return bad_request(invalid_input(attribute, v, python_repr(v) + " is not of type 'string'"));
  auto n = utf8_length(v.get<std::string>());
  if (n < min)
    return bad_request(invalid_input(attribute, v, python_repr(v) + " is too short"));
  if (n > max)
    return bad_request(invalid_input(attribute, v, python_repr(v) + " is too long"));
  return std::nullopt;
}

bool is_uuid(const std::string& s) {
  if (s.size() != 36)
    return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i])))
      return false;
  }
  return true;
}

const std::vector<std::string> reboot_types{"HARD", "Hard", "hard", "SOFT", "Soft", "soft"};

std::optional<api_response> read_reboot(const api_request&, const ordered_json& arg,
                                        parsed_action* out) {
  if (!arg.is_object())
    return bad_request(invalid_input("reboot", arg, python_repr(arg) + " is not of type 'object'"));
  if (!arg.contains("type"))
    return bad_request(invalid_input("reboot", arg, "'type' is a required property"));
  auto& type = arg["type"];
  if (!type.is_string()
      || std::find(reboot_types.begin(), reboot_types.end(), type.get<std::string>())
           == reboot_types.end())
    return bad_request(invalid_input(
      "type", type,
      python_repr(type) + " is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']"));
  out->request.hard = type.get<std::string>()[0] == 'H' || type.get<std::string>()[0] == 'h';
  return std::nullopt;
}

std::optional<api_response> read_lock(const api_request& req, const ordered_json& arg,
                                      parsed_action* out) {
  if (!req.version.at_least(2, 73))
    return std::nullopt; // no schema before locked_reason
  if (auto bad = object_with("lock", arg, {"locked_reason"}, true))
    return bad;
  if (arg.is_object() && arg.contains("locked_reason")) {
    if (auto bad = string_within("locked_reason", arg["locked_reason"], 1, 255))
      return bad;
    out->request.locked_reason = arg["locked_reason"].get<std::string>();
  }
  return std::nullopt;
}

std::optional<api_response> read_rescue(const api_request&, const ordered_json& arg,
                                        parsed_action* out) {
  if (auto bad = object_with("rescue", arg, {"adminPass", "rescue_image_ref"}, true))
    return bad;
  if (!arg.is_object())
    return std::nullopt;
  if (arg.contains("adminPass")) {
    if (!arg["adminPass"].is_string())
      return bad_request(invalid_input("adminPass", arg["adminPass"],
                                       python_repr(arg["adminPass"]) + " is not of type 'string'"));
    out->request.admin_pass = arg["adminPass"].get<std::string>();
  }
  if (arg.contains("rescue_image_ref")) {
    auto& ref = arg["rescue_image_ref"];
    if (!ref.is_string() || !is_uuid(ref.get<std::string>()))
      return bad_request(
        invalid_input("rescue_image_ref", ref, python_repr(ref) + " is not a 'uuid'"));
    out->request.image_ref = ref.get<std::string>();
  }
  return std::nullopt;
}

std::optional<api_response> read_change_password(const api_request&, const ordered_json& arg,
                                                 parsed_action* out) {
  if (auto bad = object_with("changePassword", arg, {"adminPass"}, false))
    return bad;
  if (!arg.contains("adminPass"))
    return bad_request(invalid_input("changePassword", arg, "'adminPass' is a required property"));
  auto& pass = arg["adminPass"];
  if (!pass.is_string())
    return bad_request(
      invalid_input("adminPass", pass, python_repr(pass) + " is not of type 'string'"));
  out->request.admin_pass = pass.get<std::string>();
  return std::nullopt;
}

std::optional<api_response> read_reset_state(const api_request&, const ordered_json& arg,
                                             parsed_action* out) {
  if (auto bad = object_with("os-resetState", arg, {"state"}, false))
    return bad;
  if (!arg.contains("state"))
    return bad_request(invalid_input("os-resetState", arg, "'state' is a required property"));
  auto& state = arg["state"];
  if (state == "active")
    out->request.reset_to = storage::vm_state::active;
  else if (state == "error")
    out->request.reset_to = storage::vm_state::error;
  else
    return bad_request(
      invalid_input("state", state, python_repr(state) + " is not one of ['active', 'error']"));
  return std::nullopt;
}

std::optional<api_response> read_unshelve(const api_request& req, const ordered_json& arg,
                                          parsed_action* out) {
  if (!req.version.at_least(2, 77))
    return std::nullopt; // no schema before 2.77
  std::vector<std::string> keys{"availability_zone"};
  if (req.version.at_least(2, 91))
    keys.emplace_back("host");
  if (auto bad = object_with("unshelve", arg, keys, true))
    return bad;
  if (!arg.is_object())
    return std::nullopt;
  if (arg.contains("availability_zone")) {
    auto& az = arg["availability_zone"];
    bool null_ok = req.version.at_least(2, 91);
    if (!(az.is_null() && null_ok)) {
      if (auto bad = string_within("availability_zone", az, 1, 255))
        return bad;
      out->request.availability_zone = az.get<std::string>();
    }
  }
  if (arg.contains("host")) {
    if (auto bad = string_within("host", arg["host"], 1, 255))
      return bad;
    out->request.host = arg["host"].get<std::string>();
  }
  return std::nullopt;
}

std::optional<api_response> read_console(const api_request&, const ordered_json& arg,
                                         parsed_action* out) {
  out->console_output = true;
  if (auto bad = object_with("os-getConsoleOutput", arg, {"length"}, false))
    return bad;
  if (!arg.contains("length") || arg["length"].is_null())
    return std::nullopt;
  auto& length = arg["length"];
  std::int64_t n = 0;
  if (length.is_number_integer()) {
    n = length.get<std::int64_t>();
  } else if (length.is_string()) {
    auto text = length.get<std::string>();
    auto digits = !text.empty() && text[0] == '-' ? text.substr(1) : text;
    if (!is_digits(digits) || digits.size() > 18)
      return bad_request(
        invalid_input("length", length, python_repr(length) + " does not match '^-?[0-9]+$'"));
    n = std::stoll(text);
  } else {
    return bad_request(invalid_input(
      "length", length, python_repr(length) + " is not of type 'integer', 'string', 'null'"));
  }
  if (n < -1)
    return bad_request(
      invalid_input("length", length, python_repr(length) + " is less than the minimum of -1"));
  out->console_length = n;
  return std::nullopt;
}

bool rebuild_property_known(const std::string& key, const microversion& v) {
  static const std::vector<std::string> always{
    "name",       "imageRef",   "adminPass",          "metadata",
    "accessIPv4", "accessIPv6", "preserve_ephemeral", "OS-DCF:diskConfig"};
  if (std::find(always.begin(), always.end(), key) != always.end())
    return true;
  if (key == "personality")
    return !v.at_least(2, 57);
  if (key == "description")
    return v.at_least(2, 19);
  if (key == "key_name")
    return v.at_least(2, 54);
  if (key == "user_data")
    return v.at_least(2, 57);
  if (key == "trusted_image_certificates")
    return v.at_least(2, 63);
  if (key == "hostname")
    return v.at_least(2, 90);
  return false;
}

std::optional<api_response> read_rebuild(const api_request& req, const ordered_json& arg,
                                         parsed_action* out) {
  if (!arg.is_object())
    return bad_request(
      invalid_input("rebuild", arg, python_repr(arg) + " is not of type 'object'"));
  for (auto& [key, value] : arg.items())
    if (!rebuild_property_known(key, req.version))
      return bad_request(invalid_input("rebuild", arg, unexpected_property(key)));
  if (!arg.contains("imageRef"))
    return bad_request(invalid_input("rebuild", arg, "'imageRef' is a required property"));
  auto& image = arg["imageRef"];
  if (!image.is_string() || !is_uuid(image.get<std::string>()))
    return bad_request(invalid_input("imageRef", image, python_repr(image) + " is not a 'uuid'"));
  auto& r = out->request;
  r.image_ref = image.get<std::string>();
  auto& f = r.fields;
  if (arg.contains("name")) {
    if (auto bad = check_name(arg["name"]))
      return bad;
    f.set_name = true;
    f.name = arg["name"].get<std::string>();
  }
  if (arg.contains("adminPass")) {
    if (!arg["adminPass"].is_string())
      return bad_request(invalid_input("adminPass", arg["adminPass"],
                                       python_repr(arg["adminPass"]) + " is not of type 'string'"));
    r.admin_pass = arg["adminPass"].get<std::string>();
  }
  if (arg.contains("metadata")) {
    if (auto bad = check_metadata(arg["metadata"]))
      return bad;
    f.replace_metadata = true;
    for (auto& [k, v] : arg["metadata"].items())
      f.metadata[k] = v.get<std::string>();
  }
  if (arg.contains("description")) {
    if (auto bad = check_description(arg["description"]))
      return bad;
    f.set_description = true;
    f.description = arg["description"].is_null() ? "" : arg["description"].get<std::string>();
  }
  if (arg.contains("accessIPv4")) {
    if (auto bad = check_access_ip("accessIPv4", arg["accessIPv4"], false, &f.access_ip_v4))
      return bad;
    f.set_access_ip_v4 = true;
  }
  if (arg.contains("accessIPv6")) {
    if (auto bad = check_access_ip("accessIPv6", arg["accessIPv6"], true, &f.access_ip_v6))
      return bad;
    f.set_access_ip_v6 = true;
  }
  if (arg.contains("hostname")) {
    if (auto bad = check_hostname(arg["hostname"], req.version))
      return bad;
    f.set_hostname = true;
    f.hostname = arg["hostname"].get<std::string>();
  }
  if (arg.contains("user_data")) {
    auto& u = arg["user_data"];
    if (!u.is_null() && !u.is_string())
      return bad_request(
        invalid_input("user_data", u, python_repr(u) + " is not of type 'string', 'null'"));
    f.set_user_data = true;
    f.user_data = u.is_null() ? "" : u.get<std::string>();
  }
  if (arg.contains("preserve_ephemeral") && !nova_boolean(arg["preserve_ephemeral"]))
    return bad_request(invalid_input("preserve_ephemeral", arg["preserve_ephemeral"],
                                     not_a_nova_boolean(arg["preserve_ephemeral"])));
  if (arg.contains("trusted_image_certificates") && !arg["trusted_image_certificates"].is_null())
    return bad_request("Image certificate validation is not supported.");
  if (arg.contains("key_name")) { // null unsets the key; a name is looked up by the handler
    auto& k = arg["key_name"];
    if (!k.is_null() && !k.is_string())
      return bad_request(
        invalid_input("key_name", k, python_repr(k) + " is not of type 'string', 'null'"));
    f.set_key_name = true;
    f.key_name = k.is_null() ? "" : k.get<std::string>();
  }
  return std::nullopt;
}

std::optional<api_response> read_create_image(const api_request&, const ordered_json& arg,
                                              parsed_action* out) {
  if (auto bad = object_with("createImage", arg, {"name", "metadata"}, false))
    return bad;
  if (!arg.contains("name"))
    return bad_request(invalid_input("createImage", arg, "'name' is a required property"));
  if (auto bad = check_name(arg["name"]))
    return bad;
  auto& f = out->request.fields;
  f.name = arg["name"].get<std::string>();
  if (arg.contains("metadata")) {
    if (auto bad = check_metadata(arg["metadata"]))
      return bad;
    for (auto& [k, v] : arg["metadata"].items())
      f.metadata[k] = v.get<std::string>();
  }
  return std::nullopt;
}

// A boolean property; the 400 otherwise (`also`: another accepted value).
std::optional<api_response> boolean(const std::string& attribute, const ordered_json& v,
                                    const char* also = nullptr) {
  if (v.is_boolean() || (also && v == also))
    return std::nullopt;
  return bad_request(invalid_input(attribute, v,
                                   python_repr(v) + " is not of type 'boolean'"
                                     + (also ? std::string(", 'string'") : std::string())));
}

// A host name or null (parameter_types.fqdn / hostname: 1-255 characters).
std::optional<api_response> host_or_null(const ordered_json& v, std::string* out) {
  if (v.is_null())
    return std::nullopt;
  if (auto bad = string_within("host", v, 1, 255))
    return bad;
  *out = v.get<std::string>();
  return std::nullopt;
}

// `force` (2.29/2.30-2.67 of evacuate and os-migrateLive): a boolean, and
// only with a host to force to.
std::optional<api_response> check_force(const ordered_json& arg, const std::string& host) {
  if (!arg.contains("force"))
    return std::nullopt;
  if (auto bad = boolean("force", arg["force"]))
    return bad;
  if (arg["force"] == true && host.empty())
    return bad_request("Can't force to a non-provided destination");
  return std::nullopt;
}

std::optional<api_response> read_resize(const api_request&, const ordered_json& arg,
                                        parsed_action* out) {
  if (auto bad = object_with("resize", arg, {"flavorRef", "OS-DCF:diskConfig"}, false))
    return bad;
  if (!arg.contains("flavorRef"))
    return bad_request(invalid_input("resize", arg, "'flavorRef' is a required property"));
  auto& ref = arg["flavorRef"];
  if (ref.is_number_integer())
    out->request.flavor.id = std::to_string(ref.get<std::int64_t>());
  else if (ref.is_string() && !ref.get<std::string>().empty())
    out->request.flavor.id = ref.get<std::string>();
  else if (ref.is_string())
    return bad_request(invalid_input("flavorRef", ref, python_repr(ref) + " is too short"));
  else
    return bad_request(
      invalid_input("flavorRef", ref, python_repr(ref) + " is not of type 'string', 'integer'"));
  if (arg.contains("OS-DCF:diskConfig") && arg["OS-DCF:diskConfig"] != "AUTO"
      && arg["OS-DCF:diskConfig"] != "MANUAL")
    return bad_request(
      invalid_input("OS-DCF:diskConfig", arg["OS-DCF:diskConfig"],
                    python_repr(arg["OS-DCF:diskConfig"]) + " is not one of ['AUTO', 'MANUAL']"));
  return std::nullopt;
}

std::optional<api_response> read_migrate(const api_request& req, const ordered_json& arg,
                                         parsed_action* out) {
  if (!req.version.at_least(2, 56))
    return std::nullopt; // no schema before the host (2.56)
  if (auto bad = object_with("migrate", arg, {"host"}, true))
    return bad;
  if (arg.is_object() && arg.contains("host"))
    return host_or_null(arg["host"], &out->request.host);
  return std::nullopt;
}

std::optional<api_response> read_live_migrate(const api_request& req, const ordered_json& arg,
                                              parsed_action* out) {
  auto& v = req.version;
  std::vector<std::string> keys{"block_migration", "host"};
  if (!v.at_least(2, 25))
    keys.emplace_back("disk_over_commit");
  if (v.at_least(2, 30) && !v.at_least(2, 68))
    keys.emplace_back("force");
  if (auto bad = object_with("os-migrateLive", arg, keys, false))
    return bad;
  for (auto& required : {"block_migration", "host"})
    if (!arg.contains(required))
      return bad_request(invalid_input("os-migrateLive", arg,
                                       "'" + std::string(required) + "' is a required property"));
  if (!v.at_least(2, 25) && !arg.contains("disk_over_commit"))
    return bad_request(
      invalid_input("os-migrateLive", arg, "'disk_over_commit' is a required property"));
  if (auto bad =
        boolean("block_migration", arg["block_migration"], v.at_least(2, 25) ? "auto" : nullptr))
    return bad;
  if (arg.contains("disk_over_commit"))
    if (auto bad = boolean("disk_over_commit", arg["disk_over_commit"]))
      return bad;
  if (auto bad = host_or_null(arg["host"], &out->request.host))
    return bad;
  return check_force(arg, out->request.host);
}

std::optional<api_response> read_evacuate(const api_request& req, const ordered_json& arg,
                                          parsed_action* out) {
  auto& v = req.version;
  std::vector<std::string> keys{"host", "adminPass"};
  if (!v.at_least(2, 14))
    keys.emplace_back("onSharedStorage");
  if (v.at_least(2, 29) && !v.at_least(2, 68))
    keys.emplace_back("force");
  if (auto bad = object_with("evacuate", arg, keys, false))
    return bad;
  if (!v.at_least(2, 14) && !arg.contains("onSharedStorage"))
    return bad_request(invalid_input("evacuate", arg, "'onSharedStorage' is a required property"));
  if (arg.contains("onSharedStorage") && !nova_boolean(arg["onSharedStorage"]))
    return bad_request(invalid_input("onSharedStorage", arg["onSharedStorage"],
                                     not_a_nova_boolean(arg["onSharedStorage"])));
  if (arg.contains("host")) {
    if (auto bad = string_within("host", arg["host"], 1, 255))
      return bad;
    out->request.host = arg["host"].get<std::string>();
  }
  if (arg.contains("adminPass")) {
    if (!arg["adminPass"].is_string())
      return bad_request(invalid_input("adminPass", arg["adminPass"],
                                       python_repr(arg["adminPass"]) + " is not of type 'string'"));
    out->request.admin_pass = arg["adminPass"].get<std::string>();
  }
  if (auto bad = check_force(arg, out->request.host))
    return bad;
  out->request.stay_stopped = v.at_least(2, 95);
  return std::nullopt;
}

std::optional<api_response> read_create_backup(const api_request&, const ordered_json& arg,
                                               parsed_action* out) {
  if (auto bad =
        object_with("createBackup", arg, {"name", "backup_type", "rotation", "metadata"}, false))
    return bad;
  for (auto* required : {"name", "backup_type", "rotation"})
    if (!arg.contains(required))
      return bad_request(invalid_input("createBackup", arg,
                                       "'" + std::string(required) + "' is a required property"));
  if (auto bad = check_name(arg["name"]))
    return bad;
  if (!arg["backup_type"].is_string())
    return bad_request(invalid_input("backup_type", arg["backup_type"],
                                     python_repr(arg["backup_type"]) + " is not of type 'string'"));
  auto& rotation = arg["rotation"];
  std::int64_t n = -1;
  if (rotation.is_number_integer())
    n = rotation.get<std::int64_t>();
  else if (rotation.is_string() && is_digits(rotation.get<std::string>())
           && rotation.get<std::string>().size() <= 18)
    n = std::stoll(rotation.get<std::string>());
  else
    return bad_request(invalid_input(
      "rotation", rotation, python_repr(rotation) + " is not of type 'integer', 'string'"));
  if (n < 0)
    return bad_request(invalid_input("rotation", rotation,
                                     python_repr(rotation) + " is less than the minimum of 0"));
  auto& f = out->request.fields;
  f.name = arg["name"].get<std::string>();
  out->backup_type = arg["backup_type"].get<std::string>();
  out->backup_rotation = n;
  if (arg.contains("metadata")) {
    if (auto bad = check_metadata(arg["metadata"]))
      return bad;
    for (auto& [k, v] : arg["metadata"].items())
      f.metadata[k] = v.get<std::string>();
  }
  return std::nullopt;
}

arg_reader must_be_null(const std::string& name) {
  return [name](const api_request&, const ordered_json& arg, parsed_action*) {
    return null_only(name, arg);
  };
}

const std::map<std::string, action_entry>& actions() {
  static const std::map<std::string, action_entry> table{
    {"os-stop", {server_action::stop, "os_compute_api:servers:stop", {2, 1}, accept_anything}},
    {"os-start", {server_action::start, "os_compute_api:servers:start", {2, 1}, accept_anything}},
    {"reboot", {server_action::reboot, "os_compute_api:servers:reboot", {2, 1}, read_reboot}},
    {"pause",
     {server_action::pause, "os_compute_api:os-pause-server:pause", {2, 1}, accept_anything}},
    {"unpause",
     {server_action::unpause, "os_compute_api:os-pause-server:unpause", {2, 1}, accept_anything}},
    {"suspend",
     {server_action::suspend, "os_compute_api:os-suspend-server:suspend", {2, 1}, accept_anything}},
    {"resume",
     {server_action::resume, "os_compute_api:os-suspend-server:resume", {2, 1}, accept_anything}},
    {"lock", {server_action::lock, "os_compute_api:os-lock-server:lock", {2, 1}, read_lock}},
    {"unlock",
     {server_action::unlock, "os_compute_api:os-lock-server:unlock", {2, 1}, accept_anything}},
    {"rescue", {server_action::rescue, "os_compute_api:os-rescue", {2, 1}, read_rescue}},
    {"unrescue", {server_action::unrescue, "os_compute_api:os-unrescue", {2, 1}, accept_anything}},
    {"shelve", {server_action::shelve, "os_compute_api:os-shelve:shelve", {2, 1}, accept_anything}},
    {"shelveOffload",
     {server_action::shelve_offload,
      "os_compute_api:os-shelve:shelve_offload",
      {2, 1},
      accept_anything}},
    {"unshelve",
     {server_action::unshelve, "os_compute_api:os-shelve:unshelve", {2, 1}, read_unshelve}},
    {"changePassword",
     {server_action::change_password,
      "os_compute_api:os-admin-password",
      {2, 1},
      read_change_password}},
    {"trigger_crash_dump",
     {server_action::trigger_crash_dump,
      "os_compute_api:servers:trigger_crash_dump",
      {2, 17},
      must_be_null("trigger_crash_dump")}},
    {"os-resetState",
     {server_action::reset_state,
      "os_compute_api:os-admin-actions:reset_state",
      {2, 1},
      read_reset_state}},
    {"rebuild", {server_action::rebuild, "os_compute_api:servers:rebuild", {2, 1}, read_rebuild}},
    {"restore",
     {server_action::restore,
      "os_compute_api:os-deferred-delete:restore",
      {2, 1},
      accept_anything}},
    {"forceDelete",
     {server_action::delete_server,
      "os_compute_api:os-deferred-delete:force",
      {2, 1},
      [](const api_request&, const ordered_json&, parsed_action* out) {
        out->request.hard = true; // at once, soft-deleted or not
        return std::optional<api_response>{};
      }}},
    {"createImage",
     {server_action::create_image,
      "os_compute_api:servers:create_image",
      {2, 1},
      read_create_image}},
    {"os-getConsoleOutput",
     {server_action::stop, "os_compute_api:os-console-output", {2, 1}, read_console}},
    {"resize", {server_action::resize, "os_compute_api:servers:resize", {2, 1}, read_resize}},
    {"confirmResize",
     {server_action::confirm_resize,
      "os_compute_api:servers:confirm_resize",
      {2, 1},
      accept_anything}},
    {"revertResize",
     {server_action::revert_resize,
      "os_compute_api:servers:revert_resize",
      {2, 1},
      accept_anything}},
    {"migrate",
     {server_action::migrate, "os_compute_api:os-migrate-server:migrate", {2, 1}, read_migrate}},
    {"os-migrateLive",
     {server_action::live_migration,
      "os_compute_api:os-migrate-server:migrate_live",
      {2, 1},
      read_live_migrate}},
    {"evacuate", {server_action::evacuate, "os_compute_api:os-evacuate", {2, 1}, read_evacuate}},
    {"createBackup",
     {server_action::create_backup, "os_compute_api:os-create-backup", {2, 1}, read_create_backup}},
  };
  return table;
}

} // namespace

std::optional<api_response> parse_action_body(const api_request& req, parsed_action* out,
                                              bool* no_such_action) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || body->empty())
    return bad_request("Malformed request body");
  auto name = body->begin().key();
  auto& arg = body->begin().value();
  auto it = actions().find(name);
  if (it == actions().end()
      || !req.version.at_least(it->second.since.major, it->second.since.minor)) {
    *no_such_action = true;
    return bad_request("There is no such action: " + name);
  }
  auto& entry = it->second;
  out->request.action = entry.action;
  out->rule = entry.rule;
  if (auto bad = entry.read(req, arg, out))
    return bad;
  // unshelve to a given host is an admin's (2.91's unshelve_to_host).
  if (entry.action == server_action::unshelve && !out->request.host.empty())
    out->rule = "os_compute_api:os-shelve:unshelve_to_host";
  return std::nullopt;
}

std::vector<std::string> action_rules() {
  std::vector<std::string> rules;
  for (auto& [name, entry] : actions())
    if (std::find(rules.begin(), rules.end(), entry.rule) == rules.end())
      rules.push_back(entry.rule);
  rules.emplace_back("os_compute_api:os-shelve:unshelve_to_host");
  return rules;
}

std::string tail_lines(const std::string& log, std::int64_t length) {
  if (length < 0)
    return log;
  if (length == 0)
    return {};
  // Walk back over `length` separators: what follows the last one kept.
  std::size_t pieces = 0;
  for (std::size_t i = log.size(); i-- > 0;)
    if (log[i] == '\n' && ++pieces == static_cast<std::size_t>(length))
      return log.substr(i + 1);
  return log;
}

} // namespace nimbus::api
