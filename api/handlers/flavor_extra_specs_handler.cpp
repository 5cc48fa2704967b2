// /v2.1/flavors/{id}/os-extra_specs (Nova's flavors_extraspecs): readers of
// any project list and show, admins set, update and unset. Keys of
// [a-zA-Z0-9-_:. ], values strings (or numbers, kept as their text) of at
// most 255 characters; from 2.86 Nova's validators (api/extra_spec_rules.h)
// check each key and value of a known namespace, in the body's order.
#include "api/extra_spec_rules.h"
#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::string index_rule = "os_compute_api:os-flavor-extra-specs:index";
const std::string show_rule = "os_compute_api:os-flavor-extra-specs:show";
const std::string create_rule = "os_compute_api:os-flavor-extra-specs:create";
const std::string update_rule = "os_compute_api:os-flavor-extra-specs:update";
const std::string delete_rule = "os_compute_api:os-flavor-extra-specs:delete";

std::string not_found_key(const std::string& flavor, const std::string& key) {
  return "Flavor " + flavor + " has no extra specs with key " + key + ".";
}

// The specs of a body ({key: value} each), checked as Nova's schema and,
// with `validate` (2.86), by its validators; into *out.
std::optional<api_response> read_specs(const ordered_json& specs,
                                       std::map<std::string, std::string>* out, bool validate) {
  if (!specs.is_object())
    return bad_request(
      invalid_input("extra_specs", specs, python_repr(specs) + " is not of type 'object'"));
  for (auto& [key, value] : specs.items()) {
    if (key.size() > 255 || !letters_digits_and(key, "-_:. "))
      return bad_request(invalid_input("extra_specs", specs, unexpected_property(key)));
    std::string text;
    if (value.is_string())
      text = value.get<std::string>();
    else if (value.is_number()) // kept as Python's str() of it, as Nova does
      text = python_str(value);
    else
      return bad_request(
        invalid_input(key, value, python_repr(value) + " is not of type 'string', 'number'"));
    if (utf8_length(text) > 255)
      return bad_request(invalid_input(key, value, python_repr(value) + " is too long"));
    (*out)[key] = text;
  }
  if (validate) // after the schema, as Nova: the first refused spec answers
    for (auto& [key, value] : specs.items())
      if (auto refusal = extra_spec_refusal(key, out->at(key)))
        return bad_request(*refusal);
  return std::nullopt;
}

json specs_json(const std::map<std::string, std::string>& specs) {
  json out = json::object();
  for (auto& [k, v] : specs)
    out[k] = v;
  return out;
}

// Merges `specs` into the flavor; answers 200 with the body as sent.
api_response merge(compute::compute_api& compute, const std::string& id,
                   const std::map<std::string, std::string>& specs, const ordered_json& echo) {
  auto f = compute.flavor(id);
  if (!f)
    return not_found(flavor_not_found(id));
  for (auto& [k, v] : specs)
    f->extra_specs[k] = v;
  auto saved = compute.save_flavor(*f);
  if (!saved.ok())
    return fault_response(*saved.error);
  return {200, echo.dump(), {}};
}

} // namespace

void add_flavor_extra_spec_routes(router& r, compute::compute_api& compute) {
  r.add("GET", "/v2.1/flavors/{}/os-extra_specs", access::own(index_rule),
        [&](const api_request& req, const params& p) {
          auto f = visible_flavor(compute, req, p[0]);
          if (!f)
            return not_found(flavor_not_found(p[0]));
          return json_response(200, {{"extra_specs", specs_json(f->extra_specs)}});
        });
  r.add("POST", "/v2.1/flavors/{}/os-extra_specs", access::own(create_rule),
        [&](const api_request& req, const params& p) {
          auto body = parse_body(req.body);
          if (!body)
            return malformed_body();
          if (!body->is_object() || !body->contains("extra_specs"))
            return bad_request("'extra_specs' is a required property");
          for (auto& [key, value] : body->items())
            if (key != "extra_specs")
              return bad_request(unexpected_property(key));
          std::map<std::string, std::string> specs;
          if (auto bad = read_specs((*body)["extra_specs"], &specs, req.version.at_least(2, 86)))
            return *bad;
          return merge(compute, p[0], specs, *body);
        });
  r.add("GET", "/v2.1/flavors/{}/os-extra_specs/{}", access::own(show_rule),
        [&](const api_request& req, const params& p) {
          auto f = visible_flavor(compute, req, p[0]);
          if (!f)
            return not_found(flavor_not_found(p[0]));
          auto it = f->extra_specs.find(p[1]);
          if (it == f->extra_specs.end())
            return not_found(not_found_key(p[0], p[1]));
          return json_response(200, {{it->first, it->second}});
        });
  r.add("PUT", "/v2.1/flavors/{}/os-extra_specs/{}", access::own(update_rule),
        [&](const api_request& req, const params& p) {
          auto body = parse_body(req.body);
          if (!body)
            return malformed_body();
          if (body->is_object() && body->size() != 1)
            return bad_request(
              python_repr(*body)
              + (body->empty() ? " does not have enough properties" : " has too many properties"));
          std::map<std::string, std::string> specs;
          if (auto bad = read_specs(*body, &specs, req.version.at_least(2, 86)))
            return *bad;
          if (!specs.count(p[1]))
            return bad_request("Request body and URI mismatch");
          return merge(compute, p[0], specs, *body);
        });
  r.add("DELETE", "/v2.1/flavors/{}/os-extra_specs/{}", access::own(delete_rule),
        [&](const api_request&, const params& p) {
          auto f = compute.flavor(p[0]);
          if (!f)
            return not_found(flavor_not_found(p[0]));
          if (!f->extra_specs.erase(p[1]))
            return not_found(not_found_key(p[0], p[1]));
          auto saved = compute.save_flavor(*f);
          if (!saved.ok())
            return fault_response(*saved.error);
          return api_response{200, "", {}};
        });
}

} // namespace nimbus::api
