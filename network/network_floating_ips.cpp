// Floating IPs: an external network's addresses, given to projects and
// mapped to their ports' fixed IPs.
#include "network/network_book.h"
#include "storage/clock.h"
#include "storage/ids.h"

namespace nimbus::network {

using storage::key_space;

namespace {

failure floating_ip_not_found(const std::string& id) {
  return not_found("FloatingIPNotFound", "Floating IP " + id + " could not be found");
}

} // namespace

std::vector<storage::floating_ip> network_book::floating_ips(const caller& who) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<storage::floating_ip> out;
  for (auto& [id, f] : floating_)
    if (owns(who, f.project_id))
      out.push_back(f);
  return out;
}

result<storage::floating_ip> network_book::floating_ip(const caller& who,
                                                       const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = floating_.find(id);
  if (it == floating_.end() || !owns(who, it->second.project_id))
    return result<storage::floating_ip>::fail(floating_ip_not_found(id));
  return result<storage::floating_ip>::of(it->second);
}

std::optional<failure> network_book::associate(const caller& who, storage::floating_ip& f,
                                               const std::string& port_id,
                                               const std::string& fixed_ip) {
  auto p = ports_.find(port_id);
  if (p == ports_.end() || !owns(who, p->second.project_id))
    return port_not_found(port_id);
  std::string chosen;
  for (auto& ip : p->second.fixed_ips) {
    bool v4 = ip.ip_address.find(':') == std::string::npos;
    if ((fixed_ip.empty() && v4 && chosen.empty()) || ip.ip_address == fixed_ip)
      chosen = ip.ip_address;
  }
  if (chosen.empty())
    return fixed_ip.empty()
             ? failure{400, "BadRequest",
                       "Bad floatingip request: Port " + port_id
                         + " does not have any IPv4 address. Cannot associate it with a "
                           "Floating IP."}
             : failure{400, "BadRequest",
                       "Bad floatingip request: Port " + port_id + " does not have fixed ip "
                         + fixed_ip + "."};
  for (auto& [id, other] : floating_)
    if (id != f.id && other.port_id == port_id && other.fixed_ip_address == chosen) {
      std::string why = "Cannot associate floating IP " + f.floating_ip_address;
      why += " (" + f.id + ") with port " + port_id;
      why += " using fixed IP " + chosen;
      why += ", as that fixed IP already has a floating IP on external network ";
      why += other.floating_network_id + ".";
      return conflict("FloatingIPPortAlreadyAssociated", why);
    }
  f.port_id = port_id;
  f.fixed_ip_address = chosen;
  return std::nullopt;
}

result<storage::floating_ip> network_book::create_floating_ip(const caller& who,
                                                              storage::floating_ip f) {
  using R = result<storage::floating_ip>;
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto n = networks_.find(f.floating_network_id);
    if (n == networks_.end() || !sees(who, n->second))
      return R::fail(network_not_found(f.floating_network_id));
    if (!n->second.external)
      return R::fail(bad_request("Bad floatingip request: Network " + f.floating_network_id
                                 + " is not a valid external network."));
    if (f.project_id.empty())
      f.project_id = who.project_id;
    if (!owns(who, f.project_id))
      return R::fail(
        {403, "PolicyNotAuthorized", "rule:create_floatingip is disallowed by policy"});
    if (auto over = over_quota(f.project_id, "floatingip"))
      return R::fail(*over);
    std::optional<address> wanted;
    if (!f.floating_ip_address.empty()) {
      wanted = parse_address(f.floating_ip_address);
      if (!wanted)
        return R::fail(invalid_input("'" + f.floating_ip_address + "' is not a valid IP address"));
    }
    subnet_state* from = nullptr;
    bool any_v4 = false;
    for (auto& [id, s] : subnets_) {
      if (s.record.network_id != f.floating_network_id || s.record.ip_version != 4)
        continue;
      any_v4 = true;
      if (wanted ? s.cidr.contains(*wanted) && s.pool.take(*wanted) : false) {
        from = &s;
        break;
      }
      if (!wanted)
        if (auto a = s.pool.take_next()) {
          f.floating_ip_address = to_string(*a);
          from = &s;
          break;
        }
    }
    if (!any_v4)
      return R::fail(bad_request("Bad floatingip request: Network " + f.floating_network_id
                                 + " does not contain any IPv4 subnet."));
    if (!from)
      return R::fail(wanted ? conflict("IpAddressAlreadyAllocated",
                                       "IP address " + f.floating_ip_address
                                         + " already allocated in a subnet of network "
                                         + f.floating_network_id)
                            : failure{400, "ExternalIpAddressExhausted",
                                      "Unable to find any IP address on external network "
                                        + f.floating_network_id + "."});
    f.subnet_id = from->record.id;
    f.id = storage::random_uuid();
    if (!f.port_id.empty())
      if (auto refused = associate(who, f, f.port_id, f.fixed_ip_address)) {
        from->pool.give_back(*parse_address(f.floating_ip_address));
        return R::fail(*refused);
      }
    f.created_us = f.updated_us = storage::now_us();
    f.revision = 0;
    floating_[f.id] = f;
    written = submit_put(key_space::floating_ips, f);
  }
  return once_durable(written, std::move(f));
}

result<storage::floating_ip> network_book::update_floating_ip(
  const caller& who, const std::string& id, const std::optional<std::string>& port_id,
  const std::optional<std::string>& fixed_ip, const std::optional<std::string>& description) {
  using R = result<storage::floating_ip>;
  std::future<std::error_code> written;
  storage::floating_ip out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = floating_.find(id);
    if (it == floating_.end() || !owns(who, it->second.project_id))
      return R::fail(floating_ip_not_found(id));
    auto f = it->second;
    if (port_id) {
      if (port_id->empty()) {
        f.port_id.clear();
        f.fixed_ip_address.clear();
      } else if (auto refused = associate(who, f, *port_id, fixed_ip.value_or(""))) {
        return R::fail(*refused);
      }
    }
    apply_change(f.description, description);
    ++f.revision;
    f.updated_us = storage::now_us();
    it->second = f;
    written = submit_put(key_space::floating_ips, f);
    out = std::move(f);
  }
  return once_durable(written, std::move(out));
}

std::optional<failure> network_book::delete_floating_ip(const caller& who, const std::string& id) {
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = floating_.find(id);
    if (it == floating_.end() || !owns(who, it->second.project_id))
      return floating_ip_not_found(id);
    auto s = subnets_.find(it->second.subnet_id);
    auto a = parse_address(it->second.floating_ip_address);
    if (s != subnets_.end() && a)
      s->second.pool.give_back(*a);
    floating_.erase(it);
    storage::write_batch b;
    b.erase(key_space::floating_ips, id);
    written = submit(std::move(b));
  }
  return wait_durable(written);
}

void network_book::disassociate_port(const std::string& port_id, storage::write_batch& b) {
  for (auto& [id, f] : floating_)
    if (f.port_id == port_id) {
      f.port_id.clear();
      f.fixed_ip_address.clear();
      ++f.revision;
      f.updated_us = storage::now_us();
      b.put(key_space::floating_ips, f.id, storage::encode(f));
    }
}

} // namespace nimbus::network
