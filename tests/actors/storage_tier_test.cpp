// Storage tiers in the scheduler: a server's disk goes to a host whose pool
// of its tier has the room, the weigher prefers the most free room in that
// tier, and claims are counted per tier.
#include <doctest/doctest.h>

#include "actors/scheduler/filters.h"
#include "actors/scheduler/placement_engine.h"
#include "compute/server_images.h"
#include "storage/disk_tiers.h"

using namespace nimbus;
using namespace nimbus::scheduler;
using storage::disk_tier;

namespace {

std::vector<storage::tier_pool> pools(std::int64_t hdd, std::int64_t ssd, std::int64_t pcie) {
  return {{disk_tier::hdd, "volumes_hdd", hdd, 0},
          {disk_tier::ssd, "volumes_ssd", ssd, 0},
          {disk_tier::pcie_ssd, "volumes_pcie_ssd", pcie, 0}};
}

resources disk_on(disk_tier t, std::int64_t gb) {
  resources r{1, 512, gb};
  r.tier = t;
  return r;
}

} // namespace

TEST_CASE("the tier filter wants the disk's room in its tier's pool, not anywhere") {
  host_state h;
  h.disk_gb_total = 1000;
  auto f = make_filter("StorageTierFilter", {});
  REQUIRE(f);
  CHECK(f->host_passes(h, disk_on(disk_tier::ssd, 500))); // no pools: the local disk serves
  h.tier_gb_total = {1000, 100, 10};
  CHECK(f->host_passes(h, disk_on(disk_tier::ssd, 100)));
  CHECK_FALSE(f->host_passes(h, disk_on(disk_tier::ssd, 101)));
  CHECK_FALSE(f->host_passes(h, disk_on(disk_tier::pcie_ssd, 11)));
  CHECK(f->host_passes(h, disk_on(disk_tier::hdd, 900)));
}

TEST_CASE("a boot lands where its tier has room, and its claim counts in that tier only") {
  placement_engine e({});
  e.update_host("big-hdd", 16, 65536, 1000, 1, {}, pools(1000, 20, 0));
  e.update_host("fast", 16, 65536, 1000, 1, {}, pools(100, 500, 200));
  auto ssd = e.select("vm-ssd", disk_on(disk_tier::ssd, 40), {}, 1);
  REQUIRE(ssd);
  CHECK(ssd->host == "fast");
  auto pcie = e.select("vm-pcie", disk_on(disk_tier::pcie_ssd, 150), {}, 1);
  REQUIRE(pcie);
  CHECK(pcie->host == "fast");
  CHECK_FALSE(e.select("vm-too-big", disk_on(disk_tier::pcie_ssd, 100), {}, 1)); // 50 left
  auto& fast = e.hosts().at("fast");
  CHECK(fast.tier_gb_used[static_cast<std::size_t>(disk_tier::ssd)] == 40);
  CHECK(fast.tier_gb_used[static_cast<std::size_t>(disk_tier::pcie_ssd)] == 150);
  CHECK(fast.tier_gb_used[static_cast<std::size_t>(disk_tier::hdd)] == 0);
  // hdd: the weigher sees the free hdd room, which big-hdd has most of.
  auto hdd = e.select("vm-hdd", disk_on(disk_tier::hdd, 10), {}, 1);
  REQUIRE(hdd);
  CHECK(hdd->host == "big-hdd");
  e.release("vm-pcie");
  CHECK(fast.tier_gb_used[static_cast<std::size_t>(disk_tier::pcie_ssd)] == 0);
  CHECK(e.select("vm-fits-now", disk_on(disk_tier::pcie_ssd, 100), {}, 1));
}

TEST_CASE("a move claims the destination in the same tier") {
  placement_engine e({});
  e.update_host("a", 16, 65536, 1000, 1, {}, pools(1000, 100, 0));
  e.update_host("b", 16, 65536, 1000, 1, {}, pools(1000, 30, 0));
  REQUIRE(e.claim("a", "vm", disk_on(disk_tier::ssd, 50), false, 1));
  CHECK_FALSE(e.claim_move("vm", "mig", disk_on(disk_tier::ssd, 50), "b", {}, 1)); // b: 30
  CHECK(e.claim_move("vm", "mig", disk_on(disk_tier::ssd, 20), "b", {}, 1));
  CHECK(e.hosts().at("b").tier_gb_used[static_cast<std::size_t>(disk_tier::ssd)] == 20);
}

TEST_CASE("a server's tier: asked for, pinned by its flavor, or the default") {
  compute::create_server_request req;
  storage::flavor f;
  f.id = "1";
  CHECK(compute::disk_type_of(req, f, disk_tier::hdd).value == disk_tier::hdd);
  CHECK(compute::disk_type_of(req, f, disk_tier::ssd).value == disk_tier::ssd);
  req.disk_type = disk_tier::pcie_ssd;
  CHECK(compute::disk_type_of(req, f, disk_tier::hdd).value == disk_tier::pcie_ssd);
  f.extra_specs["nimbus:disk_type"] = "ssd";
  auto clash = compute::disk_type_of(req, f, disk_tier::hdd);
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error->message == "Flavor 1 pins disk type ssd; pcie_ssd was asked for.");
  req.disk_type.reset();
  CHECK(compute::disk_type_of(req, f, disk_tier::hdd).value == disk_tier::ssd);
  f.extra_specs["nimbus:disk_type"] = "tape";
  CHECK_FALSE(compute::disk_type_of(req, f, disk_tier::hdd).ok());
}

TEST_CASE("the tiers' names and pools") {
  CHECK(storage::pool_name_of(disk_tier::pcie_ssd) == "volumes_pcie_ssd");
  CHECK(storage::tier_of_pool("volumes_ssd") == disk_tier::ssd);
  CHECK_FALSE(storage::tier_of_pool("default"));
  CHECK_FALSE(storage::disk_tier_named("nvme"));
}
