// /v2.0/ports: list, show, create, update, delete.
#include "api/handlers/neutron_common.h"
#include "api/neutron_list.h"
#include "api/views/network_views.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::set<std::string> port_attributes = {"name",
                                               "description",
                                               "network_id",
                                               "admin_state_up",
                                               "mac_address",
                                               "fixed_ips",
                                               "device_id",
                                               "device_owner",
                                               "tenant_id",
                                               "project_id",
                                               "security_groups",
                                               "port_security_enabled",
                                               "binding:host_id",
                                               "binding:profile",
                                               "binding:vnic_type",
                                               "allowed_address_pairs",
                                               "extra_dhcp_opts",
                                               "dns_name",
                                               "qos_policy_id",
                                               "propagate_uplink_status"};
const std::set<std::string> admin_port_attributes = {"binding:host_id", "binding:profile"};

std::optional<std::vector<network::ip_request>> ips_attr(const json& body, api_response* bad) {
  if (!body.contains("fixed_ips"))
    return std::nullopt;
  auto& v = body["fixed_ips"];
  std::vector<network::ip_request> out;
  if (v.is_array())
    for (auto& e : v) {
      if (!e.is_object())
        break;
      network::ip_request ip;
      if (e.contains("subnet_id") && e["subnet_id"].is_string())
        ip.subnet_id = e["subnet_id"].get<std::string>();
      if (e.contains("ip_address") && e["ip_address"].is_string())
        ip.ip_address = e["ip_address"].get<std::string>();
      out.push_back(ip);
    }
  if (!v.is_array() || out.size() != v.size()) {
    *bad = neutron_error(400, "HTTPBadRequest",
                         "Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '"
                           + v.dump() + "'.");
    return std::nullopt;
  }
  return out;
}

bool valid_mac(const std::string& mac) {
  if (mac.size() != 17)
    return false;
  for (std::size_t i = 0; i < mac.size(); ++i)
    if (i % 3 == 2 ? mac[i] != ':' : !std::isxdigit(static_cast<unsigned char>(mac[i])))
      return false;
  return true;
}

api_response create(network::network_book& book, const api_request& req) {
  api_response bad{0, "", {}};
  auto body =
    resource_body(req, "port", port_attributes, admin_port_attributes, "create_port", &bad);
  if (!body)
    return bad;
  storage::port p;
  auto network_id = string_attr(*body, "network_id", &bad);
  if (refused(bad))
    return bad;
  if (!network_id || network_id->empty())
    return neutron_error(400, "HTTPBadRequest",
                         "Failed to parse request. Required attribute "
                         "'network_id' not specified");
  p.network_id = *network_id;
  if (auto v = string_attr(*body, "name", &bad))
    p.name = *v;
  if (auto v = string_attr(*body, "description", &bad))
    p.description = *v;
  if (auto v = bool_attr(*body, "admin_state_up", &bad))
    p.admin_state_up = *v;
  if (auto v = string_attr(*body, "mac_address", &bad)) {
    if (!valid_mac(*v))
      return neutron_error(400, "HTTPBadRequest",
                           "Invalid input for mac_address. Reason: '" + *v
                             + "' is not a valid MAC address.");
    p.mac_address = *v;
  }
  if (auto v = string_attr(*body, "device_id", &bad))
    p.device_id = *v;
  if (auto v = string_attr(*body, "device_owner", &bad))
    p.device_owner = *v;
  if (auto v = string_attr(*body, "binding:host_id", &bad))
    p.host_id = *v;
  auto security = bool_attr(*body, "port_security_enabled", &bad);
  auto groups = strings_attr(*body, "security_groups", &bad);
  auto ips = ips_attr(*body, &bad);
  for (auto key : {"project_id", "tenant_id"})
    if (auto v = string_attr(*body, key, &bad))
      p.project_id = *v;
  if (refused(bad))
    return bad;
  auto who = caller_of(req);
  if (security)
    p.port_security_enabled = *security;
  else if (auto n = book.network(who, p.network_id); n.ok())
    p.port_security_enabled = n.value->port_security_enabled;
  auto made = book.create_port(who, std::move(p), ips, groups);
  return neutron_answer(made, 201, "port",
                        [&](const storage::port& x) { return port_view(x, who.is_admin); });
}

api_response update(network::network_book& book, const api_request& req, const std::string& id) {
  api_response bad{0, "", {}};
  auto body =
    resource_body(req, "port", port_attributes, admin_port_attributes, "update_port", &bad);
  if (!body)
    return bad;
  for (auto key : {"network_id", "tenant_id", "project_id"})
    if (body->contains(key))
      return neutron_error(400, "HTTPBadRequest",
                           std::string{"Cannot update read-only attribute "} + key);
  network::port_change c;
  c.name = string_attr(*body, "name", &bad);
  c.description = string_attr(*body, "description", &bad);
  c.device_id = string_attr(*body, "device_id", &bad);
  c.device_owner = string_attr(*body, "device_owner", &bad);
  c.host_id = string_attr(*body, "binding:host_id", &bad);
  c.mac_address = string_attr(*body, "mac_address", &bad);
  c.admin_state_up = bool_attr(*body, "admin_state_up", &bad);
  c.port_security_enabled = bool_attr(*body, "port_security_enabled", &bad);
  c.security_groups = strings_attr(*body, "security_groups", &bad);
  c.fixed_ips = ips_attr(*body, &bad);
  if (refused(bad))
    return bad;
  if (c.mac_address && !valid_mac(*c.mac_address))
    return neutron_error(400, "HTTPBadRequest",
                         "Invalid input for mac_address. Reason: '" + *c.mac_address
                           + "' is not a valid MAC address.");
  auto who = caller_of(req);
  auto changed = book.update_port(who, id, c);
  return neutron_answer(changed, 200, "port",
                        [&](const storage::port& x) { return port_view(x, who.is_admin); });
}

} // namespace

void add_neutron_port_routes(router& r, network::network_book& book) {
  r.add("GET", "/v2.0/ports", access::open(), [&book](const api_request& req, const params&) {
    auto who = caller_of(req);
    json items = json::array();
    for (auto& p : book.ports(who))
      items.push_back(port_view(p, who.is_admin));
    return neutron_json(200, neutron_list(req, std::move(items), "ports", "/v2.0/ports"));
  });
  r.add("GET", "/v2.0/ports/{}", access::open(), [&book](const api_request& req, const params& p) {
    auto who = caller_of(req);
    auto port = book.port(who, p[0]);
    if (!port.ok())
      return neutron_error(port.error);
    return neutron_json(200, {{"port", neutron_fields(req, port_view(*port.value, who.is_admin))}});
  });
  r.add("POST", "/v2.0/ports", access::open(),
        [&book](const api_request& req, const params&) { return create(book, req); });
  r.add("PUT", "/v2.0/ports/{}", access::open(),
        [&book](const api_request& req, const params& p) { return update(book, req, p[0]); });
  r.add("DELETE", "/v2.0/ports/{}", access::open(),
        [&book](const api_request& req, const params& p) {
          auto f = book.delete_port(caller_of(req), p[0]);
          return f ? neutron_error(*f) : neutron_no_content();
        });
}

} // namespace nimbus::api
