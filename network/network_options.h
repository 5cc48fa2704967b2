#pragma once
// The network service's options: [network] of nimbus.conf (etc/nimbus.conf
// documents each with its default).
#include <cstdint>
#include <map>
#include <string>

namespace nimbus::network {

/// [network] options (etc/nimbus.conf).
struct network_options {
  /// The segment of networks made without provider attributes: "vlan"
  /// (one VLAN id each, from the range below) or "flat".
  std::string tenant_network_type = "vlan";
  std::string physical_network = "physnet1";
  std::int32_t vlan_min = 100;
  std::int32_t vlan_max = 3999;
  /// `networks: auto` for a project with no network of its own: the
  /// network made for it takes the next free prefix of this length from
  /// this range (Neutron's auto-allocated topology and its subnet pool).
  std::string auto_allocate_range = "10.0.0.0/8";
  int auto_allocate_prefixlen = 16;
  std::string dns_domain = "";
  /// [network] quota_<resource>: the default limit of each of Neutron's
  /// quota resources (-1: none), Neutron's defaults.
  std::map<std::string, std::int64_t> default_quotas = {{"network", 100},
                                                        {"subnet", 100},
                                                        {"port", 500},
                                                        {"router", 10},
                                                        {"floatingip", 50},
                                                        {"security_group", 10},
                                                        {"security_group_rule", 100},
                                                        {"rbac_policy", 10},
                                                        {"subnetpool", -1}};
};

} // namespace nimbus::network
