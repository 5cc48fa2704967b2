// The [scheduler] drivers (filter, random, availability-zone, simple), the
// filter driver's host_subset_size and shuffle_best_same_weighed_hosts, and
// the weighers of builds (in flight, failed), without CAF.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "actors/scheduler/placement_engine.h"
#include "actors/scheduler/weighers.h"

using namespace nimbus::scheduler;

namespace {

scheduler_options with_driver(driver_kind driver, std::uint64_t seed = 7) {
  scheduler_options opts;
  opts.driver = driver;
  opts.seed = seed;
  return opts;
}

// h0..h<n-1>, 8 vcpus, 8 GB, 100 GB each.
void add_hosts(placement_engine& e, int n) {
  for (int i = 0; i < n; ++i)
    e.update_host("h" + std::to_string(i), 8, 8192, 100, 1);
}

std::map<std::string, int> boots(placement_engine& e, int n, const resources& r,
                                 const placement_hints& hints = {}, const std::string& tag = "u") {
  std::map<std::string, int> count;
  for (int i = 0; i < n; ++i) {
    auto c = e.select(tag + std::to_string(i), r, {}, 2, hints);
    REQUIRE(c);
    count[c->host]++;
  }
  return count;
}

} // namespace

TEST_CASE("driver names: filter, random, availability-zone, simple, nothing else") {
  driver_kind d = driver_kind::filter;
  CHECK(driver_of("random", &d));
  CHECK(d == driver_kind::random);
  CHECK(driver_of("availability-zone", &d));
  CHECK(d == driver_kind::availability_zone);
  CHECK(driver_of("simple", &d));
  CHECK(d == driver_kind::simple);
  CHECK(driver_of("filter", &d));
  CHECK(d == driver_kind::filter);
  CHECK_FALSE(driver_of("chance", &d));
  CHECK(d == driver_kind::filter); // unchanged
}

TEST_CASE("random driver: only hosts that pass, spread at random, reproducible by seed") {
  placement_engine e(with_driver(driver_kind::random));
  add_hosts(e, 10);
  e.set_enabled("h3", false);
  e.update_host("tiny", 1, 128, 1, 1); // too small for the boots
  auto count = boots(e, 200, {1, 256, 1});
  CHECK(count.count("h3") == 0);
  CHECK(count.count("tiny") == 0);
  CHECK(count.size() == 9); // 200 draws over 9 hosts reach them all
  // The same seed, the same choices; alternates are other passing hosts.
  placement_engine a(with_driver(driver_kind::random, 42)), b(with_driver(driver_kind::random, 42));
  add_hosts(a, 10);
  add_hosts(b, 10);
  for (int i = 0; i < 20; ++i) {
    auto ca = a.select("v" + std::to_string(i), {1, 256, 1}, {}, 2);
    auto cb = b.select("v" + std::to_string(i), {1, 256, 1}, {}, 2);
    REQUIRE(ca);
    REQUIRE(cb);
    CHECK(ca->host == cb->host);
    CHECK(ca->alternates == cb->alternates);
    CHECK(ca->alternates.size() == 2);
    std::set<std::string> distinct(ca->alternates.begin(), ca->alternates.end());
    distinct.insert(ca->host);
    CHECK(distinct.size() == 3);
  }
}

TEST_CASE("random driver ignores the zone; availability-zone draws within it") {
  placement_hints zone;
  zone.only = {"h1", "h4"};
  placement_engine random(with_driver(driver_kind::random));
  add_hosts(random, 6);
  CHECK(boots(random, 100, {1, 64, 1}, zone).size() > 2); // zones are the API's and cells' job
  placement_engine zoned(with_driver(driver_kind::availability_zone));
  add_hosts(zoned, 6);
  auto count = boots(zoned, 40, {1, 64, 1}, zone); // 2 hosts take 64
  CHECK(count.size() == 2);
  CHECK(count.count("h1") == 1);
  CHECK(count.count("h4") == 1);
}

TEST_CASE("simple driver: the least loaded host, by instances then share of vcpus and memory") {
  placement_engine e(with_driver(driver_kind::simple));
  add_hosts(e, 3);
  // A big server on h0 and one on h1: h2 has the fewest instances.
  REQUIRE(e.claim("h0", "big", {4, 4096, 10}, false, 1));
  REQUIRE(e.claim("h1", "small", {1, 512, 1}, false, 1));
  auto c = e.select("u1", {1, 512, 1}, {}, 2);
  REQUIRE(c);
  CHECK(c->host == "h2");
  CHECK(c->alternates == std::vector<std::string>{"h1", "h0"}); // one instance each: h1 lighter
  // Now one instance each: the smaller share of vcpus used wins (h1, h2 tie
  // on both, h1 first by name), never h0.
  auto next = e.select("u2", {1, 512, 1}, {}, 2);
  REQUIRE(next);
  CHECK(next->host == "h1");
}

TEST_CASE("seed drivers still keep server groups' and host hints' rules") {
  for (auto driver : {driver_kind::random, driver_kind::availability_zone, driver_kind::simple}) {
    placement_engine e(with_driver(driver));
    add_hosts(e, 4);
    placement_hints anti;
    anti.group = {group_placement::policy::anti_affinity, 1, {}};
    std::set<std::string> used;
    for (int i = 0; i < 4; ++i) {
      auto uuid = "g" + std::to_string(i);
      auto c = e.select(uuid, {1, 64, 1}, {}, 2, anti);
      REQUIRE(c);
      CHECK(used.insert(c->host).second); // one member per host
      anti.group.members.push_back(uuid);
    }
    CHECK_FALSE(e.select("g4", {1, 64, 1}, {}, 2, anti)); // every host holds one
    placement_hints same;
    same.same_host_as = {"g2"};
    auto c = e.select("s", {1, 64, 1}, {}, 2, same);
    REQUIRE(c);
    auto g2 = e.select("probe", {1, 64, 1}, {}, 2, same); // same host again
    REQUIRE(g2);
    CHECK(c->host == g2->host);
  }
}

TEST_CASE("filter driver: host_subset_size draws among the best few, never beyond") {
  auto opts = with_driver(driver_kind::filter);
  opts.host_subset_size = 2;
  opts.weighers = {{"RAMWeigher", 1.0}};
  placement_engine e(opts);
  e.update_host("big1", 8, 16384, 100, 1);
  e.update_host("big2", 8, 16384, 100, 1);
  e.update_host("small", 8, 4096, 100, 1);
  std::map<std::string, int> first;
  for (int i = 0; i < 50; ++i) {
    auto c = e.select("u", {1, 64, 1}, {}, 2); // the same uuid: one claim at a time
    REQUIRE(c);
    first[c->host]++;
  }
  CHECK(first.count("small") == 0);
  CHECK(first.size() == 2); // both of the best two were drawn
}

TEST_CASE("filter driver: shuffle_best_same_weighed_hosts spreads over equal hosts") {
  auto opts = with_driver(driver_kind::filter);
  opts.weighers = {{"RAMWeigher", -1.0}}; // stacking: without the shuffle, always h0
  placement_engine plain(opts);
  add_hosts(plain, 5);
  opts.shuffle_best_same_weighed_hosts = true;
  placement_engine shuffled(opts);
  add_hosts(shuffled, 5);
  std::set<std::string> plain_first, shuffled_first;
  for (int i = 0; i < 40; ++i) {
    plain_first.insert(plain.select("u", {1, 64, 1}, {}, 2)->host);
    shuffled_first.insert(shuffled.select("u", {1, 64, 1}, {}, 2)->host);
  }
  CHECK(plain_first == std::set<std::string>{"h0"});
  CHECK(shuffled_first.size() > 1);
}

TEST_CASE("builds: in flight until settled, a failing host weighs last until it succeeds") {
  scheduler_options opts; // Nova's weighers, with BuildFailureWeigher
  placement_engine e(opts);
  add_hosts(e, 2);
  auto c = e.select("u1", {1, 512, 1}, {}, 2);
  REQUIRE(c);
  std::string failing = c->host, other = c->host == "h0" ? "h1" : "h0";
  CHECK(e.hosts().at(failing).io_ops == 1);
  e.build_settled("u1", false);
  CHECK(e.hosts().at(failing).io_ops == 0);
  CHECK(e.hosts().at(failing).failed_builds == 1);
  e.release("u1");
  // Both hosts are empty again: the failure alone decides.
  for (int i = 0; i < 3; ++i) {
    auto next = e.select("v" + std::to_string(i), {1, 512, 1}, {}, 2);
    REQUIRE(next);
    CHECK(next->host == other);
    e.release("v" + std::to_string(i));
  }
  // A success there clears the count.
  REQUIRE(e.claim(failing, "w", {1, 512, 1}, false, 2));
  e.release("w");
  auto w = e.select("w", {1, 512, 1}, {failing == "h0" ? "h1" : "h0"}, 2); // only `failing`
  REQUIRE(w);
  CHECK(w->host == failing);
  e.build_settled("w", true);
  CHECK(e.hosts().at(failing).failed_builds == 0);
  // Settling twice, or what was released, changes nothing.
  e.build_settled("w", false);
  CHECK(e.hosts().at(failing).failed_builds == 0);
}

TEST_CASE("IoOpsWeigher prefers the host with fewer builds in flight") {
  scheduler_options opts;
  opts.weighers = {{"IoOpsWeigher", -1.0}};
  placement_engine e(opts);
  add_hosts(e, 2);
  auto first = e.select("u1", {1, 64, 1}, {}, 2);
  REQUIRE(first);
  auto second = e.select("u2", {1, 64, 1}, {}, 2);
  REQUIRE(second);
  CHECK(second->host != first->host); // the first is still building
  e.release("u1");
  e.release("u2");
  CHECK(e.hosts().at("h0").io_ops == 0);
  CHECK(e.hosts().at("h1").io_ops == 0);
}

TEST_CASE("disk and instance-count weighers") {
  host_state a, b;
  a.name = "a";
  b.name = "b";
  a.up = b.up = true;
  a.disk_gb_total = 100;
  b.disk_gb_total = 200;
  a.instances = 5;
  std::vector<const host_state*> hosts{&a, &b};
  std::vector<std::unique_ptr<host_weigher>> disk;
  disk.push_back(make_weigher("DiskWeigher", 1.0));
  rank(hosts, disk);
  CHECK(hosts[0]->name == "b");
  std::vector<std::unique_ptr<host_weigher>> pack;
  pack.push_back(make_weigher("NumInstancesWeigher", 1.0));
  rank(hosts, pack);
  CHECK(hosts[0]->name == "a"); // positive: more instances first
}
