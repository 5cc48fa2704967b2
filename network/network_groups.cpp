// Security groups and their rules, the default group of each project, and
// the network `networks: auto` makes for a project that has none.
#include <algorithm>

#include "network/network_book.h"
#include "storage/clock.h"
#include "storage/ids.h"

namespace nimbus::network {

using storage::key_space;

namespace {

storage::security_group_rule rule_of(const storage::security_group& g, const std::string& direction,
                                     const std::string& ethertype, bool from_group) {
  storage::security_group_rule r;
  r.id = storage::random_uuid();
  r.security_group_id = g.id;
  r.project_id = g.project_id;
  r.direction = direction;
  r.ethertype = ethertype;
  if (from_group)
    r.remote_group_id = g.id;
  r.created_us = r.updated_us = g.created_us;
  return r;
}

// A remote prefix of everything is no remote prefix (Neutron's duplicate test).
std::string remote_of(const storage::security_group_rule& r) {
  return r.remote_ip_prefix == "0.0.0.0/0" || r.remote_ip_prefix == "::/0" ? std::string{}
                                                                           : r.remote_ip_prefix;
}

// Neutron's duplicate test: every field but the id and description.
bool same_rule(const storage::security_group_rule& a, const storage::security_group_rule& b) {
  return a.direction == b.direction && a.ethertype == b.ethertype && a.protocol == b.protocol
         && a.port_range_min == b.port_range_min && a.port_range_max == b.port_range_max
         && remote_of(a) == remote_of(b) && a.remote_group_id == b.remote_group_id;
}

} // namespace

const storage::security_group& network_book::default_group_of(const std::string& project_id) {
  auto known = default_group_.find(project_id);
  if (known != default_group_.end())
    return groups_.at(known->second);
  storage::security_group g;
  g.id = storage::random_uuid();
  g.name = "default";
  g.description = "Default security group";
  g.project_id = project_id;
  g.created_us = g.updated_us = storage::now_us();
  g.revision = 1;
  // Neutron's four: in from the group's own members, out to anywhere, both families.
  g.rules = {rule_of(g, "ingress", "IPv4", true), rule_of(g, "ingress", "IPv6", true),
             rule_of(g, "egress", "IPv4", false), rule_of(g, "egress", "IPv6", false)};
  storage::write_batch b;
  b.put(key_space::security_groups, g.id, storage::encode(g));
  submit(std::move(b));
  default_group_[project_id] = g.id;
  return groups_[g.id] = std::move(g);
}

std::vector<storage::security_group> network_book::security_groups(const caller& who) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!who.project_id.empty())
    default_group_of(who.project_id);
  std::vector<storage::security_group> out;
  for (auto& [id, g] : groups_)
    if (owns(who, g.project_id))
      out.push_back(g);
  return out;
}

result<storage::security_group> network_book::security_group(const caller& who,
                                                             const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!who.project_id.empty())
    default_group_of(who.project_id);
  auto it = groups_.find(id);
  if (it == groups_.end() || !owns(who, it->second.project_id))
    return result<storage::security_group>::fail(security_group_not_found(id));
  return result<storage::security_group>::of(it->second);
}

result<storage::security_group> network_book::create_security_group(const caller& who,
                                                                    storage::security_group g) {
  using R = result<storage::security_group>;
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (g.project_id.empty())
      g.project_id = who.project_id;
    if (!owns(who, g.project_id))
      return R::fail(
        {403, "PolicyNotAuthorized", "rule:create_security_group is disallowed by policy"});
    if (auto over = over_quota(g.project_id, "security_group"))
      return R::fail(*over);
    // Neutron makes the project's default group first: "default" is taken.
    default_group_of(g.project_id);
    if (g.name == "default")
      return R::fail(
        conflict("SecurityGroupDefaultAlreadyExists", "Default security group already exists."));
    g.id = storage::random_uuid();
    g.created_us = g.updated_us = storage::now_us();
    g.revision = 1;
    // Neutron's two: out to anywhere, both families.
    g.rules = {rule_of(g, "egress", "IPv4", false), rule_of(g, "egress", "IPv6", false)};
    groups_[g.id] = g;
    written = submit_put(key_space::security_groups, g);
  }
  return once_durable(written, std::move(g));
}

result<storage::security_group>
network_book::update_security_group(const caller& who, const std::string& id,
                                    const std::optional<std::string>& name,
                                    const std::optional<std::string>& description) {
  using R = result<storage::security_group>;
  std::future<std::error_code> written;
  storage::security_group out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = groups_.find(id);
    if (it == groups_.end() || !owns(who, it->second.project_id))
      return R::fail(security_group_not_found(id));
    auto& g = it->second;
    if (name && g.name == "default" && *name != "default")
      return R::fail(conflict("SecurityGroupCannotUpdateDefault",
                              "Updating default security group not allowed."));
    if (name && *name == "default" && g.name != "default")
      return R::fail(
        conflict("SecurityGroupDefaultAlreadyExists", "Default security group already exists."));
    apply_change(g.name, name);
    apply_change(g.description, description);
    ++g.revision;
    g.updated_us = storage::now_us();
    written = submit_put(key_space::security_groups, g);
    out = g;
  }
  return once_durable(written, std::move(out));
}

std::optional<failure> network_book::delete_security_group(const caller& who,
                                                           const std::string& id) {
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = groups_.find(id);
    if (it == groups_.end() || !owns(who, it->second.project_id))
      return security_group_not_found(id);
    auto def = default_group_.find(it->second.project_id);
    if (def != default_group_.end() && def->second == id && !who.is_admin)
      return conflict("SecurityGroupCannotRemoveDefault",
                      "Insufficient rights for removing default security group.");
    for (auto& [pid, p] : ports_)
      if (std::find(p.security_groups.begin(), p.security_groups.end(), id)
          != p.security_groups.end())
        return conflict("SecurityGroupInUse", "Security Group " + id + " in use.");
    if (def != default_group_.end() && def->second == id)
      default_group_.erase(def);
    groups_.erase(it);
    storage::write_batch b;
    b.erase(key_space::security_groups, id);
    // Rules of other groups that let this one in go with it (Neutron's
    // foreign key on remote_group_id cascades).
    for (auto& [gid, g] : groups_) {
      auto before = g.rules.size();
      g.rules.erase(std::remove_if(g.rules.begin(), g.rules.end(),
                                   [&id](auto& r) { return r.remote_group_id == id; }),
                    g.rules.end());
      if (g.rules.size() != before) {
        ++g.revision;
        g.updated_us = storage::now_us();
        b.put(key_space::security_groups, gid, storage::encode(g));
      }
    }
    written = submit(std::move(b));
  }
  return wait_durable(written);
}

std::vector<storage::security_group_rule> network_book::security_group_rules(const caller& who) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!who.project_id.empty())
    default_group_of(who.project_id);
  std::vector<storage::security_group_rule> out;
  for (auto& [id, g] : groups_)
    if (owns(who, g.project_id))
      out.insert(out.end(), g.rules.begin(), g.rules.end());
  return out;
}

result<storage::security_group_rule> network_book::security_group_rule(const caller& who,
                                                                       const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [gid, g] : groups_)
    if (owns(who, g.project_id))
      for (auto& r : g.rules)
        if (r.id == id)
          return result<storage::security_group_rule>::of(r);
  return result<storage::security_group_rule>::fail(security_group_rule_not_found(id));
}

result<storage::security_group_rule>
network_book::create_security_group_rule(const caller& who, storage::security_group_rule r) {
  using R = result<storage::security_group_rule>;
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = groups_.find(r.security_group_id);
    if (it == groups_.end() || !owns(who, it->second.project_id))
      return R::fail(security_group_not_found(r.security_group_id));
    if (!r.remote_group_id.empty()) {
      auto remote = groups_.find(r.remote_group_id);
      if (remote == groups_.end() || !owns(who, remote->second.project_id))
        return R::fail(security_group_not_found(r.remote_group_id));
    }
    auto& g = it->second;
    if (auto over = over_quota(g.project_id, "security_group_rule"))
      return R::fail(*over);
    for (auto& other : g.rules)
      if (same_rule(other, r))
        return R::fail(
          conflict("SecurityGroupRuleExists",
                   "Security group rule already exists. Rule id is " + other.id + "."));
    r.id = storage::random_uuid();
    r.project_id = g.project_id;
    r.created_us = r.updated_us = storage::now_us();
    r.revision = 0;
    g.rules.push_back(r);
    ++g.revision;
    written = submit_put(key_space::security_groups, g);
  }
  return once_durable(written, std::move(r));
}

std::optional<failure> network_book::delete_security_group_rule(const caller& who,
                                                                const std::string& id) {
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    storage::security_group* holder = nullptr;
    for (auto& [gid, g] : groups_)
      if (owns(who, g.project_id))
        for (auto& r : g.rules)
          if (r.id == id)
            holder = &g;
    if (!holder)
      return security_group_rule_not_found(id);
    auto& rules = holder->rules;
    rules.erase(std::remove_if(rules.begin(), rules.end(),
                               [&](const storage::security_group_rule& r) { return r.id == id; }),
                rules.end());
    ++holder->revision;
    written = submit_put(key_space::security_groups, *holder);
  }
  return wait_durable(written);
}

result<storage::network> network_book::auto_network(const caller& who) {
  using R = result<storage::network>;
  auto range = parse_prefix(opts_.auto_allocate_range, false);
  if (!range || opts_.auto_allocate_prefixlen < range->length
      || opts_.auto_allocate_prefixlen > range->width() - 2)
    return R::fail({409, "AutoAllocationFailure",
                    "Deployment error: [network] auto_allocate_range cannot hold a /"
                      + std::to_string(opts_.auto_allocate_prefixlen) + "."});
  // The first prefix of the range that no subnet overlaps.
  address_bits step = address_bits{1} << (range->width() - opts_.auto_allocate_prefixlen);
  std::optional<prefix> free;
  for (auto at = range->base.value; range->contains({range->base.version, at}); at += step) {
    prefix candidate{{range->base.version, at}, opts_.auto_allocate_prefixlen};
    bool used = false;
    for (auto& [id, s] : subnets_)
      used = used || s.cidr.overlaps(candidate);
    if (!used) {
      free = candidate;
      break;
    }
  }
  if (!free)
    return R::fail({409, "AutoAllocationFailure",
                    "Unable to automatically allocate a network for project " + who.project_id
                      + ": no free prefix is left."});
  storage::network n;
  n.id = storage::random_uuid();
  n.name = "auto_allocated_network";
  n.project_id = who.project_id;
  n.network_type = opts_.tenant_network_type;
  n.physical_network = opts_.physical_network;
  if (n.network_type == "vlan") {
    for (auto id = opts_.vlan_min; id <= opts_.vlan_max && n.segmentation_id == 0; ++id)
      if (!vlans_.count({n.physical_network, id}))
        n.segmentation_id = id;
    if (n.segmentation_id == 0)
      return R::fail({409, "AutoAllocationFailure",
                      "Unable to automatically allocate a network for project " + who.project_id
                        + ": no VLAN id is free."});
    vlans_.insert({n.physical_network, n.segmentation_id});
  }
  n.created_us = n.updated_us = storage::now_us();
  n.revision = 1;
  storage::subnet s;
  s.id = storage::random_uuid();
  s.name = "auto_allocated_subnet_v4";
  s.network_id = n.id;
  s.project_id = n.project_id;
  s.ip_version = free->base.version;
  s.cidr = to_string(*free);
  auto gw = default_gateway(*free);
  s.gateway_ip = to_string(gw);
  auto ranges = default_pools(*free, gw);
  for (auto& r : ranges)
    s.allocation_pools.push_back({to_string(r.first), to_string(r.last)});
  s.created_us = s.updated_us = n.created_us;
  address_pool pool(*free, ranges);
  pool.take(gw);
  storage::write_batch b;
  b.put(key_space::networks, n.id, storage::encode(n));
  b.put(key_space::subnets, s.id, storage::encode(s));
  submit(std::move(b));
  networks_[n.id] = n;
  subnets_.emplace(s.id, subnet_state{s, *free, std::move(pool)});
  return R::of(std::move(n));
}

} // namespace nimbus::network
