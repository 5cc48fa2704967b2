#pragma once
// The records of the network service (the Neutron v2.0 subset, docs/NETWORKS.md),
// kept in the API cell's store by network/network_book. Apart from records.h:
// only the network service and its views include them. Neutron's names for
// kinds (network types, directions, ethertypes) are kept as its strings.
// Times are microseconds since the Unix epoch.
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace nimbus::storage {

/// A network (Neutron's networks, with the provider and external-net
/// extensions). Its segment: flat, or a VLAN id on a physical network.
struct network {
  std::string id;
  std::string name;
  std::string project_id;
  std::string description;
  bool admin_state_up = true;
  bool shared = false;
  bool external = false;             // router:external
  std::string network_type = "flat"; // provider:network_type: "flat" or "vlan"
  std::string physical_network;      // provider:physical_network
  std::int32_t segmentation_id = 0;  // the VLAN id; 0 for flat
  std::int32_t mtu = 1500;
  bool port_security_enabled = true; // the default of its ports
  std::vector<std::string> tags;
  std::int64_t revision = 0;
  std::int64_t created_us = 0;
  std::int64_t updated_us = 0;
};

/// An inclusive range of addresses a subnet hands out.
struct allocation_pool {
  std::string start;
  std::string end;
};

struct host_route {
  std::string destination;
  std::string nexthop;
};

/// A subnet: an IPv4 or IPv6 range on a network.
struct subnet {
  std::string id;
  std::string name;
  std::string network_id;
  std::string project_id;
  std::string description;
  std::int32_t ip_version = 4;
  std::string cidr;       // normalized (host bits cleared)
  std::string gateway_ip; // empty: none
  std::vector<allocation_pool> allocation_pools;
  std::vector<std::string> dns_nameservers;
  std::vector<host_route> host_routes;
  bool enable_dhcp = true;
  std::string ipv6_ra_mode;      // empty: null
  std::string ipv6_address_mode; // empty: null
  std::vector<std::string> tags;
  std::int64_t revision = 0;
  std::int64_t created_us = 0;
  std::int64_t updated_us = 0;
};

struct fixed_ip {
  std::string subnet_id;
  std::string ip_address;
};

/// A port: a MAC address and fixed IPs on one network, bound to a device (a
/// server, Nova's `compute:<zone>` owner) on a host.
struct port {
  std::string id;
  std::string name;
  std::string network_id;
  std::string project_id;
  std::string description;
  std::string mac_address;
  std::vector<fixed_ip> fixed_ips;
  std::string device_id;
  std::string device_owner;
  std::string host_id; // binding:host_id
  bool admin_state_up = true;
  bool port_security_enabled = true;
  std::vector<std::string> security_groups;
  /// Made by the compute service for a server (networks: auto or a network
  /// uuid): deleted with the server. A port the user made is only unbound.
  bool made_for_server = false;
  std::vector<std::string> tags;
  std::int64_t revision = 0;
  std::int64_t created_us = 0;
  std::int64_t updated_us = 0;
};

/// One rule of a security group. Ports -1: none given (any).
struct security_group_rule {
  std::string id;
  std::string security_group_id;
  std::string project_id;
  std::string direction = "ingress"; // "ingress" or "egress"
  std::string ethertype = "IPv4";    // "IPv4" or "IPv6"
  std::string protocol;              // empty: any
  std::int32_t port_range_min = -1;
  std::int32_t port_range_max = -1;
  std::string remote_ip_prefix; // empty: none
  std::string remote_group_id;  // empty: none
  std::string description;
  std::int64_t revision = 0;
  std::int64_t created_us = 0;
  std::int64_t updated_us = 0;
};

struct security_group {
  std::string id;
  std::string name;
  std::string project_id;
  std::string description;
  bool stateful = true;
  std::vector<security_group_rule> rules;
  std::vector<std::string> tags;
  std::int64_t revision = 0;
  std::int64_t created_us = 0;
  std::int64_t updated_us = 0;
};

/// A floating IP: an address of an external network's subnet, given to a
/// project, and mapped (1:1 NAT) to a fixed IP of one of its ports.
struct floating_ip {
  std::string id;
  std::string project_id;
  std::string description;
  std::string floating_network_id;
  std::string floating_ip_address;
  std::string subnet_id;        // where floating_ip_address was taken
  std::string port_id;          // empty: not associated
  std::string fixed_ip_address; // of port_id
  std::vector<std::string> tags;
  std::int64_t revision = 0;
  std::int64_t created_us = 0;
  std::int64_t updated_us = 0;
};

// Codecs, as records.h's: decode() answers errc::corruption for text that is
// not a record of that type.
std::string encode(const network& x);
std::string encode(const subnet& x);
std::string encode(const port& x);
std::string encode(const security_group& x);
std::string encode(const floating_ip& x);
std::error_code decode(std::string_view text, network* x);
std::error_code decode(std::string_view text, subnet* x);
std::error_code decode(std::string_view text, port* x);
std::error_code decode(std::string_view text, security_group* x);
std::error_code decode(std::string_view text, floating_ip* x);

} // namespace nimbus::storage
