// Filters, weighers and the claim ledger, without CAF.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "actors/scheduler/filters.h"
#include "actors/scheduler/placement_engine.h"
#include "actors/scheduler/weighers.h"

using namespace nimbus::scheduler;

namespace {

host_state host(std::string name, int vcpus, long mem, long disk) {
  host_state h;
  h.name = std::move(name);
  h.vcpus_total = vcpus;
  h.memory_mb_total = mem;
  h.disk_gb_total = disk;
  h.up = true;
  return h;
}

bool passes(const char* filter, const host_state& h, resources r, allocation_ratios ratios = {}) {
  auto f = make_filter(filter, ratios);
  REQUIRE(f);
  return f->host_passes(h, r);
}

} // namespace

TEST_CASE("capacity filters apply their allocation ratios") {
  auto h = host("h", 4, 1024, 10);
  h.vcpus_used = 15;
  h.memory_mb_used = 512;
  CHECK(passes("CoreFilter", h, {1, 0, 0})); // 4 * 4.0 - 15 = 1 left
  CHECK_FALSE(passes("CoreFilter", h, {2, 0, 0}));
  CHECK(passes("RamFilter", h, {0, 512, 0})); // ratio 1.0: 512 left
  CHECK_FALSE(passes("RamFilter", h, {0, 513, 0}));
  CHECK(passes("RamFilter", h, {0, 1536, 0}, {4.0, 2.0, 1.0})); // ratio 2.0: 1536 left
  CHECK(passes("DiskFilter", h, {0, 0, 10}));
  CHECK_FALSE(passes("DiskFilter", h, {0, 0, 11}));
}

TEST_CASE("the compute filter wants a host that is up and enabled") {
  auto h = host("h", 4, 1024, 10);
  CHECK(passes("ComputeFilter", h, {}));
  h.up = false;
  CHECK_FALSE(passes("ComputeFilter", h, {}));
  h.up = true;
  h.enabled = false;
  CHECK_FALSE(passes("ComputeFilter", h, {}));
  CHECK_FALSE(make_filter("NoSuchFilter", {}));
}

TEST_CASE("weighers spread: the host with the most free memory ranks first") {
  auto a = host("a", 8, 4096, 100), b = host("b", 8, 8192, 100), c = host("c", 8, 8192, 100);
  c.vcpus_used = 4;
  std::vector<const host_state*> hosts{&a, &b, &c};
  std::vector<std::unique_ptr<host_weigher>> weighers;
  weighers.push_back(make_weigher("RAMWeigher", 1.0));
  weighers.push_back(make_weigher("CPUWeigher", 1.0));
  rank(hosts, weighers);
  CHECK(hosts[0]->name == "b"); // most RAM and most free CPU: 1 + 1
  CHECK(hosts[1]->name == "a"); // RAM 0 + CPU 1 ties with c's 1 + 0: the smaller name wins
  CHECK(hosts[2]->name == "c");
  std::vector<std::unique_ptr<host_weigher>> stack;
  stack.push_back(make_weigher("RAMWeigher", -1.0));
  rank(hosts, stack);
  CHECK(hosts[0]->name == "a"); // a negative multiplier stacks
}

TEST_CASE("the engine claims atomically, names alternates and releases") {
  placement_engine e({});
  for (auto name : {"h1", "h2", "h3", "h4"})
    e.update_host(name, 4, 4096, 100, 1);
  auto c = e.select("u1", {1, 2048, 10}, {}, 2);
  REQUIRE(c);
  CHECK(c->alternates.size() == 2); // max_attempts 3
  CHECK(e.hosts().at(c->host).memory_mb_used == 2048);
  // Identical hosts and spread weighers: four boots land on four hosts.
  std::map<std::string, int> count{{c->host, 1}};
  for (auto u : {"u2", "u3", "u4"})
    count[e.select(u, {1, 2048, 10}, {}, 2)->host]++;
  CHECK(count.size() == 4);
  // Selecting the same uuid again does not hold two claims.
  auto again = e.select("u1", {1, 2048, 10}, {}, 2);
  REQUIRE(again);
  std::int64_t used = 0;
  for (auto& [name, h] : e.hosts())
    used += h.memory_mb_used;
  CHECK(used == 4 * 2048);
  e.release("u1");
  e.release("u1"); // twice is harmless
  used = 0;
  for (auto& [name, h] : e.hosts())
    used += h.memory_mb_used;
  CHECK(used == 3 * 2048);
}

TEST_CASE("no host fits: select answers nothing and claims nothing") {
  placement_engine e({});
  e.update_host("h1", 4, 4096, 100, 1);
  CHECK_FALSE(e.select("big", {1, 8192, 10}, {}, 2));
  CHECK(e.hosts().at("h1").memory_mb_used == 0);
}

TEST_CASE("a host that stopped reporting is down and skipped") {
  scheduler_options opts;
  opts.service_down_time_s = 60;
  placement_engine e(opts);
  e.update_host("old", 4, 4096, 100, 1'000'000);
  e.update_host("new", 4, 1024, 100, 100'000'000);
  auto c = e.select("u", {1, 512, 1}, {}, 100'000'000);
  REQUIRE(c);
  CHECK(c->host == "new"); // "old" has more free RAM but is 99 s silent
  CHECK(c->alternates.empty());
}

TEST_CASE("forced claims record reloaded instances even over capacity") {
  placement_engine e({});
  e.update_host("h1", 1, 512, 1, 1);
  CHECK_FALSE(e.claim("h1", "a", {1, 1024, 1}, false, 1));
  CHECK(e.claim("h1", "a", {1, 1024, 1}, true, 1));
  CHECK(e.hosts().at("h1").memory_mb_used == 1024);
  CHECK(e.claim("unknown-yet", "b", {1, 256, 1}, true, 1)); // its host reports later
}

TEST_CASE("a move holds both hosts until it is confirmed or reverted") {
  placement_engine e({});
  e.update_host("h1", 4, 4096, 100, 1);
  e.update_host("h2", 4, 4096, 100, 1);
  REQUIRE(e.claim("h1", "u", {1, 1024, 10}, false, 1));
  // Resize to 2 GB elsewhere: h1 keeps the old claim, under the migration.
  auto c = e.claim_move("u", "mig", {2, 2048, 10}, "", {"h1"}, 1);
  REQUIRE(c);
  CHECK(c->host == "h2");
  CHECK(e.hosts().at("h1").memory_mb_used == 1024);
  CHECK(e.hosts().at("h2").memory_mb_used == 2048);
  e.revert_move("u", "mig"); // back on h1 with the old flavor
  CHECK(e.hosts().at("h1").memory_mb_used == 1024);
  CHECK(e.hosts().at("h2").memory_mb_used == 0);
  e.revert_move("u", "mig"); // settled already: harmless
  CHECK(e.hosts().at("h1").memory_mb_used == 1024);

  REQUIRE(e.claim_move("u", "mig2", {2, 2048, 10}, "h2", {}, 1));
  e.release("mig2"); // confirmed: the source's claim goes
  CHECK(e.hosts().at("h1").memory_mb_used == 0);
  CHECK(e.hosts().at("h2").memory_mb_used == 2048);
}

TEST_CASE("a move that fits nowhere changes nothing") {
  placement_engine e({});
  e.update_host("h1", 4, 4096, 100, 1);
  e.update_host("h2", 4, 1024, 100, 1);
  REQUIRE(e.claim("h1", "u", {1, 1024, 10}, false, 1));
  CHECK_FALSE(e.claim_move("u", "mig", {1, 2048, 10}, "h2", {}, 1)); // too small
  CHECK_FALSE(e.claim_move("u", "mig", {1, 2048, 10}, "", {"h1", "h2"}, 1));
  CHECK_FALSE(e.claim_move("u", "mig", {1, 512, 10}, "nowhere", {}, 1));
  CHECK(e.hosts().at("h1").memory_mb_used == 1024);
  CHECK(e.hosts().at("h2").memory_mb_used == 0);
  e.release("u");
  CHECK(e.hosts().at("h1").memory_mb_used == 0); // it was still the instance's
}

TEST_CASE("an availability zone's request lands on one of the zone's hosts, or nowhere") {
  placement_engine e({});
  for (auto name : {"h1", "h2", "h3", "h4"})
    e.update_host(name, 4, 4096, 100, 1);
  placement_hints zone;
  zone.only = {"h2", "h4"}; // sorted, as the request spec carries it
  std::map<std::string, int> count;
  for (auto u : {"u1", "u2", "u3", "u4"}) {
    auto c = e.select(u, {1, 1024, 1}, {}, 2, zone);
    REQUIRE(c);
    count[c->host]++;
    for (auto& alt : c->alternates)
      CHECK((alt == "h2" || alt == "h4"));
  }
  CHECK(count == std::map<std::string, int>{{"h2", 2}, {"h4", 2}});
  CHECK_FALSE(e.select("big", {1, 4096, 1}, {}, 2, zone)); // the zone is full; h1 and h3 are not
  CHECK(e.select("any", {1, 4096, 1}, {}, 2));
}

TEST_CASE("server groups: affinity keeps to the members' host, anti-affinity away from it") {
  placement_engine e({});
  for (auto name : {"h1", "h2", "h3"})
    e.update_host(name, 8, 8192, 100, 1);
  using p = group_placement::policy;
  placement_hints apart;
  apart.group = group_placement{p::anti_affinity, 1, {}};
  std::set<std::string> used;
  for (auto u : {"a1", "a2", "a3"}) {
    auto c = e.select(u, {1, 512, 1}, {}, 2, apart);
    REQUIRE(c);
    CHECK(used.insert(c->host).second); // each on a host of its own
    apart.group.members.push_back(u);
  }
  CHECK_FALSE(e.select("a4", {1, 512, 1}, {}, 2, apart)); // no host is left without one
  apart.group.max_per_host = 2;                           // the 2.64 rule: two per host
  CHECK(e.select("a4", {1, 512, 1}, {}, 2, apart));

  placement_hints together;
  together.group = group_placement{p::affinity, 1, {}};
  auto first = e.select("b1", {1, 512, 1}, {}, 2, together); // the first goes anywhere
  REQUIRE(first);
  together.group.members.push_back("b1");
  for (auto u : {"b2", "b3"}) {
    auto c = e.select(u, {1, 512, 1}, {}, 2, together);
    REQUIRE(c);
    CHECK(c->host == first->host);
    CHECK(c->alternates.empty());
  }

  placement_hints prefer;
  prefer.group = group_placement{p::soft_affinity, 1, {"b1"}};
  CHECK(e.select("c1", {1, 512, 1}, {}, 2, prefer)->host == first->host);

  scheduler_options without;
  without.enabled_filters = {"ComputeFilter"}; // the operator left the group filters out
  placement_engine loose(without);
  loose.update_host("h1", 8, 8192, 100, 1);
  placement_hints one;
  one.group = group_placement{p::anti_affinity, 1, {}};
  REQUIRE(loose.select("d1", {1, 512, 1}, {}, 2, one));
  one.group.members.push_back("d1");
  CHECK(loose.select("d2", {1, 512, 1}, {}, 2, one)); // not enforced
}

TEST_CASE("same_host and different_host hints keep to, or away from, the named servers' hosts") {
  placement_engine e({});
  for (auto name : {"h1", "h2", "h3"})
    e.update_host(name, 8, 8192, 100, 1);
  auto first = e.select("s1", {1, 512, 1}, {}, 2);
  REQUIRE(first);
  placement_hints same;
  same.same_host_as = {"s1"};
  placement_hints apart;
  apart.different_host_from = {"s1"};
  for (int i = 0; i < 3; ++i) {
    CHECK(e.select("same-" + std::to_string(i), {1, 512, 1}, {}, 2, same)->host == first->host);
    CHECK(e.select("apart-" + std::to_string(i), {1, 512, 1}, {}, 2, apart)->host != first->host);
  }
  placement_hints nowhere;
  nowhere.same_host_as = {"no-such-server"};
  CHECK_FALSE(e.select("lost", {1, 512, 1}, {}, 2, nowhere));
}
