#pragma once
// The network service's records (networks, subnets, ports, security groups
// with their rules) in the API cell's store, served from memory, with
// Neutron's rules: who sees what, address management, segments, the default
// security group of each project. CAF-free.
//
// Contract:
// - Thread-safe: every call runs under one lock, so two calls never hand
//   out one fixed IP, one MAC address or one VLAN id, and two creates of a
//   project's default security group make one.
// - A change is decided and submitted to the store under the lock, so the
//   store sees changes in the order they were made. The REST calls return
//   once their write is durable. allocate_for_server returns at once: its
//   ports are in the store's queue ahead of the build write that follows
//   them in the same store, so a build that is durable has its ports.
// - Records are visible to their project and to admins; networks also to
//   everyone when shared or external, and subnets with their network.
//   Another project's record answers "not found", as in Neutron.
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "network/address.h"
#include "network/failure.h"
#include "network/ipam.h"
#include "network/network_options.h"
#include "network/server_networks.h"
#include "storage/network_records.h"
#include "storage/records.h"
#include "storage/store.h"

namespace nimbus::network {

struct caller {
  std::string project_id;
  bool is_admin = false;
};

struct network_change {
  std::optional<std::string> name, description;
  std::optional<bool> admin_state_up, shared, external, port_security_enabled;
  std::optional<std::int32_t> mtu;
};
struct subnet_change {
  std::optional<std::string> name, description;
  std::optional<std::optional<std::string>> gateway_ip; // nullopt inside: no gateway
  std::optional<std::vector<std::string>> dns_nameservers;
  std::optional<std::vector<storage::host_route>> host_routes;
  std::optional<bool> enable_dhcp;
  std::optional<std::vector<storage::allocation_pool>> allocation_pools;
};
struct ip_request {
  std::string subnet_id;  // empty: any subnet of the network (of the address's family)
  std::string ip_address; // empty: the next free one
};
struct port_change {
  std::optional<std::string> name, description, device_id, device_owner, host_id, mac_address;
  std::optional<bool> admin_state_up, port_security_enabled;
  std::optional<std::vector<std::string>> security_groups;
  std::optional<std::vector<ip_request>> fixed_ips;
};

class network_book {
public:
  /// Loads every network record of `store`.
  network_book(std::shared_ptr<storage::store> store, network_options opts);

  std::vector<storage::network> networks(const caller& who) const;
  result<storage::network> network(const caller& who, const std::string& id) const;
  /// `n` as given, with id, times and owner filled (owner: the caller's
  /// project unless an admin named one). An empty network_type takes the
  /// tenant default; a vlan without a segmentation id takes the next free one.
  result<storage::network> create_network(const caller& who, storage::network n);
  result<storage::network> update_network(const caller& who, const std::string& id,
                                          const network_change& c);
  /// Also deletes its subnets; 409 NetworkInUse while ports other than
  /// the network's own are on it.
  std::optional<failure> delete_network(const caller& who, const std::string& id);

  std::vector<storage::subnet> subnets(const caller& who) const;
  result<storage::subnet> subnet(const caller& who, const std::string& id) const;
  /// `s.cidr` as given; `gateway`: nullopt for Neutron's default, an empty
  /// string for none; empty allocation_pools: Neutron's default pools.
  result<storage::subnet> create_subnet(const caller& who, storage::subnet s,
                                        std::optional<std::string> gateway);
  result<storage::subnet> update_subnet(const caller& who, const std::string& id,
                                        const subnet_change& c);
  std::optional<failure> delete_subnet(const caller& who, const std::string& id);

  std::vector<storage::port> ports(const caller& who) const;
  result<storage::port> port(const caller& who, const std::string& id) const;
  /// The ports bound to device `device_id` (a server's), whoever owns them,
  /// in id order: the compute API has checked the server is the caller's.
  std::vector<storage::port> ports_of_device(const std::string& device_id) const;
  /// `p` as given; `ips`: nullopt for the default (one address of the
  /// first IPv4 subnet with room, and of the first IPv6 subnet);
  /// `groups`: nullopt for the project's default security group.
  result<storage::port> create_port(const caller& who, storage::port p,
                                    const std::optional<std::vector<ip_request>>& ips,
                                    std::optional<std::vector<std::string>> groups);
  result<storage::port> update_port(const caller& who, const std::string& id, const port_change& c);
  std::optional<failure> delete_port(const caller& who, const std::string& id);

  /// The caller's project's groups include its default one, made now if
  /// it has none yet (as Neutron does at a project's first call).
  std::vector<storage::security_group> security_groups(const caller& who);
  result<storage::security_group> security_group(const caller& who, const std::string& id);
  result<storage::security_group> create_security_group(const caller& who,
                                                        storage::security_group g);
  result<storage::security_group>
  update_security_group(const caller& who, const std::string& id,
                        const std::optional<std::string>& name,
                        const std::optional<std::string>& description);
  std::optional<failure> delete_security_group(const caller& who, const std::string& id);
  std::vector<storage::security_group_rule> security_group_rules(const caller& who);
  result<storage::security_group_rule> security_group_rule(const caller& who,
                                                           const std::string& id);
  result<storage::security_group_rule> create_security_group_rule(const caller& who,
                                                                  storage::security_group_rule r);
  std::optional<failure> delete_security_group_rule(const caller& who, const std::string& id);

  /// The ports of a server being created, bound to `server_uuid` (Nova's
  /// allocate_for_instance): a new port on each requested network (or on
  /// the project's one network when omitted; on its own network, made if
  /// need be, for automatic), or the requested port itself. Fails as Nova
  /// does (409 for an ambiguous or used request, 400 for an unknown one)
  /// and then takes nothing.
  /// `groups` (names or ids of the caller's security groups) go on the
  /// ports made for it; none: the project's default group.
  result<std::vector<storage::server_vif>>
  allocate_for_server(const caller& who, const std::string& server_uuid, const std::string& zone,
                      server_networks mode, const std::vector<requested_network>& requested,
                      const std::vector<std::string>& groups = {});
  /// The server is gone: the ports made for it are deleted, the others
  /// unbound. Does not block (the write is submitted, not awaited).
  void release_for_server(const std::string& server_uuid);
  /// At start: releases the ports bound to servers that `exists` does not
  /// know (a crash between a boot's ports and its build, or between a
  /// server's forget and its ports' release). Returns how many servers.
  std::size_t release_unknown_servers(const std::function<bool(const std::string&)>& exists);

  /// Floating IPs: addresses of external networks (router:external) given to
  /// projects, each mapped to a fixed IP of one of the project's ports or
  /// to none. Every external network is reachable from every network here
  /// (there are no routers to say otherwise).
  std::vector<storage::floating_ip> floating_ips(const caller& who) const;
  result<storage::floating_ip> floating_ip(const caller& who, const std::string& id) const;
  /// `f.floating_network_id` must be external; `f.floating_ip_address`
  /// (given: that one) and `f.port_id` / `f.fixed_ip_address` (given:
  /// associated at once) as Neutron takes them.
  result<storage::floating_ip> create_floating_ip(const caller& who, storage::floating_ip f);
  /// `port_id`: a port to associate with (empty: disassociate); nullopt:
  /// leave the association as it is.
  result<storage::floating_ip> update_floating_ip(const caller& who, const std::string& id,
                                                  const std::optional<std::string>& port_id,
                                                  const std::optional<std::string>& fixed_ip,
                                                  const std::optional<std::string>& description);
  std::optional<failure> delete_floating_ip(const caller& who, const std::string& id);

  /// Neutron's quotas: a project's limits (its own over the defaults),
  /// with what it uses; set and reset by admins. Creates past a limit
  /// are refused with 409 OverQuota; ports made for servers count too.
  std::map<std::string, std::int64_t> quotas(const std::string& project_id) const;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>>
  quota_usage(const std::string& project_id) const; // resource -> (limit, used)
  result<std::map<std::string, std::int64_t>>
  set_quotas(const caller& who, const std::string& project_id,
             const std::map<std::string, std::int64_t>& limits);
  std::optional<failure> reset_quotas(const caller& who, const std::string& project_id);
  /// Every project with limits of its own.
  std::vector<std::string> projects_with_quotas() const;

  /// The host bridge of a network: "nbr" and the first 11 characters of its id.
  static std::string bridge_of(const std::string& network_id);

  const network_options& options() const { return opts_; }

private:
  struct subnet_state {
    storage::subnet record;
    prefix cidr;
    address_pool pool;
  };

  std::shared_ptr<storage::store> store_;
  network_options opts_;
  mutable std::mutex mutex_; // guards what follows
  std::map<std::string, storage::network> networks_;
  std::map<std::string, subnet_state> subnets_;
  std::map<std::string, storage::port> ports_;
  std::map<std::string, storage::security_group> groups_;
  std::unordered_map<std::string, std::string> default_group_; // project -> group id
  std::set<std::pair<std::string, std::int32_t>> vlans_;       // (physical network, id) in use
  std::set<std::string> macs_;
  std::map<std::string, std::map<std::string, std::int64_t>> limits_; // project -> own limits
  std::map<std::string, std::int64_t> ports_of_project_;              // kept: boots count ports
  std::map<std::string, std::set<std::string>> ports_of_device_;      // device id -> port ids
  std::map<std::string, storage::floating_ip> floating_;              // by id
  std::mt19937_64 random_{std::random_device{}()};

  // Under the lock:
  std::future<std::error_code> submit(storage::write_batch b);
  /// submit() of one record put under its id.
  template <class Record>
  std::future<std::error_code> submit_put(storage::key_space space, const Record& r) {
    storage::write_batch b;
    b.put(space, r.id, storage::encode(r));
    return submit(std::move(b));
  }
  bool sees(const caller& who, const storage::network& n) const;
  bool owns(const caller& who, const std::string& project_id) const {
    return who.is_admin || who.project_id == project_id;
  }
  std::string new_mac();
  /// The project's default group, made (and submitted) if it has none.
  const storage::security_group& default_group_of(const std::string& project_id);
  /// Takes the addresses of `ips` on network `network_id` (nullopt: the
  /// default); on failure takes nothing.
  result<std::vector<storage::fixed_ip>>
  take_addresses(const std::string& network_id, const std::optional<std::vector<ip_request>>& ips);
  void give_back(const std::vector<storage::fixed_ip>& ips);
  std::optional<failure> check_groups(const caller& who, const std::string& project_id,
                                      const std::vector<std::string>& groups) const;
  /// A new port on network `n` for `who`, staged in `b` and in memory.
  result<storage::port> make_port(const caller& who, storage::port p,
                                  const std::optional<std::vector<ip_request>>& ips,
                                  std::optional<std::vector<std::string>> groups,
                                  storage::write_batch& b);
  /// The project's network for `networks: auto`, made (and submitted) if
  /// it has none.
  result<storage::network> auto_network(const caller& who);
  storage::server_vif vif_of(const storage::port& p) const;
  /// Keeps ports_ and the indexes of ports by device and by project in
  /// step: every change of ports_ goes through these.
  void put_port(const storage::port& p);
  void erase_port(const std::string& id);
  void load();
  std::int64_t used(const std::string& project_id, const std::string& resource) const;
  /// Points `f` at port `port_id` (its `fixed_ip`, or its first IPv4
  /// address), as Neutron checks it; the caller stages the write.
  std::optional<failure> associate(const caller& who, storage::floating_ip& f,
                                   const std::string& port_id, const std::string& fixed_ip);
  /// The floating IPs of port `port_id` (being deleted or unbound) point
  /// nowhere now; staged in `b`.
  void disassociate_port(const std::string& port_id, storage::write_batch& b);
  /// 409 OverQuota when the project may not have one more `resource`.
  std::optional<failure> over_quota(const std::string& project_id,
                                    const std::string& resource) const;
};

/// Neutron's not-found messages.
failure network_not_found(const std::string& id);
failure subnet_not_found(const std::string& id);
failure port_not_found(const std::string& id);
failure security_group_not_found(const std::string& id);
failure security_group_rule_not_found(const std::string& id);

/// Waits for a submitted write; a failure is a 500 in Neutron's form.
std::optional<failure> wait_durable(std::future<std::error_code>& f);
/// `value` once the write `f` is durable, or the failure of the write.
template <class T>
result<T> once_durable(std::future<std::error_code>& f, T value) {
  if (auto failed = wait_durable(f))
    return result<T>::fail(*failed);
  return result<T>::of(std::move(value));
}
/// Sets `field` to what a change says of it, when it says anything.
template <class T>
void apply_change(T& field, const std::optional<T>& change) {
  if (change)
    field = *change;
}

} // namespace nimbus::network
