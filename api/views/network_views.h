#pragma once
// The network service's JSON views (Neutron v2.0): a network, subnet, port,
// security group and rule as Neutron shows them. `admin`: the caller may
// see the admin-only attributes (provider:*, binding:*).
#include <nlohmann/json.hpp>

#include "storage/network_records.h"

namespace nimbus::api {

nlohmann::json network_view(const storage::network& n, const std::vector<std::string>& subnet_ids,
                            bool admin);
nlohmann::json subnet_view(const storage::subnet& s);
nlohmann::json port_view(const storage::port& p, bool admin);
nlohmann::json security_group_rule_view(const storage::security_group_rule& r);
nlohmann::json security_group_view(const storage::security_group& g);
/// With the port it maps to, when it does (port_details).
nlohmann::json floating_ip_view(const storage::floating_ip& f, const storage::port* port);

} // namespace nimbus::api
