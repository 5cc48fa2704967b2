#include "api/handlers/server_fields.h"

#include <algorithm>
#include <cctype>

#include <arpa/inet.h>

#include "api/faults.h"

namespace nimbus::api {

std::optional<api_response> check_metadata(const ordered_json& m) {
  if (!m.is_object())
    return bad_request(invalid_input("metadata", m, python_repr(m) + " is not of type 'object'"));
  for (auto& [k, v] : m.items()) {
    bool key_ok =
      !k.empty() && k.size() <= 255 && std::all_of(k.begin(), k.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == ':' || c == '.' || c == ' ';
      });
    if (!key_ok)
      return bad_request(invalid_input("metadata", m, unexpected_property(k)));
    if (!v.is_string())
      return bad_request(invalid_input(k, v, python_repr(v) + " is not of type 'string'"));
    if (utf8_length(v.get<std::string>()) > 255)
      return bad_request(invalid_input(k, v, python_repr(v) + " is too long"));
  }
  return std::nullopt; // how many items the quota allows, compute_api checks
}

std::optional<api_response> check_description(const ordered_json& d) {
  if (d.is_null())
    return std::nullopt;
  if (!d.is_string())
    return bad_request(
      invalid_input("description", d, python_repr(d) + " is not of type 'string', 'null'"));
  auto text = d.get<std::string>();
  if (utf8_length(text) > 255)
    return bad_request(invalid_input("description", d, python_repr(d) + " is too long"));
  for (unsigned char c : text)
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      return bad_request(
        invalid_input("description", d, python_repr(d) + " does not match the printable pattern"));
  return std::nullopt;
}

std::optional<api_response> check_access_ip(const std::string& attribute, const ordered_json& v,
                                            bool v6, std::string* normalized) {
  auto refuse = [&] {
    return bad_request(
      invalid_input(attribute, v, python_repr(v) + " is not a '" + (v6 ? "ipv6" : "ipv4") + "'"));
  };
  if (!v.is_string())
    return refuse();
  auto text = v.get<std::string>();
  if (text.empty()) { // Nova accepts "" and clears the address
    normalized->clear();
    return std::nullopt;
  }
  unsigned char buf[16];
  int family = v6 ? AF_INET6 : AF_INET;
  if (inet_pton(family, text.c_str(), buf) != 1)
    return refuse();
  char out[INET6_ADDRSTRLEN] = {};
  if (!inet_ntop(family, buf, out, sizeof out))
    return refuse();
  *normalized = out;
  return std::nullopt;
}

std::optional<api_response> check_hostname(const ordered_json& h, const microversion& version) {
  bool fqdn = version.at_least(2, 94);
  std::size_t max = fqdn ? 255 : 63;
  if (!h.is_string())
    return bad_request(invalid_input("hostname", h, python_repr(h) + " is not of type 'string'"));
  auto text = h.get<std::string>();
  if (text.empty() || text.size() > max)
    return bad_request(invalid_input(
      "hostname", h, python_repr(h) + (text.empty() ? " is too short" : " is too long")));
  bool ok = std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_';
  });
  if (!ok || text.front() == '-' || text.back() == '-' || (fqdn && text.back() == '.'))
    return bad_request(
      invalid_input("hostname", h, python_repr(h) + " does not match the hostname pattern"));
  return std::nullopt;
}

std::optional<api_response> check_tag(const std::string& attribute, const ordered_json& t) {
  if (!t.is_string())
    return bad_request(invalid_input(attribute, t, python_repr(t) + " is not of type 'string'"));
  auto text = t.get<std::string>();
  auto n = utf8_length(text);
  if (n < 1)
    return bad_request(invalid_input(attribute, t, python_repr(t) + " is too short"));
  if (n > 60)
    return bad_request(invalid_input(attribute, t, python_repr(t) + " is too long"));
  if (text.find_first_of("/,") != std::string::npos)
    return bad_request(invalid_input(attribute, t, python_repr(t) + " does not match '^[^,/]*$'"));
  return std::nullopt;
}

std::optional<api_response> check_tags(const ordered_json& tags) {
  if (!tags.is_array())
    return bad_request(invalid_input("tags", tags, python_repr(tags) + " is not of type 'array'"));
  if (tags.size() > 50)
    return bad_request(invalid_input("tags", tags, python_repr(tags) + " is too long"));
  for (auto& t : tags)
    if (auto bad = check_tag("tags", t))
      return bad;
  return std::nullopt;
}

} // namespace nimbus::api
