// What the identity API's handlers share: Keystone's error answers, the
// reading of a request's entity and properties, query flags and self-link
// paths (identity_common.h).
#include "api/handlers/identity_common.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "api/keystone_faults.h"

namespace nimbus::api {

using identity::change;

api_response bad(const std::string& message) { return keystone_error(400, message); }
api_response no_content() { return {204, "", {}}; }
api_response not_found(const std::string& type, const std::string& id) {
  return keystone_error(404, "Could not find " + type + ": " + id + ".");
}
api_response refused(const std::string& action) {
  return keystone_error(403,
                        "You are not authorized to perform the requested action: " + action + ".");
}
std::string client_fault(const std::string& what) {
  return what
         + " The server could not comply with the request since it is either malformed or "
           "otherwise incorrect. The client is assumed to be in error.";
}
std::string expecting(const std::string& what) {
  return client_fault("Expecting to find " + what + " in request body.");
}

api_response write_error(change c, const std::string& type, const std::string& name) {
  if (c == change::conflict)
    return keystone_error(409, "Conflict occurred attempting to store " + type
                                 + " - Duplicate entry found with name " + name + ".");
  return keystone_error(500, "An unexpected error prevented the server from fulfilling your "
                             "request.");
}

std::optional<api_response> entity_of(const api_request& req, const std::string& key,
                                      ordered_json* out) {
  auto body = parse_body(req.body);
  if (!body)
    return bad(expecting("valid JSON"));
  if (!body->is_object() || !body->contains(key) || !(*body)[key].is_object())
    return bad(expecting(key));
  *out = std::move((*body)[key]);
  return std::nullopt;
}

const ordered_json* reader::find(const char* key) {
  auto it = in.find(key);
  return error || it == in.end() ? nullptr : &*it;
}

void reader::refuse(const char* key, const ordered_json& v, const std::string& why) {
  error = bad(invalid_input(key, v, python_repr(v) + why));
}

reader& reader::text(const char* key, std::string* out, std::size_t max, bool nullable) {
  auto v = find(key);
  if (v && v->is_null() && nullable)
    out->clear();
  else if (v && !v->is_string())
    refuse(key, *v, std::string(" is not of type 'string'") + (nullable ? ", 'null'" : ""));
  else if (v && max && utf8_length(v->get_ref<const std::string&>()) > max)
    refuse(key, *v, " is too long");
  else if (v)
    *out = v->get<std::string>();
  return *this;
}

reader& reader::name(const char* entity, std::size_t max, bool required, std::string* out) {
  auto v = find("name");
  auto s = v && v->is_string() ? v->get<std::string>() : std::string{};
  if (!v && required && !error)
    error = bad(invalid_input(entity, in, "'name' is a required property"));
  else if (v && !v->is_string())
    refuse("name", *v, " is not of type 'string'");
  else if (v && (s.empty() || utf8_length(s) > max))
    refuse("name", *v, s.empty() ? " is too short" : " is too long");
  else if (v && s.find_first_not_of(" \t\r\n\f\v") == std::string::npos)
    refuse("name", *v, " does not match '[\\\\S]+'");
  else if (v)
    *out = s;
  return *this;
}

reader& reader::flag(const char* key, bool* out) {
  static const std::string yes = "|True|TRUE|true|1|y|Y|on|ON|yes|";
  static const std::string no = "|False|FALSE|false||0|n|N|off|OFF|no|";
  auto v = find(key);
  auto s = "|" + (v && v->is_string() ? v->get<std::string>() : std::string{"?"}) + "|";
  bool known = s.find('|', 1) == s.size() - 1 && (yes.find(s) != no.npos || no.find(s) != no.npos);
  if (v && v->is_boolean())
    *out = v->get<bool>();
  else if (v && known)
    *out = yes.find(s) != yes.npos;
  else if (v && !v->is_null())
    refuse(key, *v,
           v->is_string() ? " is not one of [True, 'True', 'true', False, 'False', "
                            "'false', '1', '0', 'yes', 'no', 'on', 'off', ...]"
                          : " is not of type 'boolean', 'string', 'null'");
  return *this;
}

bool query_true(std::string v) {
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return !(v == "0" || v == "f" || v == "false" || v == "n" || v == "no" || v == "off");
}

std::string request_path(const api_request& req) {
  std::string out;
  for (auto& s : req.path)
    out += "/" + s;
  char sep = '?';
  for (auto& [k, v] : req.query) {
    out += sep + k + (v.empty() ? "" : "=" + v);
    sep = '&';
  }
  return out;
}

} // namespace nimbus::api
