// Ports: addresses, MACs, bindings; and the compute service's side, the
// ports of a server (networks: auto | none | a list).
#include <cstdio>

#include "network/network_book.h"
#include "storage/clock.h"
#include "storage/ids.h"

namespace nimbus::network {

using storage::key_space;

std::string network_book::new_mac() {
  while (true) {
    auto bits = random_();
    char text[18];
    std::snprintf(text, sizeof text, "fa:16:3e:%02x:%02x:%02x", static_cast<unsigned>(bits & 0xff),
                  static_cast<unsigned>((bits >> 8) & 0xff),
                  static_cast<unsigned>((bits >> 16) & 0xff));
    if (!macs_.count(text))
      return text;
  }
}

void network_book::put_port(const storage::port& p) {
  auto old = ports_.find(p.id);
  if (old != ports_.end()) {
    auto device = ports_of_device_.find(old->second.device_id);
    if (device != ports_of_device_.end()) {
      device->second.erase(p.id);
      if (device->second.empty())
        ports_of_device_.erase(device);
    }
    --ports_of_project_[old->second.project_id];
  }
  if (!p.device_id.empty())
    ports_of_device_[p.device_id].insert(p.id);
  ++ports_of_project_[p.project_id];
  ports_[p.id] = p;
}

void network_book::erase_port(const std::string& id) {
  auto it = ports_.find(id);
  if (it == ports_.end())
    return;
  auto device = ports_of_device_.find(it->second.device_id);
  if (device != ports_of_device_.end()) {
    device->second.erase(id);
    if (device->second.empty())
      ports_of_device_.erase(device);
  }
  --ports_of_project_[it->second.project_id];
  macs_.erase(it->second.mac_address);
  ports_.erase(it);
}

void network_book::give_back(const std::vector<storage::fixed_ip>& ips) {
  for (auto& ip : ips) {
    auto s = subnets_.find(ip.subnet_id);
    auto a = parse_address(ip.ip_address);
    if (s != subnets_.end() && a)
      s->second.pool.give_back(*a);
  }
}

result<std::vector<storage::fixed_ip>>
network_book::take_addresses(const std::string& network_id,
                             const std::optional<std::vector<ip_request>>& ips) {
  using R = result<std::vector<storage::fixed_ip>>;
  std::vector<storage::fixed_ip> taken;
  auto fail = [&](failure f) {
    give_back(taken);
    return R::fail(std::move(f));
  };
  if (!ips) {
    // Neutron's default: one address of an IPv4 subnet with room, and one
    // of an IPv6 subnet.
    bool v4 = false, v6 = false, any_subnet = false;
    for (int version : {4, 6})
      for (auto& [id, s] : subnets_) {
        if (s.record.network_id != network_id || s.record.ip_version != version)
          continue;
        any_subnet = true;
        bool& done = version == 4 ? v4 : v6;
        if (done)
          continue;
        if (auto a = s.pool.take_next()) {
          taken.push_back({id, to_string(*a)});
          done = true;
        }
      }
    if (any_subnet && !v4 && !v6)
      return fail(conflict("IpAddressGenerationFailure",
                           "No more IP addresses available on network " + network_id + "."));
    return R::of(std::move(taken));
  }
  for (auto& want : *ips) {
    std::optional<address> a;
    if (!want.ip_address.empty()) {
      a = parse_address(want.ip_address);
      if (!a)
        return fail(invalid_input("'" + want.ip_address + "' is not a valid IP address."));
    }
    subnet_state* chosen = nullptr;
    if (!want.subnet_id.empty()) {
      auto s = subnets_.find(want.subnet_id);
      if (s == subnets_.end())
        return fail(subnet_not_found(want.subnet_id));
      if (s->second.record.network_id != network_id)
        return fail(invalid_input("Failed to create port on network " + network_id
                                  + ", because fixed_ips included invalid subnet " + want.subnet_id
                                  + "."));
      chosen = &s->second;
    } else if (a) {
      for (auto& [id, s] : subnets_)
        if (s.record.network_id == network_id && s.cidr.contains(*a))
          chosen = &s;
      if (!chosen)
        return fail({400, "InvalidIpForNetwork",
                     "IP address " + want.ip_address
                       + " is not a valid IP for any of the subnets on the specified network."});
    } else {
      return fail(invalid_input("IP allocation requires subnet_id or ip_address"));
    }
    if (a) {
      if (!chosen->cidr.contains(*a))
        return fail(
          {400, "InvalidIpForSubnet",
           "IP address " + want.ip_address + " is not a valid IP for the specified subnet."});
      if (!chosen->pool.take(*a))
        return fail(conflict("IpAddressAlreadyAllocated", "IP address " + to_string(*a)
                                                            + " already allocated in subnet "
                                                            + chosen->record.id));
    } else {
      a = chosen->pool.take_next();
      if (!a)
        return fail(conflict("IpAddressGenerationFailure",
                             "No more IP addresses available on network " + network_id + "."));
    }
    taken.push_back({chosen->record.id, to_string(*a)});
  }
  return R::of(std::move(taken));
}

std::optional<failure> network_book::check_groups(const caller& who, const std::string& project_id,
                                                  const std::vector<std::string>& groups) const {
  for (auto& g : groups) {
    auto it = groups_.find(g);
    if (it == groups_.end() || (!who.is_admin && it->second.project_id != project_id))
      return security_group_not_found(g);
  }
  return std::nullopt;
}

result<storage::port> network_book::make_port(const caller& who, storage::port p,
                                              const std::optional<std::vector<ip_request>>& ips,
                                              std::optional<std::vector<std::string>> groups,
                                              storage::write_batch& b) {
  using R = result<storage::port>;
  auto n = networks_.find(p.network_id);
  if (n == networks_.end() || !sees(who, n->second))
    return R::fail(network_not_found(p.network_id));
  if (p.project_id.empty())
    p.project_id = who.project_id;
  if (auto over = over_quota(p.project_id, "port"))
    return R::fail(*over);
  if (!who.is_admin && p.project_id != who.project_id)
    return R::fail({403, "PolicyNotAuthorized", "rule:create_port is disallowed by policy"});
  if (!n->second.shared && !n->second.external && !owns(who, n->second.project_id))
    return R::fail(network_not_found(p.network_id));
  if (!p.mac_address.empty()) {
    if (macs_.count(p.mac_address))
      return R::fail(conflict("MacAddressInUse", "Unable to complete operation for network "
                                                   + p.network_id + ". The mac address "
                                                   + p.mac_address + " is in use."));
  } else {
    p.mac_address = new_mac();
  }
  if (!p.port_security_enabled && groups && !groups->empty())
    return R::fail(bad_request("Port has security group associated. Cannot disable port "
                               "security or ip address until security group is removed"));
  if (groups) {
    if (auto f = check_groups(who, p.project_id, *groups))
      return R::fail(*f);
    p.security_groups = *groups;
  } else if (p.port_security_enabled) {
    p.security_groups = {default_group_of(p.project_id).id};
  }
  auto addresses = take_addresses(p.network_id, ips);
  if (!addresses.ok())
    return R::fail(addresses.error);
  p.fixed_ips = std::move(*addresses.value);
  p.id = p.id.empty() ? storage::random_uuid() : p.id;
  p.created_us = p.updated_us = storage::now_us();
  p.revision = 1;
  macs_.insert(p.mac_address);
  put_port(p);
  b.put(key_space::ports, p.id, storage::encode(p));
  return R::of(std::move(p));
}

std::vector<storage::port> network_book::ports(const caller& who) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<storage::port> out;
  for (auto& [id, p] : ports_)
    if (owns(who, p.project_id))
      out.push_back(p);
  return out;
}

std::vector<storage::port> network_book::ports_of_device(const std::string& device_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<storage::port> out;
  auto device = ports_of_device_.find(device_id);
  if (device == ports_of_device_.end())
    return out;
  out.reserve(device->second.size());
  for (auto& id : device->second)
    out.push_back(ports_.at(id));
  return out;
}

result<storage::port> network_book::port(const caller& who, const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = ports_.find(id);
  if (it == ports_.end() || !owns(who, it->second.project_id))
    return result<storage::port>::fail(port_not_found(id));
  return result<storage::port>::of(it->second);
}

result<storage::port> network_book::create_port(const caller& who, storage::port p,
                                                const std::optional<std::vector<ip_request>>& ips,
                                                std::optional<std::vector<std::string>> groups) {
  std::future<std::error_code> written;
  result<storage::port> made;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    storage::write_batch b;
    made = make_port(who, std::move(p), ips, std::move(groups), b);
    if (!made.ok())
      return made;
    written = submit(std::move(b));
  }
  if (auto f = wait_durable(written))
    return result<storage::port>::fail(*f);
  return made;
}

result<storage::port> network_book::update_port(const caller& who, const std::string& id,
                                                const port_change& c) {
  using R = result<storage::port>;
  std::future<std::error_code> written;
  storage::port out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = ports_.find(id);
    if (it == ports_.end() || !owns(who, it->second.project_id))
      return R::fail(port_not_found(id));
    auto p = it->second;
    if (c.mac_address && *c.mac_address != p.mac_address) {
      if (macs_.count(*c.mac_address))
        return R::fail(conflict("MacAddressInUse", "Unable to complete operation for network "
                                                     + p.network_id + ". The mac address "
                                                     + *c.mac_address + " is in use."));
      macs_.erase(p.mac_address);
      macs_.insert(*c.mac_address);
      p.mac_address = *c.mac_address;
    }
    if (c.security_groups) {
      if (auto f = check_groups(who, p.project_id, *c.security_groups))
        return R::fail(*f);
      p.security_groups = *c.security_groups;
    }
    apply_change(p.port_security_enabled, c.port_security_enabled);
    if (!p.port_security_enabled && !p.security_groups.empty())
      return R::fail(conflict("PortSecurityAndIPRequiredForSecurityGroups",
                              "Port security must be enabled and port must have an IP address "
                              "in order to use security groups."));
    if (c.fixed_ips) {
      auto old = p.fixed_ips;
      give_back(old);
      auto fresh = take_addresses(p.network_id, *c.fixed_ips);
      if (!fresh.ok()) {
        for (auto& ip : old) // take the old ones back: nobody could have taken them meanwhile
          if (auto a = parse_address(ip.ip_address))
            subnets_.at(ip.subnet_id).pool.take(*a);
        return R::fail(fresh.error);
      }
      p.fixed_ips = std::move(*fresh.value);
    }
    apply_change(p.name, c.name);
    apply_change(p.description, c.description);
    apply_change(p.device_id, c.device_id);
    apply_change(p.device_owner, c.device_owner);
    apply_change(p.host_id, c.host_id);
    apply_change(p.admin_state_up, c.admin_state_up);
    ++p.revision;
    p.updated_us = storage::now_us();
    put_port(p);
    written = submit_put(key_space::ports, p);
    out = std::move(p);
  }
  return once_durable(written, std::move(out));
}

std::optional<failure> network_book::delete_port(const caller& who, const std::string& id) {
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = ports_.find(id);
    if (it == ports_.end() || !owns(who, it->second.project_id))
      return port_not_found(id);
    give_back(it->second.fixed_ips);
    erase_port(id);
    storage::write_batch b;
    b.erase(key_space::ports, id);
    disassociate_port(id, b);
    written = submit(std::move(b));
  }
  return wait_durable(written);
}

storage::server_vif network_book::vif_of(const storage::port& p) const {
  storage::server_vif v;
  v.port_id = p.id;
  v.network_id = p.network_id;
  auto n = networks_.find(p.network_id);
  if (n != networks_.end()) {
    v.network_name = n->second.name.empty() ? n->second.id : n->second.name;
    v.vlan = n->second.network_type == "vlan" ? n->second.segmentation_id : 0;
  }
  v.mac_address = p.mac_address;
  for (auto& ip : p.fixed_ips)
    v.ips.push_back(ip.ip_address);
  v.bridge = bridge_of(p.network_id);
  return v;
}

result<std::vector<storage::server_vif>> network_book::allocate_for_server(
  const caller& who, const std::string& server_uuid, const std::string& zone, server_networks mode,
  const std::vector<requested_network>& requested, const std::vector<std::string>& groups) {
  using R = result<std::vector<storage::server_vif>>;
  if (mode == server_networks::none)
    return R::of({});
  std::lock_guard<std::mutex> lock(mutex_);
  // Nova resolves the names among the project's groups (an id works too).
  std::optional<std::vector<std::string>> group_ids;
  if (!groups.empty()) {
    default_group_of(who.project_id);
    group_ids.emplace();
    for (auto& wanted : groups) {
      std::string found;
      for (auto& [id, g] : groups_)
        if (g.project_id == who.project_id && (g.name == wanted || g.id == wanted)) {
          if (!found.empty() && g.name == wanted)
            return R::fail({409, "NoUniqueMatch",
                            "Multiple security groups found matching '" + wanted
                              + "'. Use an ID to be more specific."});
          found = g.id;
        }
      if (found.empty())
        return R::fail({400, "SecurityGroupNotFound", "Security group " + wanted + " not found."});
      group_ids->push_back(found);
    }
  }
  storage::write_batch b;
  std::vector<storage::port> made;  // taken back if a later request fails
  std::vector<storage::port> bound; // the user's ports, as they were
  auto undo = [&](failure f) {
    for (auto& p : made) {
      give_back(p.fixed_ips);
      erase_port(p.id);
    }
    for (auto& p : bound)
      put_port(p);
    return R::fail(std::move(f));
  };
  std::vector<requested_network> wanted = requested;
  if (mode == server_networks::omitted || mode == server_networks::automatic) {
    // Nova's available networks: the project's own, else the shared ones.
    std::vector<std::string> own, shared;
    for (auto& [id, n] : networks_) {
      if (n.external)
        continue;
      if (n.project_id == who.project_id)
        own.push_back(id);
      else if (n.shared)
        shared.push_back(id);
    }
    auto& available = own.empty() ? shared : own;
    if (available.size() > 1)
      return R::fail(conflict("NetworkAmbiguous",
                              "Multiple possible networks found, use a Network ID to be more "
                              "specific."));
    if (available.empty()) {
      if (mode == server_networks::omitted)
        return R::of({});
      auto n = auto_network(who);
      if (!n.ok())
        return R::fail(n.error);
      available.push_back(n.value->id);
    }
    wanted = {{available.front(), "", ""}};
  }
  std::vector<storage::server_vif> vifs;
  for (auto& want : wanted) {
    if (!want.port_id.empty()) {
      auto it = ports_.find(want.port_id);
      if (it == ports_.end() || !owns(who, it->second.project_id))
        return undo({400, "PortNotFound", "Port id " + want.port_id + " could not be found."});
      if (!it->second.device_id.empty())
        return undo({409, "PortInUse", "Port " + want.port_id + " is still in use."});
      bound.push_back(it->second);
      auto p = it->second;
      p.device_id = server_uuid;
      p.device_owner = "compute:" + zone;
      ++p.revision;
      p.updated_us = storage::now_us();
      put_port(p);
      b.put(key_space::ports, p.id, storage::encode(p));
      vifs.push_back(vif_of(p));
      continue;
    }
    std::optional<std::vector<ip_request>> ips;
    if (!want.fixed_ip.empty())
      ips = std::vector<ip_request>{{"", want.fixed_ip}};
    storage::port p;
    p.network_id = want.network_id;
    p.project_id = who.project_id;
    p.device_id = server_uuid;
    p.device_owner = "compute:" + zone;
    p.made_for_server = true;
    auto n = networks_.find(want.network_id);
    if (n == networks_.end() || !sees(who, n->second))
      return undo({400, "NetworkNotFound", "Network " + want.network_id + " could not be found."});
    p.port_security_enabled = n->second.port_security_enabled;
    auto security = p.port_security_enabled ? group_ids : std::nullopt;
    auto port = make_port(who, std::move(p), ips, std::move(security), b);
    if (!port.ok()) {
      auto f = port.error;
      if (f.type == "IpAddressAlreadyAllocated")
        f = {400, f.type, "Fixed IP address " + want.fixed_ip + " is already in use on instance."};
      return undo(std::move(f));
    }
    made.push_back(*port.value);
    vifs.push_back(vif_of(*port.value));
  }
  if (!b.empty())
    submit(std::move(b)); // ahead of the build's write in the same store: see the contract
  return R::of(std::move(vifs));
}

std::size_t
network_book::release_unknown_servers(const std::function<bool(const std::string&)>& exists) {
  std::set<std::string> bound;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, p] : ports_)
      if (p.device_owner.rfind("compute:", 0) == 0 && !p.device_id.empty())
        bound.insert(p.device_id);
  }
  // Asked outside the lock: the API cell calls into this book under its own.
  std::size_t gone = 0;
  for (auto& uuid : bound)
    if (!exists(uuid)) {
      release_for_server(uuid);
      ++gone;
    }
  return gone;
}

void network_book::release_for_server(const std::string& server_uuid) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto device = ports_of_device_.find(server_uuid);
  if (device == ports_of_device_.end())
    return;
  auto ids = device->second; // the helpers below change the index
  storage::write_batch b;
  for (auto& id : ids) {
    auto p = ports_.at(id);
    if (p.made_for_server) {
      give_back(p.fixed_ips);
      erase_port(id);
      b.erase(key_space::ports, id);
      disassociate_port(id, b);
      continue;
    }
    p.device_id.clear();
    p.device_owner.clear();
    p.host_id.clear();
    ++p.revision;
    p.updated_us = storage::now_us();
    put_port(p);
    b.put(key_space::ports, p.id, storage::encode(p));
  }
  submit(std::move(b));
}

} // namespace nimbus::network
