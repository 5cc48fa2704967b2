// Addresses and address management: parsing and printing, Neutron's default
// gateway and pools, the checks of given pools, and handing out addresses.
#include <doctest/doctest.h>

#include <set>

#include "network/address.h"
#include "network/ipam.h"

using namespace nimbus::network;

TEST_CASE("addresses and prefixes parse, print and compare") {
  auto a = parse_address("10.0.0.7");
  REQUIRE(a);
  CHECK(a->version == 4);
  CHECK(to_string(*a) == "10.0.0.7");
  auto b = parse_address("2001:DB8:0:0::1");
  REQUIRE(b);
  CHECK(to_string(*b) == "2001:db8::1"); // canonical text
  CHECK_FALSE(parse_address("10.0.0.256"));
  CHECK_FALSE(parse_address("nope"));
  CHECK(*a < *b); // IPv4 before IPv6
  auto p = parse_prefix("10.0.0.5/24", false);
  REQUIRE(p);
  CHECK(to_string(*p) == "10.0.0.0/24"); // host bits cleared
  CHECK_FALSE(parse_prefix("10.0.0.5/24", true));
  CHECK_FALSE(parse_prefix("10.0.0.0/33", false));
  CHECK_FALSE(parse_prefix("10.0.0.0", false));
  CHECK(p->contains(*parse_address("10.0.0.255")));
  CHECK_FALSE(p->contains(*parse_address("10.0.1.0")));
  CHECK(to_string(p->last()) == "10.0.0.255");
  CHECK(p->overlaps(*parse_prefix("10.0.0.128/25", true)));
  CHECK_FALSE(p->overlaps(*parse_prefix("10.0.1.0/24", true)));
  CHECK(parse_prefix("2001:db8::/64", true)->size() == ~0ULL); // saturated
  // A rule's remote network keeps its host bits, as Neutron keeps them.
  CHECK(*network_as_given("10.2.3.124/24") == "10.2.3.124/24");
  CHECK(*network_as_given("10.2.3.124") == "10.2.3.124/32");
  CHECK(*network_as_given("2001:DB8::1/64") == "2001:db8::1/64");
  CHECK_FALSE(network_as_given("10.2.3.124/33"));
  CHECK_FALSE(network_as_given("nowhere/8"));
}

TEST_CASE("Neutron's default gateway and pools") {
  auto v4 = *parse_prefix("192.168.1.0/24", true);
  auto gw = default_gateway(v4);
  CHECK(to_string(gw) == "192.168.1.1");
  auto pools = default_pools(v4, gw);
  REQUIRE(pools.size() == 1);
  CHECK(to_string(pools[0].first) == "192.168.1.2");
  CHECK(to_string(pools[0].last) == "192.168.1.254"); // no broadcast address
  // A gateway in the middle splits the pool.
  auto mid = *parse_address("192.168.1.100");
  pools = default_pools(v4, mid);
  REQUIRE(pools.size() == 2);
  CHECK(to_string(pools[0].last) == "192.168.1.99");
  CHECK(to_string(pools[1].first) == "192.168.1.101");
  // No gateway: every host address.
  pools = default_pools(v4, std::nullopt);
  CHECK(to_string(pools[0].first) == "192.168.1.1");
  // IPv6: the gateway is the network address, the pool runs to the end.
  auto v6 = *parse_prefix("2001:db8::/120", true);
  CHECK(to_string(default_gateway(v6)) == "2001:db8::");
  pools = default_pools(v6, default_gateway(v6));
  REQUIRE(pools.size() == 1);
  CHECK(to_string(pools[0].first) == "2001:db8::1");
  CHECK(to_string(pools[0].last) == "2001:db8::ff");
}

TEST_CASE("given pools are checked as Neutron checks them") {
  auto cidr = *parse_prefix("10.0.0.0/24", true);
  auto range = [](const char* a, const char* b) {
    return address_range{*parse_address(a), *parse_address(b)};
  };
  auto gw = parse_address("10.0.0.1");
  CHECK_FALSE(pools_problem(cidr, {range("10.0.0.10", "10.0.0.20")}, gw));
  auto outside = pools_problem(cidr, {range("10.0.0.10", "10.0.1.20")}, gw);
  REQUIRE(outside);
  CHECK(outside->type == "OutOfBoundsAllocationPool");
  CHECK(pools_problem(cidr, {range("10.0.0.20", "10.0.0.10")}, gw)->type
        == "InvalidAllocationPool");
  auto gateway = pools_problem(cidr, {range("10.0.0.1", "10.0.0.9")}, gw);
  REQUIRE(gateway);
  CHECK(gateway->status == 409);
  CHECK(gateway->message
        == "Gateway ip 10.0.0.1 conflicts with allocation pool 10.0.0.1-10.0.0.9.");
  CHECK(pools_problem(cidr, {range("10.0.0.10", "10.0.0.20"), range("10.0.0.15", "10.0.0.30")}, gw)
          ->type
        == "OverlappingAllocationPools");
}

TEST_CASE("a pool hands out each address once, wraps, and fills up") {
  auto cidr = *parse_prefix("10.0.0.0/29", true); // .1 gateway, .2-.6 pool
  address_pool pool(cidr, default_pools(cidr, default_gateway(cidr)));
  std::set<std::string> seen;
  while (auto a = pool.take_next())
    CHECK(seen.insert(to_string(*a)).second);
  CHECK(seen == std::set<std::string>{"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"});
  CHECK_FALSE(pool.take_next()); // full
  pool.give_back(*parse_address("10.0.0.4"));
  auto again = pool.take_next();
  REQUIRE(again);
  CHECK(to_string(*again) == "10.0.0.4");
  CHECK_FALSE(pool.take(*parse_address("10.0.0.4"))); // taken
  CHECK_FALSE(pool.take(*parse_address("10.0.1.4"))); // outside the prefix
  CHECK(pool.take(*parse_address("10.0.0.7")));       // in the prefix, outside the pools
  CHECK(pool.taken_count() == 6);
}
