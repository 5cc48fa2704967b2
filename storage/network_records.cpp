// The network service's record codecs: JSON with a schema_version, as the
// other records. These are written at network, port and group changes, not
// per server state change, so nlohmann's tree writer is fast enough here.
#include "storage/network_records.h"

#include <nlohmann/json.hpp>

#include "storage/json_record.h"

namespace nimbus::storage {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(network, id, name, project_id, description,
                                                admin_state_up, shared, external, network_type,
                                                physical_network, segmentation_id, mtu,
                                                port_security_enabled, tags, revision, created_us,
                                                updated_us)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(allocation_pool, start, end)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(host_route, destination, nexthop)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(subnet, id, name, network_id, project_id,
                                                description, ip_version, cidr, gateway_ip,
                                                allocation_pools, dns_nameservers, host_routes,
                                                enable_dhcp, ipv6_ra_mode, ipv6_address_mode, tags,
                                                revision, created_us, updated_us)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(fixed_ip, subnet_id, ip_address)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(port, id, name, network_id, project_id, description,
                                                mac_address, fixed_ips, device_id, device_owner,
                                                host_id, admin_state_up, port_security_enabled,
                                                security_groups, made_for_server, tags, revision,
                                                created_us, updated_us)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(security_group_rule, id, security_group_id,
                                                project_id, direction, ethertype, protocol,
                                                port_range_min, port_range_max, remote_ip_prefix,
                                                remote_group_id, description, revision, created_us,
                                                updated_us)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(security_group, id, name, project_id, description,
                                                stateful, rules, tags, revision, created_us,
                                                updated_us)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(floating_ip, id, project_id, description,
                                                floating_network_id, floating_ip_address, subnet_id,
                                                port_id, fixed_ip_address, tags, revision,
                                                created_us, updated_us)

namespace {

constexpr int network_schema_version = 1;

template <class T>
std::string encode_record(const T& x) {
  nlohmann::json j = x;
  j["schema_version"] = network_schema_version;
  return j.dump();
}

template <class T>
std::error_code decode_record(std::string_view text, T* x) {
  return decode_json_record(text, x, network_schema_version);
}

} // namespace

std::string encode(const network& x) { return encode_record(x); }
std::string encode(const subnet& x) { return encode_record(x); }
std::string encode(const port& x) { return encode_record(x); }
std::string encode(const security_group& x) { return encode_record(x); }
std::string encode(const floating_ip& x) { return encode_record(x); }
std::error_code decode(std::string_view text, network* x) { return decode_record(text, x); }
std::error_code decode(std::string_view text, subnet* x) { return decode_record(text, x); }
std::error_code decode(std::string_view text, port* x) { return decode_record(text, x); }
std::error_code decode(std::string_view text, floating_ip* x) { return decode_record(text, x); }
std::error_code decode(std::string_view text, security_group* x) { return decode_record(text, x); }

} // namespace nimbus::storage
