// /v2.0/security-groups and /v2.0/security-group-rules.
#include <algorithm>
#include <set>

#include "api/handlers/neutron_common.h"
#include "api/neutron_list.h"
#include "api/views/network_views.h"
#include "network/address.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::set<std::string> group_attributes = {"name",       "description", "tenant_id",
                                                "project_id", "stateful",    "tags"};
const std::set<std::string> rule_attributes = {
  "security_group_id", "direction",      "ethertype",        "protocol",
  "port_range_min",    "port_range_max", "remote_ip_prefix", "remote_group_id",
  "description",       "tenant_id",      "project_id",       "remote_address_group_id"};
const std::set<std::string> protocol_names = {
  "ah",         "dccp",      "egp",        "esp",        "gre",       "hopopt",    "icmp",
  "igmp",       "ip",        "ipip",       "ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6",
  "ipv6-nonxt", "ipv6-opts", "ipv6-route", "ospf",       "pgm",       "rsvp",      "sctp",
  "tcp",        "udp",       "udplite",    "vrrp",       "any"};

api_response create_group(network::network_book& book, const api_request& req) {
  api_response bad{0, "", {}};
  auto body =
    resource_body(req, "security_group", group_attributes, {}, "create_security_group", &bad);
  if (!body)
    return bad;
  storage::security_group g;
  if (auto v = string_attr(*body, "name", &bad))
    g.name = *v;
  if (auto v = string_attr(*body, "description", &bad))
    g.description = *v;
  if (auto v = bool_attr(*body, "stateful", &bad))
    g.stateful = *v;
  for (auto key : {"project_id", "tenant_id"})
    if (auto v = string_attr(*body, key, &bad))
      g.project_id = *v;
  if (refused(bad))
    return bad;
  auto made = book.create_security_group(caller_of(req), std::move(g));
  return neutron_answer(made, 201, "security_group", security_group_view);
}

// Neutron's checks of a rule's protocol, ports and remote.
std::optional<api_response> check_rule(storage::security_group_rule& r) {
  std::transform(r.protocol.begin(), r.protocol.end(), r.protocol.begin(), ::tolower);
  if (r.ethertype == "ipv4" || r.ethertype == "IPV4")
    r.ethertype = "IPv4";
  if (r.ethertype == "ipv6" || r.ethertype == "IPV6")
    r.ethertype = "IPv6";
  if (r.direction != "ingress" && r.direction != "egress")
    return neutron_error(400, "HTTPBadRequest",
                         "Invalid input for direction. Reason: '" + r.direction
                           + "' is not in ['ingress', 'egress'].");
  if (r.ethertype != "IPv4" && r.ethertype != "IPv6")
    return neutron_error(400, "HTTPBadRequest",
                         "Invalid input for ethertype. Reason: '" + r.ethertype
                           + "' is not in ['IPv4', 'IPv6'].");
  bool numeric = !r.protocol.empty()
                 && r.protocol.find_first_not_of("0123456789") == std::string::npos
                 && r.protocol.size() <= 3 && std::stoi(r.protocol) <= 255;
  if (!r.protocol.empty() && !numeric && !protocol_names.count(r.protocol))
    return neutron_error(400, "SecurityGroupRuleInvalidProtocol",
                         "Security group rule protocol " + r.protocol
                           + " not supported. Only protocol values [None, 'ah', 'dccp', 'egp', "
                             "'esp', 'gre', 'icmp', 'igmp', 'ipv6-encap', 'ipv6-frag', "
                             "'ipv6-icmp', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', 'ospf', "
                             "'pgm', 'rsvp', 'sctp', 'tcp', 'udp', 'udplite', 'vrrp'] and integer "
                             "representations [0 to 255] are supported.");
  if (r.protocol == "any")
    r.protocol.clear();
  bool ports = r.port_range_min >= 0 || r.port_range_max >= 0;
  if (ports && r.protocol.empty())
    return neutron_error(400, "SecurityGroupProtocolRequiredWithPorts",
                         "Must also specify protocol if port range is given.");
  bool icmp = r.protocol == "icmp" || r.protocol == "ipv6-icmp" || r.protocol == "icmpv6"
              || r.protocol == "1" || r.protocol == "58";
  if (ports && !icmp) {
    for (auto port : {r.port_range_min, r.port_range_max})
      if (port == 0 || port > 65535)
        return neutron_error(400, "SecurityGroupInvalidPortValue",
                             "Invalid value for port " + std::to_string(port));
    if (r.port_range_max >= 0 && r.port_range_min > r.port_range_max)
      return neutron_error(400, "SecurityGroupInvalidPortRange",
                           "For TCP/UDP protocols, port_range_min must be <= port_range_max");
  }
  if (ports && icmp)
    for (auto port : {r.port_range_min, r.port_range_max})
      if (port > 255)
        return neutron_error(400, "SecurityGroupInvalidIcmpValue",
                             "Invalid value for ICMP port_range_min: " + std::to_string(port)
                               + ". It must be 0 to 255.");
  if (!r.remote_ip_prefix.empty() && !r.remote_group_id.empty())
    return neutron_error(400, "SecurityGroupMultipleRemoteEntites",
                         "Only one of remote_ip_prefix or remote_group_id or "
                         "remote_address_group_id may be provided.");
  if (!r.remote_ip_prefix.empty()) {
    auto given = network::network_as_given(r.remote_ip_prefix);
    if (!given)
      return neutron_error(400, "HTTPBadRequest",
                           "Invalid input for remote_ip_prefix. Reason: '" + r.remote_ip_prefix
                             + "' is not a valid IP subnet.");
    bool v4 = given->find(':') == std::string::npos;
    if (v4 != (r.ethertype == "IPv4"))
      return neutron_error(400, "SecurityGroupRuleParameterConflict",
                           "Conflicting value ethertype " + r.ethertype + " for CIDR "
                             + r.remote_ip_prefix);
    r.remote_ip_prefix = *given;
  }
  return std::nullopt;
}

api_response create_rule(network::network_book& book, const api_request& req) {
  api_response bad{0, "", {}};
  auto body = resource_body(req, "security_group_rule", rule_attributes, {},
                            "create_security_group_rule", &bad);
  if (!body)
    return bad;
  storage::security_group_rule r;
  auto group = string_attr(*body, "security_group_id", &bad);
  auto direction = string_attr(*body, "direction", &bad);
  if (refused(bad))
    return bad;
  if (!group || !direction)
    return neutron_error(400, "HTTPBadRequest",
                         std::string{"Failed to parse request. Required attribute '"}
                           + (group ? "direction" : "security_group_id") + "' not specified");
  r.security_group_id = *group;
  r.direction = *direction;
  if (auto v = string_attr(*body, "ethertype", &bad))
    r.ethertype = *v;
  if (body->contains("protocol") && (*body)["protocol"].is_number_integer())
    r.protocol = std::to_string((*body)["protocol"].get<int>());
  else if (auto v = string_attr(*body, "protocol", &bad))
    r.protocol = *v;
  if (auto v = int_attr(*body, "port_range_min", &bad))
    r.port_range_min = *v;
  if (auto v = int_attr(*body, "port_range_max", &bad))
    r.port_range_max = *v;
  if (auto v = string_attr(*body, "remote_ip_prefix", &bad))
    r.remote_ip_prefix = *v;
  if (auto v = string_attr(*body, "remote_group_id", &bad))
    r.remote_group_id = *v;
  if (auto v = string_attr(*body, "description", &bad))
    r.description = *v;
  if (refused(bad))
    return bad;
  if (r.port_range_min >= 0 && r.port_range_max < 0 && r.protocol != "icmp")
    r.port_range_max = r.port_range_min;
  if (auto refusal = check_rule(r))
    return *refusal;
  auto made = book.create_security_group_rule(caller_of(req), std::move(r));
  return neutron_answer(made, 201, "security_group_rule", security_group_rule_view);
}

} // namespace

void add_neutron_security_group_routes(router& r, network::network_book& book) {
  r.add("GET", "/v2.0/security-groups", access::open(),
        [&book](const api_request& req, const params&) {
          json items = json::array();
          for (auto& g : book.security_groups(caller_of(req)))
            items.push_back(security_group_view(g));
          return neutron_json(
            200, neutron_list(req, std::move(items), "security_groups", "/v2.0/security-groups"));
        });
  r.add("GET", "/v2.0/security-groups/{}", access::open(),
        [&book](const api_request& req, const params& p) {
          auto g = book.security_group(caller_of(req), p[0]);
          if (!g.ok())
            return neutron_error(g.error);
          return neutron_json(
            200, {{"security_group", neutron_fields(req, security_group_view(*g.value))}});
        });
  r.add("POST", "/v2.0/security-groups", access::open(),
        [&book](const api_request& req, const params&) { return create_group(book, req); });
  r.add("PUT", "/v2.0/security-groups/{}", access::open(),
        [&book](const api_request& req, const params& p) {
          api_response bad{0, "", {}};
          auto body = resource_body(req, "security_group", group_attributes, {},
                                    "update_security_group", &bad);
          if (!body)
            return bad;
          auto name = string_attr(*body, "name", &bad);
          auto description = string_attr(*body, "description", &bad);
          if (refused(bad))
            return bad;
          auto changed = book.update_security_group(caller_of(req), p[0], name, description);
          return neutron_answer(changed, 200, "security_group", security_group_view);
        });
  r.add("DELETE", "/v2.0/security-groups/{}", access::open(),
        [&book](const api_request& req, const params& p) {
          auto f = book.delete_security_group(caller_of(req), p[0]);
          return f ? neutron_error(*f) : neutron_no_content();
        });
  r.add("GET", "/v2.0/security-group-rules", access::open(),
        [&book](const api_request& req, const params&) {
          json items = json::array();
          for (auto& rule : book.security_group_rules(caller_of(req)))
            items.push_back(security_group_rule_view(rule));
          return neutron_json(200, neutron_list(req, std::move(items), "security_group_rules",
                                                "/v2.0/security-group-rules"));
        });
  r.add("GET", "/v2.0/security-group-rules/{}", access::open(),
        [&book](const api_request& req, const params& p) {
          auto rule = book.security_group_rule(caller_of(req), p[0]);
          if (!rule.ok())
            return neutron_error(rule.error);
          return neutron_json(200, {{"security_group_rule",
                                     neutron_fields(req, security_group_rule_view(*rule.value))}});
        });
  r.add("POST", "/v2.0/security-group-rules", access::open(),
        [&book](const api_request& req, const params&) { return create_rule(book, req); });
  r.add("DELETE", "/v2.0/security-group-rules/{}", access::open(),
        [&book](const api_request& req, const params& p) {
          auto f = book.delete_security_group_rule(caller_of(req), p[0]);
          return f ? neutron_error(*f) : neutron_no_content();
        });
}

} // namespace nimbus::api
