// The book's set-up, its store, and networks and subnets. Ports are in
// network_ports.cpp, security groups in network_groups.cpp.
#include "network/network_book.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "storage/clock.h"
#include "storage/ids.h"
#include "storage/record_io.h"

namespace nimbus::network {

using storage::key_space;

failure network_not_found(const std::string& id) {
  return not_found("NetworkNotFound", "Network " + id + " could not be found.");
}
failure subnet_not_found(const std::string& id) {
  return not_found("SubnetNotFound", "Subnet " + id + " could not be found.");
}
failure port_not_found(const std::string& id) {
  return not_found("PortNotFound", "Port " + id + " could not be found.");
}
failure security_group_not_found(const std::string& id) {
  return not_found("SecurityGroupNotFound", "Security group " + id + " does not exist");
}
failure security_group_rule_not_found(const std::string& id) {
  return not_found("SecurityGroupRuleNotFound", "Security group rule " + id + " does not exist");
}

std::optional<failure> wait_durable(std::future<std::error_code>& f) {
  if (auto ec = f.get())
    return failure{500, "HTTPInternalServerError",
                   "Request Failed: internal server error while processing your request."};
  return std::nullopt;
}

std::string network_book::bridge_of(const std::string& network_id) {
  return "nbr" + network_id.substr(0, 11);
}

namespace {

std::vector<address_range> ranges_of(const std::vector<storage::allocation_pool>& pools) {
  std::vector<address_range> out;
  for (auto& p : pools) {
    auto a = parse_address(p.start);
    auto b = parse_address(p.end);
    if (a && b)
      out.push_back({*a, *b});
  }
  return out;
}

std::vector<storage::allocation_pool> pools_of(const std::vector<address_range>& ranges) {
  std::vector<storage::allocation_pool> out;
  out.reserve(ranges.size());
  for (auto& r : ranges)
    out.push_back({to_string(r.first), to_string(r.last)});
  return out;
}

void touch(std::int64_t* revision, std::int64_t* updated_us) {
  ++*revision;
  *updated_us = storage::now_us();
}

} // namespace

network_book::network_book(std::shared_ptr<storage::store> store, network_options opts)
    : store_(std::move(store)), opts_(std::move(opts)) {
  load();
}

void network_book::load() {
  for (auto& n : storage::read_all<storage::network>(*store_, key_space::networks)) {
    if (n.network_type == "vlan")
      vlans_.insert({n.physical_network, n.segmentation_id});
    networks_[n.id] = std::move(n);
  }
  for (auto& s : storage::read_all<storage::subnet>(*store_, key_space::subnets)) {
    auto cidr = parse_prefix(s.cidr, false);
    if (!cidr)
      continue;
    address_pool pool(*cidr, ranges_of(s.allocation_pools));
    if (auto gw = parse_address(s.gateway_ip))
      pool.take(*gw);
    auto id = s.id;
    subnets_.emplace(id, subnet_state{std::move(s), *cidr, std::move(pool)});
  }
  for (auto& p : storage::read_all<storage::port>(*store_, key_space::ports)) {
    for (auto& ip : p.fixed_ips) {
      auto s = subnets_.find(ip.subnet_id);
      auto a = parse_address(ip.ip_address);
      if (s != subnets_.end() && a)
        s->second.pool.take(*a);
    }
    macs_.insert(p.mac_address);
    put_port(p);
  }
  for (auto& f : storage::read_all<storage::floating_ip>(*store_, key_space::floating_ips)) {
    auto s = subnets_.find(f.subnet_id);
    auto a = parse_address(f.floating_ip_address);
    if (s != subnets_.end() && a)
      s->second.pool.take(*a);
    floating_[f.id] = std::move(f);
  }
  store_->scan(key_space::network_quotas, {}, [&](std::string_view key, std::string_view value) {
    auto j = nlohmann::json::parse(value, nullptr, false);
    if (j.is_object())
      for (auto& [k, v] : j.items())
        if (v.is_number_integer())
          limits_[std::string{key}][k] = v.get<std::int64_t>();
    return true;
  });
  for (auto& g : storage::read_all<storage::security_group>(*store_, key_space::security_groups)) {
    if (g.name == "default")
      default_group_[g.project_id] = g.id;
    groups_[g.id] = std::move(g);
  }
}

std::future<std::error_code> network_book::submit(storage::write_batch b) {
  auto done = std::make_shared<std::promise<std::error_code>>();
  auto f = done->get_future();
  store_->write_async(std::move(b), [done](std::error_code ec) { done->set_value(ec); });
  return f;
}

bool network_book::sees(const caller& who, const storage::network& n) const {
  return who.is_admin || n.project_id == who.project_id || n.shared || n.external;
}

std::vector<storage::network> network_book::networks(const caller& who) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<storage::network> out;
  for (auto& [id, n] : networks_)
    if (sees(who, n))
      out.push_back(n);
  return out;
}

result<storage::network> network_book::network(const caller& who, const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = networks_.find(id);
  if (it == networks_.end() || !sees(who, it->second))
    return result<storage::network>::fail(network_not_found(id));
  return result<storage::network>::of(it->second);
}

result<storage::network> network_book::create_network(const caller& who, storage::network n) {
  using R = result<storage::network>;
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (n.project_id.empty())
      n.project_id = who.project_id;
    if (n.network_type.empty()) {
      n.network_type = opts_.tenant_network_type;
      if (n.network_type == "vlan" && n.physical_network.empty())
        n.physical_network = opts_.physical_network;
    }
    if (n.network_type == "flat") {
      if (n.segmentation_id != 0)
        return R::fail(invalid_input("segmentation_id requires physical_network for VLAN "
                                     "provider network"));
      if (n.physical_network.empty())
        n.physical_network = opts_.physical_network;
    } else if (n.network_type == "vlan") {
      if (n.physical_network.empty())
        n.physical_network = opts_.physical_network;
      if (n.segmentation_id == 0) {
        for (auto id = opts_.vlan_min; id <= opts_.vlan_max; ++id)
          if (!vlans_.count({n.physical_network, id})) {
            n.segmentation_id = id;
            break;
          }
        if (n.segmentation_id == 0)
          return R::fail({503, "NoNetworkAvailable",
                          "Unable to create the network. No tenant network is available for "
                          "allocation."});
      } else if (n.segmentation_id < 1 || n.segmentation_id > 4094) {
        return R::fail(invalid_input("segmentation_id out of range (1 through 4094)"));
      } else if (vlans_.count({n.physical_network, n.segmentation_id})) {
        return R::fail(conflict("VlanIdInUse", "Unable to create the network. The VLAN "
                                                 + std::to_string(n.segmentation_id)
                                                 + " on physical network " + n.physical_network
                                                 + " is in use."));
      }
      vlans_.insert({n.physical_network, n.segmentation_id});
    } else {
      return R::fail(invalid_input("network_type value '" + n.network_type + "' not supported"));
    }
    if (auto over = over_quota(n.project_id, "network")) {
      if (n.network_type == "vlan")
        vlans_.erase({n.physical_network, n.segmentation_id});
      return R::fail(*over);
    }
    n.id = storage::random_uuid();
    n.created_us = n.updated_us = storage::now_us();
    n.revision = 1;
    written = submit_put(key_space::networks, n);
    networks_[n.id] = n;
  }
  return once_durable(written, std::move(n));
}

result<storage::network> network_book::update_network(const caller& who, const std::string& id,
                                                      const network_change& c) {
  using R = result<storage::network>;
  std::future<std::error_code> written;
  storage::network out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = networks_.find(id);
    if (it == networks_.end() || !sees(who, it->second))
      return R::fail(network_not_found(id));
    auto& n = it->second;
    if (!owns(who, n.project_id))
      return R::fail({403, "PolicyNotAuthorized",
                      "((rule:update_network and rule:update_network:name) is disallowed by "
                      "policy"});
    apply_change(n.name, c.name);
    apply_change(n.description, c.description);
    apply_change(n.admin_state_up, c.admin_state_up);
    apply_change(n.shared, c.shared);
    apply_change(n.external, c.external);
    apply_change(n.port_security_enabled, c.port_security_enabled);
    apply_change(n.mtu, c.mtu);
    touch(&n.revision, &n.updated_us);
    written = submit_put(key_space::networks, n);
    out = n;
  }
  return once_durable(written, std::move(out));
}

std::optional<failure> network_book::delete_network(const caller& who, const std::string& id) {
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = networks_.find(id);
    if (it == networks_.end() || !sees(who, it->second))
      return network_not_found(id);
    if (!owns(who, it->second.project_id))
      return failure{403, "PolicyNotAuthorized", "rule:delete_network is disallowed by policy"};
    for (auto& [fid, f] : floating_)
      if (f.floating_network_id == id)
        return conflict("NetworkInUse", "Unable to complete operation on network " + id
                                          + ". There are one or more ports still in use on the "
                                            "network.");
    for (auto& [pid, p] : ports_)
      if (p.network_id == id)
        return conflict("NetworkInUse", "Unable to complete operation on network " + id
                                          + ". There are one or more ports still in use on the "
                                            "network.");
    storage::write_batch b;
    for (auto s = subnets_.begin(); s != subnets_.end();)
      if (s->second.record.network_id == id) {
        b.erase(key_space::subnets, s->first);
        s = subnets_.erase(s);
      } else {
        ++s;
      }
    if (it->second.network_type == "vlan")
      vlans_.erase({it->second.physical_network, it->second.segmentation_id});
    b.erase(key_space::networks, id);
    networks_.erase(it);
    written = submit(std::move(b));
  }
  return wait_durable(written);
}

std::vector<storage::subnet> network_book::subnets(const caller& who) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<storage::subnet> out;
  for (auto& [id, s] : subnets_) {
    auto n = networks_.find(s.record.network_id);
    if (owns(who, s.record.project_id) || (n != networks_.end() && sees(who, n->second)))
      out.push_back(s.record);
  }
  return out;
}

result<storage::subnet> network_book::subnet(const caller& who, const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = subnets_.find(id);
  if (it != subnets_.end()) {
    auto n = networks_.find(it->second.record.network_id);
    if (owns(who, it->second.record.project_id) || (n != networks_.end() && sees(who, n->second)))
      return result<storage::subnet>::of(it->second.record);
  }
  return result<storage::subnet>::fail(subnet_not_found(id));
}

result<storage::subnet> network_book::create_subnet(const caller& who, storage::subnet s,
                                                    std::optional<std::string> gateway) {
  using R = result<storage::subnet>;
  auto cidr = parse_prefix(s.cidr, false);
  if (!cidr)
    return R::fail(invalid_input(s.cidr + " is not in a CIDR format"));
  if (cidr->length == 0)
    return R::fail(invalid_input("0 is not allowed as CIDR prefix length"));
  if (cidr->base.version != s.ip_version)
    return R::fail(invalid_input("cidr '" + s.cidr + "' does not match the ip_version '"
                                 + std::to_string(s.ip_version) + "'"));
  std::optional<address> gw;
  if (!gateway) {
    gw = default_gateway(*cidr);
  } else if (!gateway->empty()) {
    gw = parse_address(*gateway);
    if (!gw)
      return R::fail(
        {400, "HTTPBadRequest",
         "Invalid input for gateway_ip. Reason: '" + *gateway + "' is not a valid IP address."});
    if (gw->version != s.ip_version)
      return R::fail(invalid_input("gateway_ip '" + *gateway + "' does not match the ip_version '"
                                   + std::to_string(s.ip_version) + "'"));
    if (!cidr->contains(*gw))
      return R::fail(invalid_input("Gateway is not valid on subnet"));
  }
  std::vector<address_range> ranges = ranges_of(s.allocation_pools);
  if (ranges.size() != s.allocation_pools.size())
    return R::fail(invalid_input("allocation pool addresses must be IP addresses."));
  if (ranges.empty())
    ranges = default_pools(*cidr, gw);
  else if (auto why = pools_problem(*cidr, ranges, gw))
    return R::fail(*why);
  for (auto& d : s.dns_nameservers)
    if (!parse_address(d))
      return R::fail(invalid_input("'" + d + "' is not a valid nameserver."));
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto n = networks_.find(s.network_id);
    if (n == networks_.end() || !sees(who, n->second))
      return R::fail(network_not_found(s.network_id));
    if (!owns(who, n->second.project_id))
      return R::fail({403, "PolicyNotAuthorized", "rule:create_subnet is disallowed by policy"});
    for (auto& [id, other] : subnets_)
      if (other.record.network_id == s.network_id && other.cidr.overlaps(*cidr))
        return R::fail(invalid_input("Requested subnet with cidr: " + to_string(*cidr)
                                     + " for network: " + s.network_id
                                     + " overlaps with another subnet"));
    if (s.project_id.empty())
      s.project_id = n->second.project_id;
    if (auto over = over_quota(s.project_id, "subnet"))
      return R::fail(*over);
    s.id = storage::random_uuid();
    s.cidr = to_string(*cidr);
    s.gateway_ip = gw ? to_string(*gw) : std::string{};
    s.allocation_pools = pools_of(ranges);
    s.created_us = s.updated_us = storage::now_us();
    s.revision = 0;
    address_pool pool(*cidr, ranges);
    if (gw)
      pool.take(*gw);
    subnets_.emplace(s.id, subnet_state{s, *cidr, std::move(pool)});
    written = submit_put(key_space::subnets, s);
  }
  return once_durable(written, std::move(s));
}

result<storage::subnet> network_book::update_subnet(const caller& who, const std::string& id,
                                                    const subnet_change& c) {
  using R = result<storage::subnet>;
  std::future<std::error_code> written;
  storage::subnet out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = subnets_.find(id);
    if (it == subnets_.end() || !owns(who, it->second.record.project_id))
      return R::fail(subnet_not_found(id));
    auto& st = it->second;
    auto& s = st.record;
    std::optional<address> gw = parse_address(s.gateway_ip);
    if (c.gateway_ip) {
      std::optional<address> next;
      if (*c.gateway_ip) {
        next = parse_address(**c.gateway_ip);
        if (!next || !st.cidr.contains(*next))
          return R::fail(invalid_input("Gateway is not valid on subnet"));
        if (!(gw && *gw == *next) && st.pool.taken(*next))
          return R::fail(conflict("GatewayIpInUse", "Current gateway ip " + **c.gateway_ip
                                                      + " already in use by a port. Unable to "
                                                        "update."));
      }
      if (gw)
        st.pool.give_back(*gw);
      if (next)
        st.pool.take(*next);
      gw = next;
      s.gateway_ip = gw ? to_string(*gw) : std::string{};
    }
    if (c.allocation_pools) {
      auto ranges = ranges_of(*c.allocation_pools);
      if (ranges.size() != c.allocation_pools->size())
        return R::fail(invalid_input("allocation pool addresses must be IP addresses."));
      if (auto why = pools_problem(st.cidr, ranges, gw))
        return R::fail(*why);
      address_pool pool(st.cidr, ranges);
      for (auto& [pid, p] : ports_)
        for (auto& ip : p.fixed_ips)
          if (ip.subnet_id == id)
            if (auto a = parse_address(ip.ip_address))
              pool.take(*a);
      if (gw)
        pool.take(*gw);
      st.pool = std::move(pool);
      s.allocation_pools = pools_of(ranges);
    }
    apply_change(s.name, c.name);
    apply_change(s.description, c.description);
    apply_change(s.dns_nameservers, c.dns_nameservers);
    apply_change(s.host_routes, c.host_routes);
    apply_change(s.enable_dhcp, c.enable_dhcp);
    touch(&s.revision, &s.updated_us);
    written = submit_put(key_space::subnets, s);
    out = s;
  }
  return once_durable(written, std::move(out));
}

std::optional<failure> network_book::delete_subnet(const caller& who, const std::string& id) {
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = subnets_.find(id);
    if (it == subnets_.end() || !owns(who, it->second.record.project_id))
      return subnet_not_found(id);
    for (auto& [fid, f] : floating_)
      if (f.subnet_id == id)
        return conflict("SubnetInUse", "Unable to complete operation on subnet " + id
                                         + ": One or more ports have an IP allocation from this "
                                           "subnet.");
    for (auto& [pid, p] : ports_)
      for (auto& ip : p.fixed_ips)
        if (ip.subnet_id == id)
          return conflict("SubnetInUse", "Unable to complete operation on subnet " + id
                                           + ": One or more ports have an IP allocation from "
                                             "this subnet.");
    subnets_.erase(it);
    storage::write_batch b;
    b.erase(key_space::subnets, id);
    written = submit(std::move(b));
  }
  return wait_durable(written);
}

} // namespace nimbus::network
