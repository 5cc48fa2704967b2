// The network book on real RocksDB files: visibility, segments, subnets,
// ports with their addresses under concurrency, default security groups,
// and a server's ports.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "network/network_book.h"
#include "storage/store.h"
#include "tests/support/temp_dir.h"

using namespace nimbus;
using network::caller;

namespace {

std::shared_ptr<storage::store> open_store(const test::temp_dir& dir) {
  std::error_code ec;
  std::shared_ptr<storage::store> s = storage::open_rocksdb_store({dir.sub("api")}, &ec);
  REQUIRE_FALSE(ec);
  return s;
}

const caller alice{"project-a", false};
const caller bob{"project-b", false};
const caller admin{"admin-project", true};

storage::network named(const std::string& name) {
  storage::network n;
  n.name = name;
  n.network_type.clear();
  return n;
}

storage::network make_network(network::network_book& book, const caller& who,
                              const std::string& name, const std::string& cidr) {
  auto n = book.create_network(who, named(name));
  REQUIRE(n.ok());
  storage::subnet s;
  s.network_id = n.value->id;
  s.ip_version = cidr.find(':') == std::string::npos ? 4 : 6;
  s.cidr = cidr;
  auto made = book.create_subnet(who, s, std::nullopt);
  REQUIRE(made.ok());
  return *n.value;
}

storage::port port_on(const std::string& network_id) {
  storage::port p;
  p.network_id = network_id;
  return p;
}

} // namespace

TEST_CASE("networks: owners, sharing, VLAN segments") {
  test::temp_dir dir;
  network::network_book book(open_store(dir), {});
  auto mine = book.create_network(alice, named("mine"));
  REQUIRE(mine.ok());
  CHECK(mine.value->project_id == "project-a");
  CHECK(mine.value->network_type == "vlan"); // the tenant default
  CHECK(mine.value->segmentation_id == 100);
  auto other = book.create_network(bob, named("bobs"));
  REQUIRE(other.ok());
  CHECK(other.value->segmentation_id == 101); // a VLAN each
  CHECK(book.network(bob, mine.value->id).error.type == "NetworkNotFound");
  CHECK(book.networks(alice).size() == 1);
  CHECK(book.networks(admin).size() == 2);
  auto shared = named("public");
  shared.shared = true;
  shared.network_type = "flat";
  REQUIRE(book.create_network(admin, shared).ok());
  CHECK(book.networks(bob).size() == 2); // its own and the shared one
  auto taken = named("taken");
  taken.network_type = "vlan";
  taken.segmentation_id = 100;
  auto refused = book.create_network(admin, taken);
  CHECK(refused.error.status == 409);
  CHECK(refused.error.type == "VlanIdInUse");
  CHECK(book.delete_network(bob, mine.value->id)->status == 404);
  CHECK_FALSE(book.delete_network(alice, mine.value->id));
  // Its VLAN is free again.
  auto again = book.create_network(alice, named("again"));
  CHECK(again.value->segmentation_id == 100);
}

TEST_CASE("subnets: Neutron's defaults, overlaps, and deletes") {
  test::temp_dir dir;
  network::network_book book(open_store(dir), {});
  auto n = make_network(book, alice, "net", "10.1.0.0/24");
  auto subnets = book.subnets(alice);
  REQUIRE(subnets.size() == 1);
  CHECK(subnets[0].gateway_ip == "10.1.0.1");
  REQUIRE(subnets[0].allocation_pools.size() == 1);
  CHECK(subnets[0].allocation_pools[0].start == "10.1.0.2");
  CHECK(subnets[0].allocation_pools[0].end == "10.1.0.254");
  storage::subnet overlapping;
  overlapping.network_id = n.id;
  overlapping.cidr = "10.1.0.128/25";
  auto refused = book.create_subnet(alice, overlapping, std::nullopt);
  CHECK(refused.error.status == 400);
  CHECK(refused.error.message.find("overlaps with another subnet") != std::string::npos);
  storage::subnet none;
  none.network_id = n.id;
  none.cidr = "10.2.0.0/24";
  auto no_gateway = book.create_subnet(alice, none, std::string{});
  REQUIRE(no_gateway.ok());
  CHECK(no_gateway.value->gateway_ip.empty());
  CHECK(no_gateway.value->allocation_pools[0].start == "10.2.0.1");
  CHECK(book.create_subnet(bob, none, std::nullopt).error.type == "NetworkNotFound");
  auto port = book.create_port(alice, port_on(n.id), std::nullopt, std::nullopt);
  REQUIRE(port.ok());
  auto in_use = book.delete_subnet(alice, port.value->fixed_ips[0].subnet_id);
  REQUIRE(in_use);
  CHECK(in_use->type == "SubnetInUse");
  CHECK(book.delete_network(alice, n.id)->type == "NetworkInUse");
}

TEST_CASE("ports: addresses, MACs, the default group, and a restart") {
  test::temp_dir dir;
  std::string network_id, port_id, address;
  {
    network::network_book book(open_store(dir), {});
    auto n = make_network(book, alice, "dual", "10.3.0.0/24");
    storage::subnet v6;
    v6.network_id = n.id;
    v6.ip_version = 6;
    v6.cidr = "2001:db8:3::/64";
    REQUIRE(book.create_subnet(alice, v6, std::nullopt).ok());
    network_id = n.id;
    auto p = book.create_port(alice, port_on(n.id), std::nullopt, std::nullopt);
    REQUIRE(p.ok());
    REQUIRE(p.value->fixed_ips.size() == 2); // one of each family, IPv4 first
    CHECK(p.value->fixed_ips[0].ip_address == "10.3.0.2");
    CHECK(p.value->fixed_ips[1].ip_address == "2001:db8:3::1");
    CHECK(p.value->mac_address.rfind("fa:16:3e:", 0) == 0);
    REQUIRE(p.value->security_groups.size() == 1);
    auto groups = book.security_groups(alice);
    REQUIRE(groups.size() == 1);
    CHECK(groups[0].name == "default");
    CHECK(groups[0].id == p.value->security_groups[0]);
    CHECK(groups[0].rules.size() == 4);
    port_id = p.value->id;
    address = p.value->fixed_ips[0].ip_address;
    std::vector<network::ip_request> same{{"", address}};
    auto twice = book.create_port(alice, port_on(n.id), same, std::nullopt);
    CHECK(twice.error.status == 409);
    CHECK(twice.error.type == "IpAddressAlreadyAllocated");
    std::vector<network::ip_request> stranger{{"", "10.9.9.9"}};
    CHECK(book.create_port(alice, port_on(n.id), stranger, std::nullopt).error.type
          == "InvalidIpForNetwork");
  }
  // What was durable is there after a restart, and still taken.
  network::network_book book(open_store(dir), {});
  auto p = book.port(alice, port_id);
  REQUIRE(p.ok());
  CHECK(p.value->fixed_ips[0].ip_address == address);
  std::vector<network::ip_request> same{{"", address}};
  CHECK(book.create_port(alice, port_on(network_id), same, std::nullopt).error.type
        == "IpAddressAlreadyAllocated");
  CHECK(book.security_groups(alice).size() == 1); // the default group was not made twice
}

TEST_CASE("concurrent creates never share an address or a MAC") {
  test::temp_dir dir;
  network::network_book book(open_store(dir), {});
  auto n = make_network(book, alice, "busy", "10.4.0.0/22");
  constexpr int threads = 8, each = 60;
  std::vector<std::vector<storage::port>> made(threads);
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < each; ++i) {
        auto p = book.create_port(alice, port_on(n.id), std::nullopt, std::nullopt);
        if (p.ok())
          made[t].push_back(*p.value);
      }
    });
  for (auto& w : workers)
    w.join();
  std::set<std::string> ips, macs;
  std::size_t count = 0;
  for (auto& list : made)
    for (auto& p : list) {
      ++count;
      ips.insert(p.fixed_ips.at(0).ip_address);
      macs.insert(p.mac_address);
    }
  CHECK(count == threads * each);
  CHECK(ips.size() == count);
  CHECK(macs.size() == count);
  CHECK(book.security_groups(alice).size() == 1); // one default group, made once
}

TEST_CASE("security groups and rules follow Neutron's rules") {
  test::temp_dir dir;
  network::network_book book(open_store(dir), {});
  storage::security_group web;
  web.name = "web";
  auto g = book.create_security_group(alice, web);
  REQUIRE(g.ok());
  CHECK(g.value->rules.size() == 2);              // egress, both families
  CHECK(book.security_groups(alice).size() == 2); // with the default one
  storage::security_group clash;
  clash.name = "default";
  CHECK(book.create_security_group(alice, clash).error.type == "SecurityGroupDefaultAlreadyExists");
  storage::security_group_rule ssh;
  ssh.security_group_id = g.value->id;
  ssh.protocol = "tcp";
  ssh.port_range_min = ssh.port_range_max = 22;
  ssh.remote_ip_prefix = "0.0.0.0/0";
  auto rule = book.create_security_group_rule(alice, ssh);
  REQUIRE(rule.ok());
  ssh.remote_ip_prefix.clear(); // everything and nothing are the same remote
  auto duplicate = book.create_security_group_rule(alice, ssh);
  CHECK(duplicate.error.type == "SecurityGroupRuleExists");
  CHECK(duplicate.error.message.find(rule.value->id) != std::string::npos);
  CHECK(book.security_group_rule(bob, rule.value->id).error.status == 404);
  CHECK_FALSE(book.delete_security_group_rule(alice, rule.value->id));
  auto def = book.security_groups(alice);
  std::string default_id;
  for (auto& x : def)
    if (x.name == "default")
      default_id = x.id;
  CHECK(book.delete_security_group(alice, default_id)->type == "SecurityGroupCannotRemoveDefault");
  auto n = make_network(book, alice, "net", "10.5.0.0/24");
  std::vector<std::string> groups{g.value->id};
  REQUIRE(book.create_port(alice, port_on(n.id), std::nullopt, groups).ok());
  CHECK(book.delete_security_group(alice, g.value->id)->type == "SecurityGroupInUse");
  CHECK_FALSE(book.delete_security_group(admin, default_id)); // an admin may (tempest's cleanup)
}

TEST_CASE("a group's delete takes the rules of other groups that let it in") {
  test::temp_dir dir;
  std::string peer_id;
  {
    network::network_book book(open_store(dir), {});
    storage::security_group g;
    g.name = "app";
    auto app = book.create_security_group(alice, g);
    g.name = "db";
    auto db = book.create_security_group(alice, g);
    REQUIRE((app.ok() && db.ok()));
    peer_id = db.value->id;
    storage::security_group_rule from_app;
    from_app.security_group_id = db.value->id;
    from_app.remote_group_id = app.value->id;
    REQUIRE(book.create_security_group_rule(alice, from_app).ok());
    CHECK(book.security_group(alice, db.value->id).value->rules.size() == 3);
    CHECK_FALSE(book.delete_security_group(alice, app.value->id));
    auto left = book.security_group(alice, db.value->id).value->rules;
    CHECK(left.size() == 2); // its own egress rules
    CHECK(std::none_of(left.begin(), left.end(),
                       [&](auto& r) { return r.remote_group_id == app.value->id; }));
  }
  // The cascade was written, not only made in memory.
  network::network_book book(open_store(dir), {});
  CHECK(book.security_group(alice, peer_id).value->rules.size() == 2);
}

TEST_CASE("a server's ports: omitted, auto, listed, and released") {
  test::temp_dir dir;
  network::network_book book(open_store(dir), {});
  using network::server_networks;
  // No network at all: omitted boots without a port, auto makes one network.
  auto none = book.allocate_for_server(alice, "server-1", "nova", server_networks::omitted, {});
  REQUIRE(none.ok());
  CHECK(none.value->empty());
  auto first = book.allocate_for_server(alice, "server-1", "nova", server_networks::automatic, {});
  REQUIRE(first.ok());
  REQUIRE(first.value->size() == 1);
  auto& vif = first.value->front();
  CHECK(vif.network_name == "auto_allocated_network");
  CHECK(vif.ips.at(0) == "10.0.0.2");
  CHECK(vif.bridge == "nbr" + vif.network_id.substr(0, 11));
  CHECK(vif.vlan >= 100);
  auto second = book.allocate_for_server(alice, "server-2", "nova", server_networks::automatic, {});
  REQUIRE(second.ok());
  CHECK(second.value->front().network_id == vif.network_id); // the same network again
  CHECK(second.value->front().ips.at(0) == "10.0.0.3");
  CHECK(book.networks(alice).size() == 1);
  // Bob's automatic network takes the next free prefix.
  auto bobs = book.allocate_for_server(bob, "server-3", "nova", server_networks::automatic, {});
  REQUIRE(bobs.ok());
  CHECK(bobs.value->front().ips.at(0) == "10.1.0.2");
  // Two networks: omitted is ambiguous (Nova's 409).
  make_network(book, alice, "second", "192.168.7.0/24");
  auto ambiguous =
    book.allocate_for_server(alice, "server-4", "nova", server_networks::omitted, {});
  CHECK(ambiguous.error.status == 409);
  CHECK(ambiguous.error.type == "NetworkAmbiguous");
  // A user's port is bound and unbound; a port made for a server goes with it.
  auto own = book.create_port(alice, storage::port{}, std::nullopt, std::nullopt);
  CHECK(own.error.type == "NetworkNotFound");
  storage::port p;
  p.network_id = vif.network_id;
  auto mine = book.create_port(alice, p, std::nullopt, std::nullopt);
  REQUIRE(mine.ok());
  auto listed =
    book.allocate_for_server(alice, "server-5", "az1", server_networks::listed,
                             {{"", mine.value->id, ""}, {vif.network_id, "", "10.0.0.50"}});
  REQUIRE(listed.ok());
  REQUIRE(listed.value->size() == 2);
  CHECK(listed.value->at(1).ips.at(0) == "10.0.0.50");
  CHECK(book.port(alice, mine.value->id).value->device_owner == "compute:az1");
  auto reused = book.allocate_for_server(alice, "server-6", "nova", server_networks::listed,
                                         {{"", mine.value->id, ""}});
  CHECK(reused.error.type == "PortInUse");
  auto before = book.ports(alice).size();
  book.release_for_server("server-5");
  CHECK(book.ports(alice).size() == before - 1); // the made port went
  auto unbound = book.port(alice, mine.value->id);
  REQUIRE(unbound.ok());
  CHECK(unbound.value->device_id.empty());
  // A failed request takes nothing: the address asked for is free again.
  auto taken = book.allocate_for_server(alice, "server-7", "nova", server_networks::listed,
                                        {{vif.network_id, "", "10.0.0.60"}, {"nope", "", ""}});
  CHECK(taken.error.type == "NetworkNotFound");
  auto retry = book.allocate_for_server(alice, "server-7", "nova", server_networks::listed,
                                        {{vif.network_id, "", "10.0.0.60"}});
  CHECK(retry.ok());
  // Security groups by name for the ports made for a server; an unknown one
  // refuses the boot.
  storage::security_group web;
  web.name = "web";
  auto group = book.create_security_group(alice, web);
  REQUIRE(group.ok());
  auto grouped = book.allocate_for_server(alice, "server-8", "nova", server_networks::listed,
                                          {{vif.network_id, "", ""}}, {"web"});
  REQUIRE(grouped.ok());
  CHECK(book.port(alice, grouped.value->front().port_id).value->security_groups
        == std::vector<std::string>{group.value->id});
  auto unknown = book.allocate_for_server(alice, "server-9", "nova", server_networks::listed,
                                          {{vif.network_id, "", ""}}, {"nope"});
  CHECK(unknown.error.message == "Security group nope not found.");
  book.release_for_server("server-8");
  // At start, the ports of servers nobody knows go back (a crash between a
  // boot's ports and its build): servers 1, 3 and 7 here.
  CHECK(book.release_unknown_servers([](const std::string& uuid) { return uuid == "server-2"; })
        == 3);
  std::set<std::string> bound;
  for (auto& p : book.ports(admin))
    if (!p.device_id.empty())
      bound.insert(p.device_id);
  CHECK(bound == std::set<std::string>{"server-2"});
}

TEST_CASE("floating IPs: external networks, association, and what a port's end does") {
  test::temp_dir dir;
  std::string fip_id;
  {
    network::network_book book(open_store(dir), {});
    auto pub = named("public");
    pub.external = true;
    pub.network_type = "flat";
    auto ext = book.create_network(admin, pub);
    REQUIRE(ext.ok());
    storage::subnet s;
    s.network_id = ext.value->id;
    s.cidr = "203.0.113.0/29"; // .1 gateway, .2-.6
    REQUIRE(book.create_subnet(admin, s, std::nullopt).ok());
    auto inner = make_network(book, alice, "inner", "10.6.0.0/24");
    CHECK(book.networks(bob).size() == 1); // an external network is seen by all
    storage::floating_ip f;
    f.floating_network_id = inner.id;
    CHECK(book.create_floating_ip(alice, f).error.message.find("is not a valid external network")
          != std::string::npos);
    f.floating_network_id = ext.value->id;
    auto fip = book.create_floating_ip(alice, f);
    REQUIRE(fip.ok());
    CHECK(fip.value->floating_ip_address == "203.0.113.2");
    CHECK(fip.value->port_id.empty());
    fip_id = fip.value->id;
    auto port = book.create_port(alice, port_on(inner.id), std::nullopt, std::nullopt);
    REQUIRE(port.ok());
    auto bound = book.update_floating_ip(alice, fip_id, port.value->id, std::nullopt, std::nullopt);
    REQUIRE(bound.ok());
    CHECK(bound.value->fixed_ip_address == port.value->fixed_ips[0].ip_address);
    CHECK(book.update_floating_ip(bob, fip_id, std::string{}, std::nullopt, std::nullopt).error.type
          == "FloatingIPNotFound");
    auto second = book.create_floating_ip(alice, f);
    REQUIRE(second.ok());
    CHECK(
      book.update_floating_ip(alice, second.value->id, port.value->id, std::nullopt, std::nullopt)
        .error.type
      == "FloatingIPPortAlreadyAssociated");
    // Three more fill the pool; the sixth finds none.
    for (int i = 0; i < 3; ++i)
      REQUIRE(book.create_floating_ip(bob, f).ok());
    CHECK(book.create_floating_ip(bob, f).error.type == "ExternalIpAddressExhausted");
    CHECK(book.delete_network(admin, ext.value->id)->type == "NetworkInUse");
    // The port goes: its floating IP maps to nothing, and stays the project's.
    REQUIRE_FALSE(book.delete_port(alice, port.value->id));
    CHECK(book.floating_ip(alice, fip_id).value->port_id.empty());
  }
  // After a restart the address is still taken.
  network::network_book book(open_store(dir), {});
  CHECK(book.floating_ip(alice, fip_id).value->floating_ip_address == "203.0.113.2");
  REQUIRE_FALSE(book.delete_floating_ip(alice, fip_id));
  storage::floating_ip again;
  again.floating_network_id = book.floating_ips(bob).front().floating_network_id;
  auto reused = book.create_floating_ip(alice, again);
  REQUIRE(reused.ok());
  CHECK(reused.value->floating_ip_address == "203.0.113.2"); // the one given back
}
