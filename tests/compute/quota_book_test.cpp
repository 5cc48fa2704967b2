#include <doctest/doctest.h>

#include "compute/quota_book.h"
#include "compute/quota_check.h"

using namespace nimbus;

TEST_CASE("quota limits resolve user row, project row, default class, option; and persist") {
  std::shared_ptr<storage::store> store = storage::make_memory_store();
  {
    compute::quota_book q(store, {{"instances", 12}});
    CHECK(q.project_limit("p", "instances") == 12); // the [quota] option
    CHECK(q.project_limit("p", "cores") == 20);     // Nova's default
    CHECK(q.project_limit("p", "floating_ips") == -1);
    REQUIRE(q.set_class("default", {{"cores", 40}}).ok());
    REQUIRE(q.set_class("gold", {{"cores", 99}}).ok());
    CHECK(q.project_limit("p", "cores") == 40); // only the default class applies
    CHECK(q.class_limit("gold", "cores") == 99);
    CHECK(q.class_limit("silver", "cores") == 20); // a class without rows: the options
    REQUIRE(q.set_project("p", {{"cores", 8}, {"ram", 4096}}).ok());
    REQUIRE(q.set_user("p", "u1", {{"cores", 3}}).ok());
    REQUIRE(q.set_user("p", "u2", {{"cores", 2}}).ok());
    CHECK(q.user_limit("p", "u1", "cores") == 3);
    CHECK(q.user_limit("p", "u1", "ram") == 4096); // no row of its own: the project's
    CHECK(q.user_limit("p", "u3", "cores") == 8);
    CHECK(q.has_user_rows("p", "u1", {"instances", "cores", "ram"}));
    CHECK_FALSE(q.has_user_rows("p", "u3", {"instances", "cores", "ram"}));
    CHECK(q.user_rows_sum("p", "cores") == 5);
    CHECK(q.user_rows_sum("p", "ram") == 0);
  }
  compute::quota_book q(store, {}); // as after a restart
  CHECK(q.project_limit("p", "cores") == 8);
  CHECK(q.user_limit("p", "u2", "cores") == 2);
  CHECK(q.default_limit("cores") == 40);
  REQUIRE(q.erase_user("p", "u1").ok());
  CHECK(q.user_limit("p", "u1", "cores") == 8);
  CHECK(q.user_rows_sum("p", "cores") == 2);
  REQUIRE(q.erase_project("p").ok()); // its users' rows go with it
  CHECK(q.project_limit("p", "cores") == 40);
  CHECK(q.user_limit("p", "u2", "cores") == 40);
  compute::quota_book again(store, {});
  CHECK(again.user_limit("p", "u2", "cores") == 40);
}

TEST_CASE("quota checks: a boot fits, shrinks to what fits, or is refused in Nova's words") {
  compute::counted_limits limits{10, 20, 51200};
  cells::usage used{9, 18, 1024};
  auto a = compute::admit_boot(limits, used, {1, 512}, 1, 1);
  CHECK(a.allowed == 1);
  CHECK(a.refusal.empty());
  a = compute::admit_boot(limits, used, {1, 512}, 1, 5); // only one more fits: one is made
  CHECK(a.allowed == 1);
  a = compute::admit_boot(limits, used, {2, 512}, 2, 3);
  CHECK(a.allowed == 0);
  CHECK(a.refusal
        == "Quota exceeded for cores, instances: Requested 6, 2-3, but already used 18, "
           "9 of 20, 10 cores, instances");
  a = compute::admit_boot(limits, {0, 19, 0}, {2, 512}, 1, 1);
  CHECK(a.refusal == "Quota exceeded for cores: Requested 2, but already used 19 of 20 cores");
  a = compute::admit_boot({-1, -1, -1}, {1000, 1000, 1000000}, {64, 65536, 1000}, 100, 100);
  CHECK(a.allowed == 100); // unlimited
  a = compute::admit_boot({0, 20, 51200}, {}, {1, 512}, 1, 1);
  CHECK(a.refusal
        == "Quota exceeded for instances: Requested 1, but already used 0 of 0 instances");

  CHECK(compute::refuse_growth(limits, used, {0, 2, 0}).empty());
  CHECK(compute::refuse_growth({-1, -1, 4000}, {0, 0, 2560}, {0, 1, 1536})
        == "Quota exceeded for ram: Requested 1536, but already used 2560 of 4000 ram");
}

TEST_CASE("quota checks: a tier's root disks count against its own quota") {
  using storage::disk_tier;
  compute::counted_limits tiered{-1, -1, -1, {-1, 100, -1}}; // 100 GiB of ssd
  cells::usage used;
  used.disk_of(disk_tier::ssd) = 80;
  auto a = compute::admit_boot(tiered, used, {1, 512, 20, disk_tier::ssd}, 1, 3);
  CHECK(a.allowed == 1); // one more 20 GiB ssd disk fits
  a = compute::admit_boot(tiered, used, {1, 512, 40, disk_tier::ssd}, 1, 1);
  CHECK(a.refusal
        == "Quota exceeded for disk_gb_ssd: Requested 40, but already used 80 of 100 "
           "disk_gb_ssd");
  a = compute::admit_boot(tiered, used, {1, 512, 40, disk_tier::hdd}, 2, 2);
  CHECK(a.allowed == 2); // another tier: unlimited
  cells::usage grows;
  grows.disk_of(disk_tier::ssd) = 30;
  CHECK(compute::refuse_growth(tiered, used, grows)
        == "Quota exceeded for disk_gb_ssd: Requested 30, but already used 80 of 100 "
           "disk_gb_ssd");
  grows.disk_of(disk_tier::ssd) = 20;
  CHECK(compute::refuse_growth(tiered, used, grows).empty());
  CHECK(compute::disk_quota_name(disk_tier::pcie_ssd) == "disk_gb_pcie_ssd");
  // A tier over its limit (lowered below what is used) refuses only boots on it.
  used.disk_of(disk_tier::ssd) = 120;
  CHECK(compute::admit_boot(tiered, used, {1, 512, 40, disk_tier::hdd}, 1, 1).allowed == 1);
  CHECK(compute::admit_boot(tiered, used, {1, 512, 0, disk_tier::ssd}, 1, 1).allowed == 1);
  CHECK(compute::admit_boot(tiered, used, {1, 512, 1, disk_tier::ssd}, 1, 1).allowed == 0);
}
