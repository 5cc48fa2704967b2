// POST /v2.1/flavors and DELETE /v2.1/flavors/{id} (Nova's os-flavor-manage):
// admin only, with Nova's create schema.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/handlers/server_fields.h"
#include "api/validation.h"
#include "api/views/flavor_view.h"

namespace nimbus::api {
namespace {

constexpr long long max_db_int = 2147483647;

// An integer, or a string of one, in [minimum, max_db_int] (Nova's
// flavor_param_positive / _non_negative); fills *out or answers the 400.
std::optional<api_response> read_count(const ordered_json& flavor, const std::string& key,
                                       long long minimum, std::int32_t* out) {
  auto& v = flavor[key];
  long long n = 0;
  if (v.is_number_integer()) {
    // Non-negative JSON integers parse as unsigned; past max_db_int they only
    // need to be "too big".
    n = v.is_number_unsigned() ? static_cast<long long>(
          std::min<unsigned long long>(v.get<unsigned long long>(), max_db_int + 1))
                               : v.get<long long>();
  } else if (v.is_string() && is_digits(v.get<std::string>())) {
    n = v.get<std::string>().size() > 10 ? max_db_int + 1 : std::stoll(v.get<std::string>());
  } else {
    return bad_request(
      invalid_input(key, v, python_repr(v) + " is not of type 'integer', 'string'"));
  }
  if (n < minimum)
    return bad_request(invalid_input(
      key, v, python_repr(v) + " is less than the minimum of " + std::to_string(minimum)));
  if (n > max_db_int)
    return bad_request(invalid_input(
      key, v, python_repr(v) + " is greater than the maximum of " + std::to_string(max_db_int)));
  *out = static_cast<std::int32_t>(n);
  return std::nullopt;
}

bool valid_flavor_id(const std::string& id) {
  return !id.empty() && id.size() <= 255 && id.front() != ' ' && id.back() != ' '
         && std::all_of(id.begin(), id.end(), [](unsigned char c) {
              return std::isalnum(c) || c == '.' || c == ' ' || c == '_' || c == '-';
            });
}

std::optional<api_response> parse_flavor(const api_request& req, storage::flavor* f) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || !body->contains("flavor"))
    return bad_request("'flavor' is a required property");
  for (auto& [key, value] : body->items())
    if (key != "flavor")
      return bad_request(unexpected_property(key));
  auto& in = (*body)["flavor"];
  if (!in.is_object())
    return bad_request(invalid_input("flavor", in, python_repr(in) + " is not of type 'object'"));
  std::set<std::string> known{"name",  "id",          "ram",
                              "vcpus", "disk",        "OS-FLV-EXT-DATA:ephemeral",
                              "swap",  "rxtx_factor", "os-flavor-access:is_public"};
  if (req.version.at_least(2, 55))
    known.insert("description");
  for (auto& [key, value] : in.items())
    if (!known.count(key))
      return bad_request(invalid_input("flavor", in, unexpected_property(key)));
  for (auto key : {"name", "ram", "vcpus", "disk"})
    if (!in.contains(key))
      return bad_request(
        invalid_input("flavor", in, std::string("'") + key + "' is a required property"));
  if (auto refusal = check_name(in["name"]))
    return refusal;
  f->name = in["name"].get<std::string>();
  if (in.contains("id") && !in["id"].is_null()) {
    auto& id = in["id"];
    if (id.is_number_integer())
      f->id = std::to_string(id.get<long long>());
    else if (id.is_string())
      f->id = id.get<std::string>();
    else
      return bad_request(
        invalid_input("id", id, python_repr(id) + " is not of type 'string', 'number', 'null'"));
    if (!valid_flavor_id(f->id))
      return bad_request(invalid_input(
        "id", id, python_repr(id) + " does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'"));
  }
  if (auto refusal = read_count(in, "ram", 1, &f->memory_mb))
    return refusal;
  if (auto refusal = read_count(in, "vcpus", 1, &f->vcpus))
    return refusal;
  if (auto refusal = read_count(in, "disk", 0, &f->root_gb))
    return refusal;
  if (in.contains("OS-FLV-EXT-DATA:ephemeral"))
    if (auto refusal = read_count(in, "OS-FLV-EXT-DATA:ephemeral", 0, &f->ephemeral_gb))
      return refusal;
  if (in.contains("swap"))
    if (auto refusal = read_count(in, "swap", 0, &f->swap_mb))
      return refusal;
  if (in.contains("rxtx_factor")) {
    auto& r = in["rxtx_factor"];
    if (!r.is_number() || !(r.get<double>() > 0) || !std::isfinite(r.get<double>()))
      return bad_request(
        invalid_input("rxtx_factor", r, python_repr(r) + " is not a positive number"));
    f->rxtx_factor = r.get<double>();
  }
  if (in.contains("os-flavor-access:is_public")) {
    auto& p = in["os-flavor-access:is_public"];
    auto is_public = nova_boolean(p);
    if (!is_public)
      return bad_request(invalid_input("os-flavor-access:is_public", p, not_a_nova_boolean(p)));
    f->is_public = *is_public;
  }
  if (in.contains("description") && !in["description"].is_null()) {
    auto& d = in["description"];
    if (!d.is_string() || utf8_length(d.get<std::string>()) > 65535)
      return bad_request(
        invalid_input("description", d, python_repr(d) + " is not of type 'string', 'null'"));
    f->description = d.get<std::string>();
  }
  return std::nullopt;
}

} // namespace

void add_flavor_manage_routes(router& r, compute::compute_api& compute) {
  r.add("POST", "/v2.1/flavors", access::own("os_compute_api:os-flavor-manage:create"),
        [&](const api_request& req, const params&) {
          storage::flavor f;
          if (auto refusal = parse_flavor(req, &f))
            return *refusal;
          auto created = compute.create_flavor(std::move(f));
          if (!created.ok())
            return fault_response(*created.error);
          return json_response(200, {{"flavor", flavor_detail(created.value, view_of(req))}});
        });
  r.add("DELETE", "/v2.1/flavors/{}", access::own("os_compute_api:os-flavor-manage:delete"),
        [&](const api_request&, const params& p) {
          auto deleted = compute.delete_flavor(p[0]);
          return deleted.ok() ? api_response{202, "", {}} : fault_response(*deleted.error);
        });
  // 2.55: a flavor's description, its one changeable field.
  r.add("PUT", "/v2.1/flavors/{}", access::own("os_compute_api:os-flavor-manage:update"),
        [&](const api_request& req, const params& p) {
          if (!req.version.at_least(2, 55))
            return not_found("The resource could not be found.");
          auto body = parse_body(req.body);
          if (!body)
            return malformed_body();
          if (!body->is_object() || !body->contains("flavor"))
            return bad_request("'flavor' is a required property");
          auto& in = (*body)["flavor"];
          if (!in.is_object())
            return bad_request(
              invalid_input("flavor", in, python_repr(in) + " is not of type 'object'"));
          for (auto& [key, value] : in.items())
            if (key != "description")
              return bad_request(invalid_input("flavor", in, unexpected_property(key)));
          if (!in.contains("description"))
            return bad_request(invalid_input("flavor", in, "'description' is a required property"));
          if (auto bad = check_description(in["description"]))
            return *bad;
          auto f = compute.flavor(p[0]);
          if (!f)
            return not_found(flavor_not_found(p[0]));
          f->description = in["description"].is_null() ? "" : in["description"].get<std::string>();
          auto saved = compute.save_flavor(*f);
          if (!saved.ok())
            return fault_response(*saved.error);
          return json_response(200, {{"flavor", flavor_detail(*f, view_of(req))}});
        });
}

} // namespace nimbus::api
