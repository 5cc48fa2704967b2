// Nova's security group proxies (os-security-groups, os-security-group-rules
// to 2.35, and /servers/{id}/os-security-groups): the network service's
// groups in Nova's shape, read and changed through the network book as
// Nova reads and changes them through Neutron, with Nova's checks and words.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <tuple>

#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/handlers/nova_network_proxies.h"
#include "api/validation.h"
#include "network/address.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::string rule_prefix = "os_compute_api:os-security-groups:";

// A rule as Nova shows it. `remote`: the group a group rule lets in (its
// name and project), when known.
json rule_view(const storage::security_group_rule& r, const storage::security_group* remote) {
  json out = {{"id", r.id}, {"parent_group_id", r.security_group_id}};
  out["ip_protocol"] = r.protocol.empty() ? json(nullptr) : json(r.protocol);
  auto port = [](std::int32_t p) { return p < 0 ? json(nullptr) : json(p); };
  bool no_range = r.port_range_min < 0 && r.port_range_max < 0;
  if (!r.protocol.empty() && no_range) {
    bool ranged = r.protocol == "tcp" || r.protocol == "udp";
    out["from_port"] = ranged ? 1 : -1;
    out["to_port"] = ranged ? 65535 : -1;
  } else {
    out["from_port"] = port(r.port_range_min);
    out["to_port"] = port(r.port_range_max);
  }
  out["group"] = json::object();
  out["ip_range"] = json::object();
  if (!r.remote_group_id.empty()) {
    if (remote)
      out["group"] = {{"name", remote->name}, {"tenant_id", remote->project_id}};
  } else {
    out["ip_range"] = {{"cidr", r.remote_ip_prefix.empty() ? "0.0.0.0/0" : r.remote_ip_prefix}};
  }
  return out;
}

// A group as Nova shows it: its ingress rules only; a rule whose remote
// group the caller cannot see is left out, as Nova leaves it.
json group_view(network::network_book& book, const network::caller& who,
                const storage::security_group& g) {
  json rules = json::array();
  for (auto& r : g.rules) {
    if (r.direction != "ingress")
      continue;
    if (r.remote_group_id.empty()) {
      rules.push_back(rule_view(r, nullptr));
      continue;
    }
    auto remote = r.remote_group_id == g.id ? network::result<storage::security_group>::of(g)
                                            : book.security_group(who, r.remote_group_id);
    if (remote.ok())
      rules.push_back(rule_view(r, &*remote.value));
  }
  return {{"id", g.id},
          {"description", g.description},
          {"name", g.name},
          {"tenant_id", g.project_id},
          {"rules", rules}};
}

// Nova sorts its group lists by project, then name.
json sorted_groups(std::vector<json> groups) {
  std::stable_sort(groups.begin(), groups.end(), [](const json& a, const json& b) {
    return std::tie(a["tenant_id"].get_ref<const std::string&>(),
                    a["name"].get_ref<const std::string&>())
           < std::tie(b["tenant_id"].get_ref<const std::string&>(),
                      b["name"].get_ref<const std::string&>());
  });
  return {{"security_groups", groups}};
}

std::optional<api_response> check_group_id(const std::string& id) {
  if (!is_uuid_like(id))
    return bad_request("Security group id should be uuid");
  return std::nullopt;
}

// A body of one object under `key` ({"security_group": {...}}): *body is
// the parsed body, or the 400 of Nova's schema (other keys are let
// through, as its schemas let them).
std::optional<api_response> read_wrapped(const api_request& req, const std::string& key,
                                         std::optional<ordered_json>* body) {
  *body = parse_body(req.body);
  if (!*body)
    return malformed_body();
  if (!(*body)->is_object())
    return bad_request(python_repr(**body) + " is not of type 'object'");
  if (!(*body)->contains(key))
    return bad_request("'" + key + "' is a required property");
  auto& inner = (**body)[key];
  if (!inner.is_object())
    return bad_request(invalid_input(key, inner, python_repr(inner) + " is not of type 'object'"));
  return std::nullopt;
}

// {"security_group": {"name": ..., "description": ...}}: both strings of at
// most 255 characters (other keys are let through, as Nova's schema does).
std::optional<api_response> read_group_body(const api_request& req, std::string* name,
                                            std::string* description) {
  std::optional<ordered_json> body;
  if (auto bad = read_wrapped(req, "security_group", &body))
    return bad;
  auto& g = (*body)["security_group"];
  for (auto key : {"name", "description"})
    if (!g.contains(key))
      return bad_request(invalid_input("security_group", g,
                                       python_repr(ordered_json(key)) + " is a required property"));
  for (auto key : {"name", "description"}) {
    auto& v = g[key];
    auto field = std::string("security_group/") + key;
    if (!v.is_string())
      return bad_request(invalid_input(field, v, python_repr(v) + " is not of type 'string'"));
    if (utf8_length(v.get<std::string>()) > 255)
      return bad_request(invalid_input(field, v, python_repr(v) + " is too long"));
  }
  *name = g["name"].get<std::string>();
  *description = g["description"].get<std::string>();
  return std::nullopt;
}

api_response list_groups(network::network_book& book, const api_request& req) {
  std::size_t offset = 0;
  std::size_t limit = 1000;
  if (auto bad = read_offset_limit(req, &offset, &limit))
    return *bad;
  auto who = caller_of(req);
  bool everyone = req.ctx.is_admin && req.has_param("all_tenants");
  auto all = book.security_groups(who);
  std::vector<storage::security_group> mine;
  for (auto& g : all)
    if (everyone || g.project_id == req.ctx.project_id)
      mine.push_back(g);
  std::vector<json> shown;
  for (std::size_t i = offset; i < mine.size() && shown.size() < limit; ++i)
    shown.push_back(group_view(book, who, mine[i]));
  return json_response(200, sorted_groups(std::move(shown)));
}

api_response create_group(network::network_book& book, const api_request& req) {
  std::string name;
  std::string description;
  if (auto bad = read_group_body(req, &name, &description))
    return *bad;
  storage::security_group g;
  g.name = name;
  g.description = description;
  auto made = book.create_security_group(caller_of(req), std::move(g));
  if (!made.ok()) // Neutron's 409 is the project's quota
    return nova_fault_of(made.error, {{409, 403}});
  return json_response(200, {{"security_group", group_view(book, caller_of(req), *made.value)}});
}

api_response show_group(network::network_book& book, const api_request& req,
                        const std::string& id) {
  if (auto bad = check_group_id(id))
    return *bad;
  auto who = caller_of(req);
  auto g = book.security_group(who, id);
  if (!g.ok())
    return nova_fault_of(g.error);
  return json_response(200, {{"security_group", group_view(book, who, *g.value)}});
}

api_response update_group(network::network_book& book, const api_request& req,
                          const std::string& id) {
  if (auto bad = check_group_id(id))
    return *bad;
  auto who = caller_of(req);
  if (auto g = book.security_group(who, id); !g.ok())
    return nova_fault_of(g.error);
  std::string name;
  std::string description;
  if (auto bad = read_group_body(req, &name, &description))
    return *bad;
  auto changed = book.update_security_group(who, id, name, description);
  if (!changed.ok())
    return nova_fault_of(changed.error, {{409, 400}});
  return json_response(200, {{"security_group", group_view(book, who, *changed.value)}});
}

api_response delete_group(network::network_book& book, const api_request& req,
                          const std::string& id) {
  if (auto bad = check_group_id(id))
    return *bad;
  auto who = caller_of(req);
  if (auto g = book.security_group(who, id); !g.ok())
    return nova_fault_of(g.error);
  // Neutron's 409 (the default group, a group in use) is Nova's 400.
  if (auto failed = book.delete_security_group(who, id))
    return nova_fault_of(*failed, {{409, 400}});
  return {202, "", {}};
}

// The ports' value of a Nova rule field (to_port, from_port): Python's
// int() of it, or nullopt and *bad set to false when int() would refuse it;
// *absent when it is missing or null.
std::optional<std::int64_t> port_number(const ordered_json& rule, const char* key, bool* absent,
                                        bool* bad) {
  *absent = !rule.contains(key) || rule[key].is_null();
  if (*absent)
    return std::nullopt;
  auto& v = rule[key];
  if (v.is_boolean())
    return v.get<bool>() ? 1 : 0;
  // Python's int() has no bound: a number past int64 is out of every range.
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(INT64_MAX))
    return INT64_MAX;
  if (v.is_number_integer())
    return v.get<std::int64_t>();
  if (v.is_number_float() && std::abs(v.get<double>()) < 1e12)
    return static_cast<std::int64_t>(v.get<double>());
  if (v.is_string()) {
    auto text = v.get<std::string>();
    auto begin = text.find_first_not_of(" \t");
    auto end = text.find_last_not_of(" \t");
    if (begin != std::string::npos) {
      auto digits = text.substr(begin, end - begin + 1);
      bool negative = digits[0] == '-';
      if (negative || digits[0] == '+')
        digits.erase(0, 1);
      if (is_digits(digits) && digits.size() <= 9)
        return negative ? -std::stoll(digits) : std::stoll(digits);
    }
  }
  *bad = true;
  return std::nullopt;
}

// The Neutron rule a Nova rule body asks for (Nova's _new_ingress_rule), or
// Nova's 400. `group_id`: the remote group, empty for a CIDR rule.
std::optional<api_response> ingress_rule(const ordered_json& body, const std::string& group_id,
                                         storage::security_group_rule* r) {
  std::string protocol;
  if (body.contains("ip_protocol") && !body["ip_protocol"].is_null()) {
    auto& p = body["ip_protocol"];
    protocol = p.is_string() ? p.get<std::string>() : python_str(p);
  }
  std::string upper = protocol;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  bool from_absent = true;
  bool to_absent = true;
  bool bad_number = false;
  auto from = port_number(body, "from_port", &from_absent, &bad_number);
  auto to = port_number(body, "to_port", &to_absent, &bad_number);
  if (!group_id.empty() && from_absent && to_absent) {
    if (upper == "ICMP")
      from = to = -1;
    else if (upper == "TCP" || upper == "UDP")
      from = 1, to = 65535;
    from_absent = to_absent = !from;
  }
  if (protocol.empty() || from_absent || to_absent) {
    if (group_id.empty())
      return bad_request("Not enough parameters to build a valid rule.");
    r->remote_group_id = group_id;
    return std::nullopt;
  }
  if (bad_number)
    return bad_request(upper == "ICMP"
                         ? "Invalid input received: Type and Code must be integers for ICMP "
                           "protocol type"
                         : "Invalid input received: To and From ports must be integers");
  if (upper != "TCP" && upper != "UDP" && upper != "ICMP")
    return bad_request("Invalid IP protocol " + protocol + ".");
  auto range = [&](const std::string& why) {
    return bad_request("Invalid port range " + std::to_string(*from) + ":" + std::to_string(*to)
                       + ". " + why);
  };
  if (upper != "ICMP" && *from > *to)
    return range("Former value cannot be greater than the later");
  if (upper != "ICMP" && (*from < 1 || *to > 65535))
    return range("Valid " + upper + " ports should be between 1-65535");
  if (upper == "ICMP" && (*from < -1 || *from > 255 || *to < -1 || *to > 255))
    return range("For ICMP, the type:code must be valid");
  r->protocol = protocol;
  std::transform(r->protocol.begin(), r->protocol.end(), r->protocol.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  r->port_range_min = *from == -1 ? -1 : static_cast<std::int32_t>(*from);
  r->port_range_max = *to == -1 ? -1 : static_cast<std::int32_t>(*to);
  r->remote_group_id = group_id;
  return std::nullopt;
}

// The CIDR of a rule without a remote group (Nova's parse_cidr; none:
// everywhere), with its ethertype; Nova's 400 for one that is no network.
std::optional<api_response> rule_cidr(const ordered_json& body, storage::security_group_rule* r,
                                      std::string* given) {
  *given = "0.0.0.0/0";
  if (body.contains("cidr") && !body["cidr"].is_null() && body["cidr"] != "") {
    auto& c = body["cidr"];
    *given = c.is_string() ? c.get<std::string>() : python_str(c);
  }
  // Nova's is_valid_cidr wants the length; the network keeps its host bits.
  auto network =
    given->find('/') == std::string::npos ? std::nullopt : network::network_as_given(*given);
  if (!network)
    return bad_request(*given + " is not a valid IP network.");
  r->remote_ip_prefix = *network;
  r->ethertype = network->find(':') == std::string::npos ? "IPv4" : "IPv6";
  return std::nullopt;
}

// A zero-length prefix is only for everywhere (0.0.0.0/0, ::/0).
// `network`: the canonical "address/length" of the `given` text (Nova
// compares netaddr's text of the address, so "::0/0" is everywhere too).
std::optional<api_response> check_cidr_prefix(const std::string& network,
                                              const std::string& given) {
  auto slash = network.find('/');
  auto net = network.substr(0, slash);
  if (network.substr(slash + 1) == "0" && net != "0.0.0.0" && net != "::")
    return bad_request("Bad prefix for network in cidr " + given);
  return std::nullopt;
}

// Nova's own duplicate check, before Neutron's: a CIDR rule the group has.
bool rule_exists(const storage::security_group& g, const storage::security_group_rule& r) {
  return std::any_of(g.rules.begin(), g.rules.end(), [&](auto& have) {
    return have.direction == "ingress" && have.remote_group_id.empty() && r.remote_group_id.empty()
           && have.remote_ip_prefix == r.remote_ip_prefix && have.protocol == r.protocol
           && have.port_range_min == r.port_range_min && have.port_range_max == r.port_range_max;
  });
}

std::optional<api_response> read_uuid_field(const ordered_json& rule, const char* key,
                                            std::string* out) {
  auto& v = rule[key];
  if (!v.is_string())
    return bad_request(invalid_input(std::string("security_group_rule/") + key, v,
                                     python_repr(v) + " is not of type 'string'"));
  *out = v.get<std::string>();
  if (!is_uuid_like(*out))
    return bad_request(invalid_input(std::string("security_group_rule/") + key, v,
                                     python_repr(v) + " is not a 'uuid'"));
  return std::nullopt;
}

api_response create_rule(network::network_book& book, const api_request& req) {
  std::optional<ordered_json> body;
  if (auto bad = read_wrapped(req, "security_group_rule", &body))
    return *bad;
  auto& rule = (*body)["security_group_rule"];
  if (!rule.contains("parent_group_id"))
    return bad_request(
      invalid_input("security_group_rule", rule, "'parent_group_id' is a required property"));
  std::string parent_id;
  if (auto bad = read_uuid_field(rule, "parent_group_id", &parent_id))
    return *bad;
  std::string group_id;
  if (rule.contains("group_id") && !rule["group_id"].is_null())
    if (auto bad = read_uuid_field(rule, "group_id", &group_id))
      return *bad;
  auto who = caller_of(req);
  auto parent = book.security_group(who, parent_id);
  if (!parent.ok())
    return nova_fault_of(parent.error);
  std::optional<storage::security_group> remote;
  if (!group_id.empty()) {
    auto found = book.security_group(who, group_id);
    if (!found.ok())
      return nova_fault_of(found.error);
    remote = *found.value;
  }
  storage::security_group_rule r;
  r.security_group_id = parent_id;
  r.direction = "ingress";
  std::string cidr;
  if (group_id.empty())
    if (auto bad = rule_cidr(rule, &r, &cidr))
      return *bad;
  if (auto bad = ingress_rule(rule, group_id, &r))
    return *bad;
  if (group_id.empty()) {
    if (auto bad = check_cidr_prefix(r.remote_ip_prefix, cidr))
      return *bad;
    if (rule_exists(*parent.value, r))
      return bad_request("This rule already exists in group " + parent_id);
  }
  auto made = book.create_security_group_rule(who, std::move(r));
  if (!made.ok()) // Neutron's 409 (a quota, a duplicate) is Nova's 403
    return nova_fault_of(made.error, {{409, 403}});
  return json_response(
    200, {{"security_group_rule", rule_view(*made.value, remote ? &*remote : nullptr)}});
}

api_response delete_rule(network::network_book& book, const api_request& req,
                         const std::string& id) {
  if (auto bad = check_group_id(id))
    return *bad;
  auto who = caller_of(req);
  if (auto r = book.security_group_rule(who, id); !r.ok())
    return nova_fault_of(r.error);
  if (auto failed = book.delete_security_group_rule(who, id))
    return nova_fault_of(*failed);
  return {202, "", {}};
}

// The groups on the server's ports, in Nova's detailed form.
api_response server_groups(network::network_book& book, const api_request& req,
                           const std::string& uuid) {
  auto who = caller_of(req);
  std::vector<json> shown;
  for (auto& port : book.ports_of_device(uuid))
    for (auto& id : port.security_groups)
      if (auto g = book.security_group(network::caller{"", true}, id); g.ok())
        shown.push_back(group_view(book, who, *g.value));
  return json_response(200, sorted_groups(std::move(shown)));
}

} // namespace

std::function<std::vector<std::string>(const std::string& uuid)>
security_group_names(const compute::compute_api& compute) {
  // One view writes one answer (a list: many servers, few groups): each
  // group is looked up once for it.
  auto shown = std::make_shared<std::map<std::string, std::optional<std::string>>>();
  return [&book = compute.networks(), shown](const std::string& uuid) {
    std::vector<std::string> names;
    for (auto& port : book.ports_of_device(uuid))
      for (auto& id : port.security_groups) {
        auto known = shown->find(id);
        if (known == shown->end()) {
          auto g = book.security_group(network::caller{"", true}, id);
          std::optional<std::string> name;
          if (g.ok())
            name = g.value->name.empty() ? id : g.value->name;
          known = shown->emplace(id, std::move(name)).first;
        }
        auto& name = known->second;
        if (name && std::find(names.begin(), names.end(), *name) == names.end())
          names.push_back(*name);
      }
    return names;
  };
}

void add_nova_security_group_routes(router& r, compute::compute_api& compute) {
  // The book is asked for at each call: a facade made only for its route
  // table (route_table_test) has none.
  add_proxy_route(r, "GET", "/v2.1/os-security-groups", rule_prefix + "get",
                  [&compute](auto& req, auto&) { return list_groups(compute.networks(), req); });
  add_proxy_route(r, "POST", "/v2.1/os-security-groups", rule_prefix + "create",
                  [&compute](auto& req, auto&) { return create_group(compute.networks(), req); });
  add_proxy_route(
    r, "GET", "/v2.1/os-security-groups/{}", rule_prefix + "show",
    [&compute](auto& req, auto& p) { return show_group(compute.networks(), req, p[0]); });
  add_proxy_route(
    r, "PUT", "/v2.1/os-security-groups/{}", rule_prefix + "update",
    [&compute](auto& req, auto& p) { return update_group(compute.networks(), req, p[0]); });
  add_proxy_route(
    r, "DELETE", "/v2.1/os-security-groups/{}", rule_prefix + "delete",
    [&compute](auto& req, auto& p) { return delete_group(compute.networks(), req, p[0]); });
  add_proxy_route(r, "POST", "/v2.1/os-security-group-rules", rule_prefix + "rule:create",
                  [&compute](auto& req, auto&) { return create_rule(compute.networks(), req); });
  add_proxy_route(
    r, "DELETE", "/v2.1/os-security-group-rules/{}", rule_prefix + "rule:delete",
    [&compute](auto& req, auto& p) { return delete_rule(compute.networks(), req, p[0]); });
  // Not a proxy: served at every microversion.
  auto list_rule = rule_prefix + "list";
  // The server's mapping (in memory) says whether the caller sees it; the
  // groups come from the book, on the HTTP thread, with no cell asked.
  r.add("GET", "/v2.1/servers/{}/os-security-groups", access::owner({list_rule}),
        [&compute, list_rule](const api_request& req, const params& p) {
          if (!compute.owner_of(req.ctx, p[0]))
            return not_found("Instance " + p[0] + " could not be found.");
          if (auto refusal = refused_on_server(compute, req, p[0], list_rule))
            return *refusal;
          return server_groups(compute.networks(), req, p[0]);
        });
}

} // namespace nimbus::api
