#include "api/views/network_views.h"

#include "api/formats.h"
#include "network/address.h"

namespace nimbus::api {

using nlohmann::json;

namespace {

// What every Neutron resource has: ids, owner, times, revision, tags.
void common(json& j, const std::string& id, const std::string& project_id,
            const std::string& description, std::int64_t created_us, std::int64_t updated_us,
            std::int64_t revision, const std::vector<std::string>& tags) {
  j["id"] = id;
  j["tenant_id"] = project_id;
  j["project_id"] = project_id;
  j["description"] = description;
  j["created_at"] = iso_seconds(created_us);
  j["updated_at"] = iso_seconds(updated_us);
  j["revision_number"] = revision;
  j["tags"] = tags;
}

json or_null(std::int32_t n) { return n < 0 ? json(nullptr) : json(n); }

} // namespace

json network_view(const storage::network& n, const std::vector<std::string>& subnet_ids,
                  bool admin) {
  json j;
  common(j, n.id, n.project_id, n.description, n.created_us, n.updated_us, n.revision, n.tags);
  j["name"] = n.name;
  j["admin_state_up"] = n.admin_state_up;
  j["status"] = "ACTIVE";
  j["shared"] = n.shared;
  j["router:external"] = n.external;
  j["subnets"] = subnet_ids;
  j["mtu"] = n.mtu;
  j["port_security_enabled"] = n.port_security_enabled;
  j["availability_zone_hints"] = json::array();
  j["availability_zones"] = json::array({"nova"});
  j["ipv4_address_scope"] = nullptr;
  j["ipv6_address_scope"] = nullptr;
  j["is_default"] = false;
  j["l2_adjacency"] = true;
  if (admin) {
    j["provider:network_type"] = n.network_type;
    j["provider:physical_network"] = string_or_null(n.physical_network);
    j["provider:segmentation_id"] = n.network_type == "vlan" ? json(n.segmentation_id) : json();
  }
  return j;
}

json subnet_view(const storage::subnet& s) {
  json j;
  common(j, s.id, s.project_id, s.description, s.created_us, s.updated_us, s.revision, s.tags);
  j["name"] = s.name;
  j["network_id"] = s.network_id;
  j["ip_version"] = s.ip_version;
  j["cidr"] = s.cidr;
  j["gateway_ip"] = string_or_null(s.gateway_ip);
  json pools = json::array();
  for (auto& p : s.allocation_pools)
    pools.push_back({{"start", p.start}, {"end", p.end}});
  j["allocation_pools"] = pools;
  j["dns_nameservers"] = s.dns_nameservers;
  json routes = json::array();
  for (auto& r : s.host_routes)
    routes.push_back({{"destination", r.destination}, {"nexthop", r.nexthop}});
  j["host_routes"] = routes;
  j["enable_dhcp"] = s.enable_dhcp;
  j["ipv6_ra_mode"] = string_or_null(s.ipv6_ra_mode);
  j["ipv6_address_mode"] = string_or_null(s.ipv6_address_mode);
  j["subnetpool_id"] = nullptr;
  j["service_types"] = json::array();
  j["segment_id"] = nullptr;
  j["dns_publish_fixed_ip"] = false;
  return j;
}

json port_view(const storage::port& p, bool admin) {
  json j;
  common(j, p.id, p.project_id, p.description, p.created_us, p.updated_us, p.revision, p.tags);
  j["name"] = p.name;
  j["network_id"] = p.network_id;
  j["mac_address"] = p.mac_address;
  json ips = json::array();
  for (auto& ip : p.fixed_ips)
    ips.push_back({{"subnet_id", ip.subnet_id}, {"ip_address", ip.ip_address}});
  j["fixed_ips"] = ips;
  j["device_id"] = p.device_id;
  j["device_owner"] = p.device_owner;
  j["admin_state_up"] = p.admin_state_up;
  // A port is up once a host has plugged it.
  j["status"] = !p.host_id.empty() && p.admin_state_up ? "ACTIVE" : "DOWN";
  j["port_security_enabled"] = p.port_security_enabled;
  j["security_groups"] = p.security_groups;
  j["allowed_address_pairs"] = json::array();
  j["extra_dhcp_opts"] = json::array();
  j["dns_name"] = "";
  j["dns_assignment"] = json::array();
  j["binding:vnic_type"] = "normal";
  j["propagate_uplink_status"] = false;
  if (admin) {
    j["binding:host_id"] = p.host_id;
    j["binding:profile"] = json::object();
    j["binding:vif_type"] = p.host_id.empty() ? "unbound" : "bridge";
    j["binding:vif_details"] = json::object();
  }
  return j;
}

json security_group_rule_view(const storage::security_group_rule& r) {
  json j;
  j["id"] = r.id;
  j["tenant_id"] = r.project_id;
  j["project_id"] = r.project_id;
  j["security_group_id"] = r.security_group_id;
  j["direction"] = r.direction;
  j["ethertype"] = r.ethertype;
  j["protocol"] = string_or_null(r.protocol);
  j["port_range_min"] = or_null(r.port_range_min);
  j["port_range_max"] = or_null(r.port_range_max);
  j["remote_ip_prefix"] = string_or_null(r.remote_ip_prefix);
  j["remote_group_id"] = string_or_null(r.remote_group_id);
  j["remote_address_group_id"] = nullptr;
  // The remote as a network (host bits cleared), beside the prefix as given.
  auto network = network::parse_prefix(r.remote_ip_prefix, false);
  j["normalized_cidr"] = network ? json(network::to_string(*network)) : json(nullptr);
  j["description"] = r.description;
  j["created_at"] = iso_seconds(r.created_us);
  j["updated_at"] = iso_seconds(r.updated_us);
  j["revision_number"] = r.revision;
  j["belongs_to_default_sg"] = nullptr;
  return j;
}

json security_group_view(const storage::security_group& g) {
  json j;
  common(j, g.id, g.project_id, g.description, g.created_us, g.updated_us, g.revision, g.tags);
  j["name"] = g.name;
  j["stateful"] = g.stateful;
  j["shared"] = false;
  json rules = json::array();
  for (auto& r : g.rules)
    rules.push_back(security_group_rule_view(r));
  j["security_group_rules"] = rules;
  return j;
}

json floating_ip_view(const storage::floating_ip& f, const storage::port* port) {
  json j;
  common(j, f.id, f.project_id, f.description, f.created_us, f.updated_us, f.revision, f.tags);
  j["floating_ip_address"] = f.floating_ip_address;
  j["floating_network_id"] = f.floating_network_id;
  j["router_id"] = nullptr;
  j["port_id"] = string_or_null(f.port_id);
  j["fixed_ip_address"] = string_or_null(f.fixed_ip_address);
  j["status"] = f.port_id.empty() ? "DOWN" : "ACTIVE";
  j["dns_name"] = "";
  j["dns_domain"] = "";
  j["qos_policy_id"] = nullptr;
  j["port_forwardings"] = json::array();
  j["port_details"] = nullptr;
  if (port)
    j["port_details"] = {
      {"name", port->name},
      {"network_id", port->network_id},
      {"mac_address", port->mac_address},
      {"admin_state_up", port->admin_state_up},
      {"status", !port->host_id.empty() && port->admin_state_up ? "ACTIVE" : "DOWN"},
      {"device_id", port->device_id},
      {"device_owner", port->device_owner}};
  return j;
}

} // namespace nimbus::api
