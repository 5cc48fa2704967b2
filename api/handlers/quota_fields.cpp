#include "api/handlers/quota_fields.h"

#include <algorithm>

#include "api/faults.h"
#include "api/validation.h"

namespace nimbus::api {
namespace {

const std::vector<std::string> network_fields{"fixed_ips", "floating_ips", "security_group_rules",
                                              "security_groups"};
const std::vector<std::string> injected_fields{"injected_file_content_bytes",
                                               "injected_file_path_bytes", "injected_files"};
const std::vector<std::string> group_fields{"server_group_members", "server_groups"};

bool among(const std::vector<std::string>& names, const std::string& n) {
  return std::find(names.begin(), names.end(), n) != names.end();
}

std::vector<std::string> without(std::vector<std::string> names,
                                 const std::vector<std::string>& gone) {
  names.erase(std::remove_if(names.begin(), names.end(),
                             [&](const std::string& n) { return among(gone, n); }),
              names.end());
  return names;
}

std::vector<std::string> later_fields(const microversion& v) {
  auto names = without(compute::quota_resources(), network_fields);
  return v.at_least(2, 57) ? without(names, injected_fields) : names;
}

// One limit: an integer, or text of digits with an optional minus sign,
// from -1 to 2147483647 (Nova's _common_quota).
std::optional<api_response> read_limit_value(const std::string& name, const ordered_json& v,
                                             std::int64_t* out) {
  long long n = 0;
  if (v.is_number_integer()) {
    n = v.get<long long>();
  } else if (v.is_string()) {
    auto text = v.get<std::string>();
    auto digits = text.empty() || text[0] != '-' ? text : text.substr(1);
    if (!is_digits(digits))
      return bad_request(invalid_input(name, v, python_repr(v) + " does not match '^-?[0-9]+$'"));
    n = digits.size() > 12 ? (text[0] == '-' ? -(1LL << 40) : (1LL << 40)) : std::stoll(text);
  } else {
    return bad_request(
      invalid_input(name, v, python_repr(v) + " is not of type 'integer', 'string'"));
  }
  if (n < -1)
    return bad_request(invalid_input(name, v, python_str(v) + " is less than the minimum of -1"));
  if (n > 2147483647)
    return bad_request(
      invalid_input(name, v, python_str(v) + " is greater than the maximum of 2147483647"));
  *out = n;
  return std::nullopt;
}

} // namespace

std::vector<std::string> with_tiers(std::vector<std::string> names, bool extensions) {
  if (extensions)
    for (auto& t : compute::tier_quota_resources())
      names.push_back(t);
  return names;
}

std::vector<std::string> quota_set_fields(const microversion& v, bool extensions) {
  return with_tiers(v.at_least(2, 36) ? later_fields(v) : compute::quota_resources(), extensions);
}

std::vector<std::string> quota_class_fields(const microversion& v, bool extensions) {
  return with_tiers(v.at_least(2, 50) ? later_fields(v)
                                      : without(compute::quota_resources(), group_fields),
                    extensions);
}

std::vector<std::string> quota_class_accepted(const microversion& v, bool extensions) {
  return with_tiers(v.at_least(2, 50) ? later_fields(v) : compute::quota_resources(), extensions);
}

bool asks_extensions(const api_request& req) { return !req.header("nimbus-extensions").empty(); }

std::optional<api_response> read_quota_body(const api_request& req, const std::string& root,
                                            const std::vector<std::string>& allowed,
                                            bool allow_force, compute::quota_values* limits,
                                            bool* force) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || !body->contains(root))
    return bad_request("'" + root + "' is a required property");
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != root)
      return bad_request(unexpected_property(it.key()));
  auto& set = (*body)[root];
  if (!set.is_object())
    return bad_request(invalid_input(root, set, python_repr(set) + " is not of type 'object'"));
  for (auto it = set.begin(); it != set.end(); ++it) {
    auto& key = it.key();
    auto& value = it.value();
    if (allow_force && key == "force") {
      auto b = nova_boolean(value);
      if (!b)
        return bad_request(invalid_input("force", value, not_a_nova_boolean(value)));
      *force = *b;
      continue;
    }
    if (!among(allowed, key))
      return bad_request(invalid_input(root, set, unexpected_property(key)));
    std::int64_t limit = 0;
    if (auto bad = read_limit_value(key, value, &limit))
      return bad;
    (*limits)[key] = limit;
  }
  return std::nullopt;
}

} // namespace nimbus::api
