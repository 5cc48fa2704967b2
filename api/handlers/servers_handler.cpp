// /v2.1/servers: create, list, detail, show, delete.
#include "api/faults.h"
#include "api/formats.h"
#include "api/handlers/handlers.h"
#include "api/handlers/server_fields.h"
#include "api/request_target.h"
#include "api/validation.h"
#include <algorithm>
#include <cctype>
#include <set>

namespace nimbus::api {
namespace {

using nlohmann::json;

// The properties of a server create body, by the microversion that brought
// (or took away) each: Nova's schema refuses any other (additionalProperties).
bool create_property_known(const std::string& key, const microversion& v) {
  static const std::set<std::string> always{"name",
                                            "imageRef",
                                            "flavorRef",
                                            "adminPass",
                                            "metadata",
                                            "networks",
                                            "OS-DCF:diskConfig",
                                            "accessIPv4",
                                            "accessIPv6",
                                            "availability_zone",
                                            "block_device_mapping",
                                            "block_device_mapping_v2",
                                            "config_drive",
                                            "key_name",
                                            "min_count",
                                            "max_count",
                                            "return_reservation_id",
                                            "security_groups",
                                            "user_data",
                                            "instance_disk_type"}; // Nimbus's, at every version
  if (always.count(key))
    return true;
  if (key == "personality")
    return !v.at_least(2, 57);
  if (key == "description")
    return v.at_least(2, 19);
  if (key == "tags")
    return v.at_least(2, 52);
  if (key == "trusted_image_certificates")
    return v.at_least(2, 63);
  if (key == "host" || key == "hypervisor_hostname")
    return v.at_least(2, 74);
  if (key == "hostname")
    return v.at_least(2, 90);
  return false;
}

bool is_base64(const std::string& s) {
  if (s.size() % 4 != 0)
    return false;
  std::size_t pad = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad > 0 || !(std::isalnum(c) || c == '+' || c == '/'))
      return false;
  }
  return pad <= 2;
}

// The networks of a create body: each entry's uuid, port and fixed_ip must
// be well formed (what they name comes with the networks issue).
std::optional<api_response> check_networks(const ordered_json& networks) {
  if (!networks.is_array())
    return std::nullopt; // "auto" / "none"
  for (auto& n : networks) {
    if (!n.is_object())
      return bad_request(invalid_input("networks", n, python_repr(n) + " is not of type 'object'"));
    if (n.contains("uuid")
        && (!n["uuid"].is_string() || !is_uuid_like(n["uuid"].get<std::string>())))
      return bad_request("Bad networks format: network uuid is not in proper format ("
                         + python_str(n["uuid"]) + ")");
    if (n.contains("port") && !n["port"].is_null()
        && (!n["port"].is_string() || !is_uuid_like(n["port"].get<std::string>())))
      return bad_request(
        invalid_input("port", n["port"], python_repr(n["port"]) + " is not a 'uuid'"));
    if (n.contains("fixed_ip")) {
      std::string ignored;
      auto& ip = n["fixed_ip"];
      if (check_access_ip("fixed_ip", ip, false, &ignored)
          && check_access_ip("fixed_ip", ip, true, &ignored))
        return bad_request("Invalid fixed IP address (" + python_str(ip) + ")");
    }
  }
  return std::nullopt;
}

// What a create body may carry besides name, image, flavor and counts:
// addresses, user data, hostname, tags, zone, and what Nimbus refuses.
std::optional<api_response> parse_create_extras(const api_request& req, const ordered_json& s,
                                                compute::create_server_request* out) {
  if (s.contains("accessIPv4"))
    if (auto refusal = check_access_ip("accessIPv4", s["accessIPv4"], false, &out->access_ip_v4))
      return refusal;
  if (s.contains("accessIPv6"))
    if (auto refusal = check_access_ip("accessIPv6", s["accessIPv6"], true, &out->access_ip_v6))
      return refusal;
  if (s.contains("networks"))
    if (auto refusal = check_networks(s["networks"]))
      return refusal;
  if (s.contains("user_data") && !s["user_data"].is_null()) {
    auto& u = s["user_data"];
    if (!u.is_string() || u.get<std::string>().size() > 65535)
      return bad_request(invalid_input("user_data", u,
                                       u.is_string()
                                         ? python_repr(u) + " is too long"
                                         : python_repr(u) + " is not of type 'string'"));
    if (!is_base64(u.get<std::string>()))
      return bad_request("User data needs to be valid base 64.");
    out->user_data = u.get<std::string>();
  }
  if (s.contains("security_groups")) {
    auto& g = s["security_groups"];
    if (!g.is_array())
      return bad_request(
        invalid_input("security_groups", g, python_repr(g) + " is not of type 'array'"));
    for (auto& e : g) {
      if (!e.is_object() || !e.contains("name") || !e["name"].is_string()
          || e["name"].get<std::string>().empty())
        return bad_request(invalid_input(
          "security_groups", g, python_repr(e) + " is not valid under any of the given schemas"));
      out->security_groups.push_back(e["name"].get<std::string>());
    }
  }
  if (s.contains("hostname")) {
    if (auto refusal = check_hostname(s["hostname"], req.version))
      return refusal;
    out->hostname = s["hostname"].get<std::string>();
  }
  if (s.contains("tags")) {
    if (auto refusal = check_tags(s["tags"]))
      return refusal;
    for (auto& t : s["tags"])
      out->tags.push_back(t.get<std::string>());
  }
  if (s.contains("availability_zone") && !s["availability_zone"].is_null()) {
    auto& az = s["availability_zone"];
    if (!az.is_string())
      return bad_request(
        invalid_input("availability_zone", az, python_repr(az) + " is not of type 'string'"));
    // "zone:host[:node]" forces a host (an admin's).
    auto text = az.get<std::string>();
    auto colon = text.find(':');
    auto zone = text.substr(0, colon);
    if (colon != std::string::npos) {
      if (!allowed(req, "os_compute_api:servers:create:forced_host", own_target(req)))
        return forbidden_by_policy("os_compute_api:servers:create:forced_host");
      auto host = text.substr(colon + 1);
      out->force_host = host.substr(0, host.find(':'));
    }
    out->availability_zone = zone.empty() ? "nova" : zone; // the facade knows the zones
  }
  if (s.contains("min_count") && s.contains("max_count")) {
    auto count = [](const ordered_json& c) {
      return c.is_number_integer() ? c.get<long long>() : std::stoll(c.get<std::string>());
    };
    if (count(s["max_count"]) < count(s["min_count"]))
      return bad_request("min_count must be <= max_count");
  }
  if (s.contains("trusted_image_certificates") && !s["trusted_image_certificates"].is_null())
    return bad_request("Image signature certificate validation support is not yet enabled.");
  return std::nullopt;
}

// Checks a create body as Nova's schema does; fills `out` or answers the 400.
std::optional<api_response>
parse_create(const api_request& req, compute::create_server_request* out, bool* reservation_only) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object() || !body->contains("server"))
    return bad_request("'server' is a required property");
  for (auto& [key, value] : body->items()) {
    if (key != "server" && key != "os:scheduler_hints" && key != "OS-SCH-HNT:scheduler_hints")
      return bad_request(unexpected_property(key));
    if (key == "server")
      continue;
    if (!value.is_object())
      return bad_request(
        invalid_input(key, value, python_repr(value) + " is not of type 'object'"));
    for (auto& [hint, hint_value] : value.items()) { // kept as given, shown from 2.100
      out->scheduler_hints[hint] = hint_value.dump();
      if (hint != "same_host" && hint != "different_host")
        continue;
      auto& servers = hint == "same_host" ? out->same_host : out->different_host;
      bool listed = hint_value.is_array();
      for (auto& s : listed ? hint_value : ordered_json::array({hint_value})) {
        if (!s.is_string())
          return bad_request(invalid_input(hint, hint_value,
                                           python_repr(hint_value)
                                             + " is not valid under any of "
                                               "the given schemas"));
        servers.push_back(s.get<std::string>());
      }
    }
  }
  auto& s = (*body)["server"];
  if (!s.is_object())
    return bad_request(invalid_input("server", s, python_repr(s) + " is not of type 'object'"));
  for (auto& [key, value] : s.items())
    if (!create_property_known(key, req.version))
      return bad_request(invalid_input("server", s, unexpected_property(key)));
  if (s.contains("name"))
    if (auto refusal = check_name(s["name"]))
      return refusal;
  if (s.contains("flavorRef")) {
    auto& f = s["flavorRef"];
    if (!f.is_string() && !f.is_number_integer())
      return bad_request(
        invalid_input("flavorRef", f, python_repr(f) + " is not of type 'string', 'integer'"));
    out->flavor_ref = f.is_string() ? f.get<std::string>() : std::to_string(f.get<long long>());
  }
  bool networks_required = req.version.at_least(2, 37);
  if (s.contains("networks")) {
    auto& n = s["networks"];
    bool keyword = n.is_string() && (n == "none" || n == "auto");
    if (!n.is_array() && !(networks_required && keyword)) {
      auto why = networks_required ? python_repr(n) + " is not valid under any of the given schemas"
                                   : python_repr(n) + " is not of type 'array'";
      return bad_request(invalid_input("networks", n, why));
    }
    if (keyword)
      out->networks =
        n == "none" ? network::server_networks::none : network::server_networks::automatic;
    else
      out->networks = network::server_networks::listed;
    if (n.is_array())
      for (auto& e : n)
        if (e.is_object())
          out->requested_networks.push_back(
            {e.contains("uuid") && e["uuid"].is_string() ? e["uuid"].get<std::string>() : "",
             e.contains("port") && e["port"].is_string() ? e["port"].get<std::string>() : "",
             e.contains("fixed_ip") && e["fixed_ip"].is_string() ? e["fixed_ip"].get<std::string>()
                                                                 : ""});
    for (auto& want : out->requested_networks)
      if (want.network_id.empty() && want.port_id.empty())
        return bad_request("Bad network format: missing 'uuid'");
  }
  if (s.contains("metadata")) {
    auto& m = s["metadata"];
    if (auto refusal = check_metadata(m))
      return refusal;
    for (auto& [k, v] : m.items())
      out->metadata[k] = v.get<std::string>();
  }
  for (auto key : {"min_count", "max_count"}) {
    if (!s.contains(key))
      continue;
    auto& c = s[key];
    long long n = 0;
    if (c.is_number_integer())
      n = c.get<long long>();
    else if (c.is_string() && is_digits(c.get<std::string>()))
      n =
        c.get<std::string>().size() > 9 ? 1001 : std::stoll(c.get<std::string>()); // > the maximum
    else
      return bad_request(
        invalid_input(key, c, python_repr(c) + " is not of type 'integer', 'string'"));
    if (n < 1)
      return bad_request(invalid_input(key, c, python_repr(c) + " is less than the minimum of 1"));
    if (n > 1000)
      return bad_request(
        invalid_input(key, c, python_repr(c) + " is greater than the maximum of 1000"));
    out->count = static_cast<std::int32_t>(std::max<long long>(out->count, n));
    if (std::string_view{key} == "min_count")
      out->min_count = static_cast<std::int32_t>(n);
  }
  std::vector<std::string> required{"name", "flavorRef"};
  if (networks_required)
    required.push_back("networks");
  for (auto& key : required)
    if (!s.contains(key))
      return bad_request(invalid_input("server", s, "'" + key + "' is a required property"));
  out->name = s["name"].get<std::string>();
  auto image = s.contains("imageRef") && s["imageRef"].is_string()
                 ? s["imageRef"].get<std::string>()
                 : std::string{};
  // Nova takes the image id from the end of an image link.
  if (auto slash = image.rfind('/'); slash != std::string::npos)
    image = image.substr(slash + 1);
  if (!is_uuid_like(image))
    return bad_request("Invalid imageRef provided.");
  out->image_ref = image;
  if (s.contains("key_name") && s["key_name"].is_string())
    out->key_name = s["key_name"].get<std::string>();
  if (s.contains("description") && s["description"].is_string())
    out->description = s["description"].get<std::string>();
  if (s.contains("adminPass") && s["adminPass"].is_string())
    out->admin_pass = s["adminPass"].get<std::string>();
  if (s.contains("instance_disk_type")) {
    auto& t = s["instance_disk_type"];
    auto tier = t.is_string() ? storage::disk_tier_named(t.get<std::string>()) : std::nullopt;
    if (!tier)
      return bad_request(invalid_input(
        "instance_disk_type", t, python_repr(t) + " is not one of ['hdd', 'ssd', 'pcie_ssd']"));
    out->disk_type = tier;
  }
  *reservation_only =
    s.contains("return_reservation_id") && nova_boolean(s["return_reservation_id"]) == true;
  return parse_create_extras(req, s, out);
}

void create(compute::compute_api& compute, const api_request& req, reply_fn reply) {
  compute::create_server_request create;
  bool reservation_only = false;
  if (auto refusal = parse_create(req, &create, &reservation_only))
    return reply(*refusal);
  compute.create_servers(
    req.ctx, create, [v = view_of(req), reservation_only, reply = std::move(reply)](auto result) {
      if (!result.ok())
        return reply(fault_response(*result.error));
      auto& first = result.value.front();
      if (reservation_only)
        return reply(json_response(202, {{"reservation_id", first.reservation_id}}));
      auto resp = json_response(202, {{"server", server_created(first, v)}});
      resp.headers["location"] = v.base_url + "/v2.1/servers/" + first.uuid;
      reply(std::move(resp));
    });
}

// The query parameters a server list takes (Nova's query schema); from 2.75
// any other is a 400, before it is ignored.
std::optional<api_response> refuse_unknown_parameters(const api_request& req) {
  static const std::set<std::string> known{"user_id",
                                           "project_id",
                                           "tenant_id",
                                           "launch_index",
                                           "image_ref",
                                           "image",
                                           "kernel_id",
                                           "ramdisk_id",
                                           "hostname",
                                           "key_name",
                                           "power_state",
                                           "vm_state",
                                           "task_state",
                                           "host",
                                           "node",
                                           "flavor",
                                           "reservation_id",
                                           "launched_at",
                                           "terminated_at",
                                           "availability_zone",
                                           "name",
                                           "display_name",
                                           "description",
                                           "display_description",
                                           "locked_by",
                                           "uuid",
                                           "root_device_name",
                                           "config_drive",
                                           "access_ip_v4",
                                           "access_ip_v6",
                                           "auto_disk_config",
                                           "progress",
                                           "sort_key",
                                           "sort_dir",
                                           "all_tenants",
                                           "soft_deleted",
                                           "deleted",
                                           "status",
                                           "changes-since",
                                           "ip",
                                           "ip6",
                                           "created_at",
                                           "block_device_mapping",
                                           "services",
                                           "metadata",
                                           "system_metadata",
                                           "info_cache",
                                           "security_groups",
                                           "pci_devices",
                                           "limit",
                                           "marker",
                                           "tags",
                                           "tags-any",
                                           "not-tags",
                                           "not-tags-any",
                                           "changes-before",
                                           "locked"};
  if (!req.version.at_least(2, 75))
    return std::nullopt;
  return refuse_unknown_query(req, known);
}

// Comma-separated tags of a list filter.
std::vector<std::string> split_tags(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    auto comma = text.find(',', at);
    auto tag = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!tag.empty())
      out.push_back(tag);
    if (comma == std::string::npos)
      break;
    at = comma + 1;
  }
  return out;
}

// The list filters past name, status, flavor, image and changes-since:
// changes-before (2.66), tenant and host (admins'), locked (2.73), tags (2.26).
// In Nova's enum of sort keys but not sorted by (SERVER_LIST_IGNORE_SORT_KEY).
const std::set<std::string> ignored_sort_keys{"architecture",
                                              "cell_name",
                                              "cleaned",
                                              "default_ephemeral_device",
                                              "default_swap_device",
                                              "deleted",
                                              "deleted_at",
                                              "disable_terminate",
                                              "ephemeral_gb",
                                              "ephemeral_key_uuid",
                                              "id",
                                              "key_data",
                                              "launched_on",
                                              "memory_mb",
                                              "os_type",
                                              "reservation_id",
                                              "root_gb",
                                              "shutdown_terminate",
                                              "user_data",
                                              "vcpus"};

std::string enum_repr(const std::vector<std::string>& values) {
  std::string out = "[";
  for (auto& v : values)
    out.append(out.size() > 1 ? ", '" : "'").append(v).append("'");
  return out + "]";
}

// jsonschema's refusal of a value outside an enum.
std::string not_one_of(const char* param, const std::string& value,
                       const std::vector<std::string>& values) {
  std::string why = "Invalid input for query parameters ";
  why.append(param).append(". Value: ").append(value).append(". '").append(value);
  why.append("' is not one of ").append(enum_repr(values));
  return why;
}

// ?sort_key= (repeatable) and ?sort_dir= (one per key, default desc).
std::optional<api_response> read_sort(const api_request& req, compute::server_page_request* page) {
  std::vector<std::string> keys, dirs;
  for (auto [it, end] = req.query.equal_range("sort_key"); it != end; ++it)
    keys.push_back(it->second);
  for (auto [it, end] = req.query.equal_range("sort_dir"); it != end; ++it)
    dirs.push_back(it->second);
  if (dirs.size() > keys.size() && !keys.empty())
    return bad_request("Sort direction size exceeds sort key size");
  auto& known = compute::sortable_server_keys();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto& key = keys[i];
    bool sortable = std::find(known.begin(), known.end(), key) != known.end();
    if (!sortable && !ignored_sort_keys.count(key)) {
      auto all = known;
      all.insert(all.end(), ignored_sort_keys.begin(), ignored_sort_keys.end());
      std::sort(all.begin(), all.end());
      return bad_request(not_one_of("sort_key", key, all));
    }
    auto dir = i < dirs.size() ? dirs[i] : std::string("desc");
    if (dir != "asc" && dir != "desc")
      return bad_request(not_one_of("sort_dir", dir, {"asc", "desc"}));
    if ((key == "host" || key == "node") && !req.ctx.is_admin)
      return fault_response(403, "Only administrators can sort servers by " + key);
    if (sortable)
      page->sort.push_back({key, dir == "desc"});
  }
  return std::nullopt;
}

std::optional<api_response> read_more_filters(const api_request& req,
                                              compute::server_page_request* page) {
  if (auto refusal = read_sort(req, page))
    return refusal;
  if (req.version.at_least(2, 66) && req.has_param("changes-before")) {
    auto before = req.param("changes-before");
    auto us = parse_iso_time(before);
    if (!us)
      return bad_request("Invalid input for query parameters changes-before. Value: " + before
                         + ". '" + before + "' is not a 'date-time'");
    if (page->changed_since_us != 0 && *us < page->changed_since_us)
      return bad_request("The value of changes-since must be less than or equal to "
                         "changes-before.");
    page->changed_before_us = *us;
  }
  if (req.ctx.is_admin) { // Nova drops these filters for the others
    // A project filter counts only with all_tenants (Nova's "odd specified
    // behavior", which tempest holds it to).
    if (page->all_tenants)
      page->project =
        req.has_param("project_id") ? req.param("project_id") : req.param("tenant_id");
    page->host = req.param("host");
  }
  if (req.version.at_least(2, 73) && req.has_param("locked")) {
    auto value = nova_boolean(ordered_json(req.param("locked")));
    if (!value)
      return bad_request("Invalid input for query parameters locked. Value: " + req.param("locked")
                         + ". " + not_a_nova_boolean(req.param("locked")));
    page->locked = *value ? 1 : 0;
  }
  if (req.version.at_least(2, 26)) {
    page->tags = split_tags(req.param("tags"));
    page->tags_any = split_tags(req.param("tags-any"));
    page->not_tags = split_tags(req.param("not-tags"));
    page->not_tags_any = split_tags(req.param("not-tags-any"));
  }
  return std::nullopt;
}

// The query string of a list, minus limit and marker (kept in next links).
std::string carried_query(const api_request& req) {
  auto rest = query_string(req.query, {"limit", "marker"});
  return rest.empty() ? rest : "&" + rest;
}

void list(compute::compute_api& compute, const api_request& req, bool detail, reply_fn reply) {
  compute::server_page_request page;
  if (auto refusal = refuse_unknown_parameters(req))
    return reply(*refusal);
  if (auto refusal = read_limit(req, &page.limit))
    return reply(*refusal);
  page.marker = req.param("marker");
  auto all = req.param("all_tenants");
  page.all_tenants = req.has_param("all_tenants") && all != "0" && all != "false" && all != "False";
  auto all_tenants_rule =
    std::string("os_compute_api:servers:") + (detail ? "detail" : "index") + ":get_all_tenants";
  if (page.all_tenants && !allowed(req, all_tenants_rule, own_target(req)))
    return reply(forbidden_by_policy(all_tenants_rule));
  page.name = req.param("name");
  page.ip = req.param("ip");
  if (req.version.at_least(2, 5) || req.ctx.is_admin)
    page.ip6 = req.param("ip6");
  page.status = req.param("status");
  // Nova compares statuses upper-cased (?status=active lists ACTIVE ones).
  std::transform(page.status.begin(), page.status.end(), page.status.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  page.flavor = req.param("flavor");
  page.image = req.param("image");
  page.reservation_id = req.param("reservation_id");
  if (req.has_param("changes-since")) {
    auto since = req.param("changes-since");
    auto us = parse_iso_time(since);
    if (!us)
      return reply(bad_request("Invalid input for query parameters changes-since. Value: " + since
                               + ". '" + since + "' is not a 'date-time'"));
    page.changed_since_us = *us;
  }
  if (auto refusal = read_more_filters(req, &page))
    return reply(*refusal);
  compute.list_servers(
    req.ctx, page, [&req, &compute, detail, page, reply = std::move(reply)](auto result) {
      if (!result.ok())
        return reply(fault_response(*result.error));
      auto v = view_of(req);
      v.security_groups = security_group_names(compute);
      json_writer w(result.value.size() * (detail ? 1400 : 250) + 256);
      w.begin_object().key("servers").begin_array();
      for (auto& r : result.value) {
        if (detail)
          write_server_listed(w, r, v);
        else
          write_server_brief(w, r, v);
      }
      w.end_array();
      if (!result.value.empty() && result.value.size() == static_cast<std::size_t>(page.limit)) {
        auto href = v.base_url + "/v2.1/servers" + (detail ? "/detail" : "")
                    + "?limit=" + std::to_string(page.limit) + carried_query(req)
                    + "&marker=" + result.value.back().uuid;
        w.key("servers_links")
          .begin_array()
          .begin_object()
          .key("rel")
          .value("next")
          .key("href")
          .value(href)
          .end_object()
          .end_array();
      }
      w.end_object();
      reply(api_response{200, w.take(), {}});
    });
}

} // namespace

void add_server_routes(router& r, compute::compute_api& compute) {
  r.add_async("POST", "/v2.1/servers", access::own("os_compute_api:servers:create"),
              [&](const api_request& req, const params&, reply_fn reply) {
                create(compute, req, std::move(reply));
              });
  r.add_async("GET", "/v2.1/servers", access::own("os_compute_api:servers:index"),
              [&](const api_request& req, const params&, reply_fn reply) {
                list(compute, req, false, std::move(reply));
              });
  r.add_async("GET", "/v2.1/servers/detail", access::own("os_compute_api:servers:detail"),
              [&](const api_request& req, const params&, reply_fn reply) {
                list(compute, req, true, std::move(reply));
              });
  r.add_async("GET", "/v2.1/servers/{}", access::owner({"os_compute_api:servers:show"}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal =
                      refused_on_server(compute, req, p[0], "os_compute_api:servers:show"))
                  return reply(*refusal);
                auto v = view_of(req, compute, p[0]);
                compute.get_server(req.ctx, p[0], [v, reply = std::move(reply)](auto result) {
                  if (!result.ok())
                    return reply(fault_response(*result.error));
                  json_writer w(2048);
                  w.begin_object().key("server");
                  write_server_detail(w, result.value, v);
                  w.end_object();
                  reply(api_response{200, w.take(), {}});
                });
              });
  r.add_async("DELETE", "/v2.1/servers/{}", access::owner({"os_compute_api:servers:delete"}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (auto refusal =
                      refused_on_server(compute, req, p[0], "os_compute_api:servers:delete"))
                  return reply(*refusal);
                compute.delete_server(req.ctx, p[0], [reply = std::move(reply)](auto result) {
                  reply(result.ok() ? api_response{204, "", {}} : fault_response(*result.error));
                });
              });
}

} // namespace nimbus::api
