// /v2.1/os-aggregates (Nova's aggregates controller): CRUD, add_host,
// remove_host, set_metadata and the 2.81 image cache request, for admins,
// over compute::aggregate_book. Create and delete answer 200 as Nova does;
// a create's body has no hosts and no metadata.
#include <set>

#include "api/formats.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "compute/aggregate_book.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::string rule_prefix = "os_compute_api:os-aggregates:";

json aggregate_body(const storage::aggregate& a, const microversion& v, bool brief) {
  auto zone = a.metadata.find("availability_zone");
  json out = {{"availability_zone", zone == a.metadata.end() ? json(nullptr) : json(zone->second)},
              {"created_at", iso_micros(a.created_us)},
              {"deleted", false},
              {"deleted_at", nullptr},
              {"id", a.id},
              {"name", a.name},
              {"updated_at", iso_micros_or_null(a.updated_us)}};
  if (!brief) {
    out["hosts"] = a.hosts;
    out["metadata"] = a.metadata;
  }
  if (v.at_least(2, 41))
    out["uuid"] = a.uuid;
  return out;
}

api_response answer(const compute::outcome<storage::aggregate>& r, const microversion& v) {
  if (!r.ok())
    return fault_response(*r.error);
  return json_response(200, {{"aggregate", aggregate_body(r.value, v, false)}});
}

// The id of the URI: an integer (Nova's validate_integer), else 400.
std::optional<std::int32_t> aggregate_id(const std::string& text) {
  auto digits = !text.empty() && text[0] == '-' ? text.substr(1) : text;
  if (!is_digits(digits) || digits.size() > 9)
    return std::nullopt;
  return std::stoi(text);
}

api_response bad_id() { return bad_request("Invalid input received: id must be an integer"); }

// A name (create: Nova's name format; update: spaces around allowed, then
// stripped) or a zone (no ':'); the 400, or nullopt with *out set.
std::optional<api_response> read_text(const ordered_json& v, const std::string& field, bool zone,
                                      bool padded, std::string* out) {
  if (!v.is_string())
    return bad_request(invalid_input(field, v, python_repr(v) + " is not of type 'string'"));
  auto text = v.get<std::string>();
  auto length = utf8_length(text);
  if (length < 1)
    return bad_request(invalid_input(field, v, python_repr(v) + " is too short"));
  if (length > 255)
    return bad_request(invalid_input(field, v, python_repr(v) + " is too long"));
  auto first = text.find_first_not_of(" \t\r\n");
  auto last = text.find_last_not_of(" \t\r\n");
  auto trimmed = first == std::string::npos ? std::string{} : text.substr(first, last - first + 1);
  bool bad = zone ? text.find(':') != std::string::npos || !valid_name(text)
                  : (padded ? trimmed.empty() || !valid_name(trimmed) : !valid_name(text));
  if (bad)
    return bad_request(invalid_input(
      field, v,
      zone ? "An invalid 'availability_zone' value was provided. The availability_zone must be: "
             "printable characters except :.Can not start or end with whitespace."
           : invalid_name_reason));
  *out = trimmed;
  return std::nullopt;
}

// {"aggregate": {...}} of create and update: the 400, or nullopt.
std::optional<api_response> read_aggregate(const api_request& req, bool update,
                                           std::optional<std::string>* name,
                                           std::optional<std::string>* zone, bool* zone_null) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || !body->contains("aggregate"))
    return bad_request("'aggregate' is a required property");
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != "aggregate")
      return bad_request(unexpected_property(it.key()));
  auto& a = (*body)["aggregate"];
  if (!a.is_object())
    return bad_request(invalid_input("aggregate", a, python_repr(a) + " is not of type 'object'"));
  for (auto it = a.begin(); it != a.end(); ++it)
    if (it.key() != "name" && it.key() != "availability_zone")
      return bad_request(invalid_input("aggregate", a, unexpected_property(it.key())));
  if (!update && !a.contains("name"))
    return bad_request(invalid_input("aggregate", a, "'name' is a required property"));
  if (update && a.empty())
    return bad_request(
      invalid_input("aggregate", a, "{} is not valid under any of the given schemas"));
  if (a.contains("name")) {
    std::string text;
    if (auto bad = read_text(a["name"], "name", false, update, &text))
      return bad;
    *name = text;
  }
  if (a.contains("availability_zone")) {
    auto& z = a["availability_zone"];
    if (z.is_null()) {
      *zone_null = true;
    } else {
      std::string text;
      if (auto bad = read_text(z, "availability_zone", true, false, &text))
        return bad;
      *zone = text;
    }
  }
  return std::nullopt;
}

api_response create(compute::compute_api& compute, const api_request& req) {
  std::optional<std::string> name, zone;
  bool zone_null = false;
  if (auto bad = read_aggregate(req, false, &name, &zone, &zone_null))
    return *bad;
  auto made = compute.aggregates().create(*name, zone.value_or(""));
  if (!made.ok())
    return fault_response(*made.error);
  return json_response(200, {{"aggregate", aggregate_body(made.value, req.version, true)}});
}

// Runs `apply` if aggregate `id` may take `zone`: Nova moves no host that
// holds servers to another zone (its check_no_instances_in_az). Nothing to
// check without a new zone, hosts or a change; else the hosts' instance
// counts come from their cells. `apply` may use the request: it runs while
// `reply` (which owns it) is held.
// `refused` is Nova's opening of the 400 ("Cannot update aggregate N").
void when_zone_free(compute::compute_api& compute, std::int32_t id,
                    const std::optional<std::string>& zone, std::string refused,
                    std::function<api_response()> apply, reply_fn reply) {
  auto a = compute.aggregates().find(id);
  if (!zone || !a || a->hosts.empty()) // other faults are the book's to answer
    return reply(apply());
  auto current = a->metadata.find("availability_zone");
  if (current != a->metadata.end() && current->second == *zone)
    return reply(apply());
  std::set<std::string> hosts(a->hosts.begin(), a->hosts.end());
  compute.hypervisors([hosts, refused = std::move(refused), apply = std::move(apply),
                       reply = std::move(reply)](const auto& views) {
    if (!views.ok())
      return reply(fault_response(*views.error));
    for (auto& v : views.value)
      if (hosts.count(v.service.host) != 0 && v.usage.instances > 0)
        return reply(
          bad_request(refused + ". Reason: One or more hosts contain instances in this zone."));
    reply(apply());
  });
}

void update(compute::compute_api& compute, const api_request& req, std::int32_t id,
            reply_fn reply) {
  std::optional<std::string> name, zone;
  bool zone_null = false;
  if (auto bad = read_aggregate(req, true, &name, &zone, &zone_null))
    return reply(*bad);
  auto& book = compute.aggregates();
  if (zone_null) { // a zone cannot be taken away (Nova: an empty zone is refused)
    auto a = book.find(id);
    if (!a)
      return reply(not_found(compute::aggregate_not_found(std::to_string(id))));
    return reply(bad_request("Cannot update aggregate " + std::to_string(id)
                             + ". Reason: Aggregate " + a->name
                             + " does not support empty named availability zone."));
  }
  when_zone_free(
    compute, id, zone, "Cannot update aggregate " + std::to_string(id),
    [&book, &req, id, name, zone] { return answer(book.update(id, name, zone), req.version); },
    std::move(reply));
}

// {"<action>": {"host": "..."}}: the host, or the 400.
std::optional<api_response> read_host(const std::string& action, const ordered_json& arg,
                                      std::string* host) {
  if (!arg.is_object())
    return bad_request(invalid_input(action, arg, python_repr(arg) + " is not of type 'object'"));
  for (auto it = arg.begin(); it != arg.end(); ++it)
    if (it.key() != "host")
      return bad_request(invalid_input(action, arg, unexpected_property(it.key())));
  if (!arg.contains("host"))
    return bad_request(invalid_input(action, arg, "'host' is a required property"));
  auto& h = arg["host"];
  if (!h.is_string())
    return bad_request(invalid_input("host", h, python_repr(h) + " is not of type 'string'"));
  auto text = h.get<std::string>();
  if (text.empty() || text.size() > 255 || !letters_digits_and(text, "-._"))
    return bad_request(
      invalid_input("host", h, python_repr(h) + " does not match '^[a-zA-Z0-9-._]*$'"));
  *host = text;
  return std::nullopt;
}

std::optional<api_response> read_metadata(const ordered_json& arg, compute::metadata_change* out) {
  if (!arg.is_object() || !arg.contains("metadata"))
    return bad_request(invalid_input("set_metadata", arg, "'metadata' is a required property"));
  for (auto it = arg.begin(); it != arg.end(); ++it)
    if (it.key() != "metadata")
      return bad_request(invalid_input("set_metadata", arg, unexpected_property(it.key())));
  auto& m = arg["metadata"];
  if (!m.is_object())
    return bad_request(invalid_input("metadata", m, python_repr(m) + " is not of type 'object'"));
  for (auto it = m.begin(); it != m.end(); ++it) {
    auto& key = it.key();
    auto& value = it.value();
    if (key.size() > 255 || !letters_digits_and(key, "-_:. "))
      return bad_request(invalid_input("metadata", m, unexpected_property(key)));
    if (value.is_null()) {
      (*out)[key] = std::nullopt;
      continue;
    }
    if (!value.is_string())
      return bad_request(
        invalid_input(key, value, python_repr(value) + " is not of type 'string', 'null'"));
    if (utf8_length(value.get<std::string>()) > 255)
      return bad_request(invalid_input(key, value, python_repr(value) + " is too long"));
    (*out)[key] = value.get<std::string>();
  }
  return std::nullopt;
}

// add_host and remove_host; the 400 of an unknown action.
api_response host_action(compute::compute_api& compute, const api_request& req, std::int32_t id,
                         const std::string& name, const ordered_json& arg) {
  auto& book = compute.aggregates();
  if (name != "add_host" && name != "remove_host")
    return bad_request("There is no such action: " + name);
  if (!allowed(req, rule_prefix + name, own_target(req)))
    return forbidden_by_policy(rule_prefix + name);
  std::string host;
  if (auto bad = read_host(name, arg, &host))
    return *bad;
  if (name == "remove_host")
    return answer(book.remove_host(id, host), req.version);
  if (!compute.compute_host_known(host))
    return not_found("Compute host " + host + " could not be found.");
  return answer(book.add_host(id, host), req.version);
}

void action(compute::compute_api& compute, const api_request& req, std::int32_t id,
            reply_fn reply) {
  auto body = parse_body(req.body);
  if (!body)
    return reply(malformed_body());
  if (!body->is_object() || body->size() != 1)
    return reply(bad_request("Malformed request body"));
  auto name = body->begin().key();
  auto& arg = body->begin().value();
  if (name != "set_metadata")
    return reply(host_action(compute, req, id, name, arg));
  if (!allowed(req, rule_prefix + name, own_target(req)))
    return reply(forbidden_by_policy(rule_prefix + name));
  compute::metadata_change change;
  if (auto bad = read_metadata(arg, &change))
    return reply(*bad);
  std::optional<std::string> zone;
  if (auto z = change.find("availability_zone"); z != change.end())
    zone = z->second;
  auto& book = compute.aggregates();
  when_zone_free(
    compute, id, zone, "Cannot update metadata of aggregate " + std::to_string(id),
    [&book, &req, id, change] { return answer(book.set_metadata(id, change), req.version); },
    std::move(reply));
}

// 2.81: the hosts should cache these images. Nimbus's hosts keep no image
// cache yet (the hypervisor issue): the request is checked and accepted.
api_response cache_images(compute::compute_api& compute, const api_request& req, std::int32_t id) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || !body->contains("cache") || !(*body)["cache"].is_array()
      || (*body)["cache"].empty())
    return bad_request("'cache' is a required property");
  std::set<std::string> ids;
  for (auto& item : (*body)["cache"]) {
    if (!item.is_object() || !item.contains("id") || !item["id"].is_string() || item.size() != 1)
      return bad_request(invalid_input("cache", (*body)["cache"], "'id' is a required property"));
    if (!ids.insert(item["id"].get<std::string>()).second)
      return bad_request("Duplicate images in request");
  }
  if (!compute.aggregates().find(id))
    return not_found(compute::aggregate_not_found(std::to_string(id)));
  for (auto& image : ids)
    if (!compute.image(req.ctx, image))
      return bad_request("Image " + image + " could not be found.");
  return {202, "", {}};
}

// Routes taking an id: the policy, then the id.
template <class Fn>
handler_fn on_id(const std::string& rule, Fn fn) {
  return [rule, fn](const api_request& req, const params& p) {
    if (!rule.empty() && !allowed(req, rule, own_target(req)))
      return forbidden_by_policy(rule);
    auto id = aggregate_id(p[0]);
    if (!id)
      return bad_id();
    return fn(req, *id);
  };
}

// on_id for the routes that answer later.
template <class Fn>
async_handler_fn on_id_async(Fn fn) {
  return [fn](const api_request& req, const params& p, reply_fn reply) {
    auto id = aggregate_id(p[0]);
    if (!id)
      return reply(bad_id());
    fn(req, *id, std::move(reply));
  };
}

} // namespace

void add_aggregate_routes(router& r, compute::compute_api& compute) {
  auto& c = compute;
  r.add("GET", "/v2.1/os-aggregates", access::own(rule_prefix + "index"),
        [&c](const api_request& req, const params&) {
          json items = json::array();
          for (auto& a : c.aggregates().all())
            items.push_back(aggregate_body(a, req.version, false));
          return json_response(200, {{"aggregates", items}});
        });
  r.add("POST", "/v2.1/os-aggregates", access::own(rule_prefix + "create"),
        [&c](const api_request& req, const params&) { return create(c, req); });
  r.add("GET", "/v2.1/os-aggregates/{}", access::own(rule_prefix + "show"),
        on_id("", [&c](const api_request& req, std::int32_t id) {
          auto a = c.aggregates().find(id);
          if (!a)
            return not_found(compute::aggregate_not_found(std::to_string(id)));
          return json_response(200, {{"aggregate", aggregate_body(*a, req.version, false)}});
        }));
  r.add_async("PUT", "/v2.1/os-aggregates/{}", access::own(rule_prefix + "update"),
              on_id_async([&c](const api_request& req, std::int32_t id, reply_fn reply) {
                update(c, req, id, std::move(reply));
              }));
  r.add("DELETE", "/v2.1/os-aggregates/{}", access::own(rule_prefix + "delete"),
        on_id("", [&c](const api_request&, std::int32_t id) {
          auto gone = c.aggregates().erase(id);
          if (!gone.ok())
            return fault_response(*gone.error);
          return api_response{200, "", {}};
        }));
  r.add_async("POST", "/v2.1/os-aggregates/{}/action",
              access::owner({rule_prefix + "add_host", rule_prefix + "remove_host",
                             rule_prefix + "set_metadata"}),
              on_id_async([&c](const api_request& req, std::int32_t id, reply_fn reply) {
                action(c, req, id, std::move(reply));
              }));
  r.add("POST", "/v2.1/os-aggregates/{}/images", access::own("compute:aggregates:images"),
        on_id("", [&c](const api_request& req, std::int32_t id) {
          if (!req.version.at_least(2, 81))
            return not_found("The resource could not be found.");
          return cache_images(c, req, id);
        }));
}

} // namespace nimbus::api
