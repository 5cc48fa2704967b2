// The API cell charges every server it accepts to its project and user at
// once, under the lock of the check: concurrent boots cannot pass a quota
// together, a failed write or a forgotten server gives the charge back, and
// a restart counts the same from the mappings.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <thread>

#include "cells/api_cell.h"
#include "storage/fault_injecting_store.h"
#include "tests/support/bounded_wait.h"
#include "tests/support/temp_dir.h"

using namespace nimbus;

namespace {

std::shared_ptr<storage::store> open_store(const test::temp_dir& dir) {
  std::error_code ec;
  std::shared_ptr<storage::store> s = storage::open_rocksdb_store({dir.sub("api")}, &ec);
  REQUIRE_FALSE(ec);
  return s;
}

storage::build_request build(const std::string& uuid, const std::string& user = "alice") {
  storage::build_request br;
  br.instance.uuid = uuid;
  br.instance.project_id = "demo";
  br.instance.user_id = user;
  br.instance.flavor_copy.vcpus = 2;
  br.instance.flavor_copy.memory_mb = 512;
  return br;
}

// At most `limit` instances in the project: Nova's check, in its simplest form.
cells::api_cell::admission at_most(std::int64_t limit) {
  return [limit](const cells::usage& project, const cells::usage&) -> std::size_t {
    return project.instances < limit ? 1 : 0;
  };
}

std::error_code accept(cells::api_cell& api, storage::build_request br,
                       const cells::api_cell::admission& admit, std::size_t* accepted) {
  std::promise<std::error_code> done;
  *accepted = api.accept_builds(
    {std::move(br)}, {}, [&](std::error_code ec) { done.set_value(ec); }, admit);
  if (*accepted == 0)
    return {};
  return test::bounded_get(done.get_future());
}

} // namespace

TEST_CASE("api cell quotas: a storm of concurrent boots never passes the instances limit") {
  test::temp_dir dir;
  cells::api_cell api(open_store(dir));
  constexpr int threads = 8, boots_each = 40, limit = 37;
  std::atomic<int> accepted{0};
  std::vector<std::thread> storm;
  storm.reserve(threads);
  for (int t = 0; t < threads; ++t)
    storm.emplace_back([&, t] {
      for (int i = 0; i < boots_each; ++i) {
        std::size_t n = 0;
        auto uuid = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!accept(api, build(uuid), at_most(limit), &n) && n == 1)
          ++accepted;
      }
    });
  for (auto& t : storm)
    t.join();
  CHECK(accepted == limit);
  CHECK(api.instance_mappings().size() == std::size_t(limit));
  auto used = api.project_usage("demo");
  CHECK(used.instances == limit);
  CHECK(used.cores == 2 * limit);
  CHECK(used.ram_mb == 512 * limit);
}

TEST_CASE("api cell quotas: charges follow forget, recharge and a restart, per user too") {
  test::temp_dir dir;
  {
    cells::api_cell api(open_store(dir));
    std::size_t n = 0;
    REQUIRE_FALSE(accept(api, build("a1"), {}, &n));
    REQUIRE_FALSE(accept(api, build("a2"), {}, &n));
    REQUIRE_FALSE(accept(api, build("b1", "bob"), {}, &n));
    CHECK(api.project_usage("demo").instances == 3);
    CHECK(api.user_usage("demo", "alice").cores == 4);
    CHECK(api.user_usage("demo", "bob").ram_mb == 512);

    // A growth the check refuses changes nothing; one it allows counts at once.
    auto never = [](const cells::usage&, const cells::usage&, const cells::usage&) {
      return false;
    };
    CHECK(api.recharge("a1", {8, 512}, never, [](std::error_code) {})
          == cells::api_cell::charge_step::refused);
    CHECK(api.project_usage("demo").cores == 6);
    std::promise<std::error_code> written;
    REQUIRE(api.recharge("a1", {8, 4096}, {}, [&](std::error_code ec) { written.set_value(ec); })
            == cells::api_cell::charge_step::changed);
    REQUIRE_FALSE(test::bounded_get(written.get_future()));
    CHECK(api.project_usage("demo").cores == 12);
    CHECK(api.user_usage("demo", "alice").ram_mb == 4096 + 512);
    CHECK(api.recharge("nope", {1, 1}, {}, [](std::error_code) {})
          == cells::api_cell::charge_step::not_found);

    std::promise<std::error_code> forgot;
    api.forget_instance("a2", [&](std::error_code ec) { forgot.set_value(ec); });
    REQUIRE_FALSE(test::bounded_get(forgot.get_future()));
    CHECK(api.user_usage("demo", "alice").instances == 1);
  }
  cells::api_cell api(open_store(dir)); // as after a restart: counted from the mappings
  auto used = api.project_usage("demo");
  CHECK(used.instances == 2);
  CHECK(used.cores == 10);
  CHECK(used.ram_mb == 4096 + 512);
  CHECK(api.user_usage("demo", "bob").cores == 2);
  CHECK(api.project_usage("other").instances == 0);
}

TEST_CASE("api cell quotas: a build whose write fails gives its charge back") {
  test::temp_dir dir;
  auto faulty = std::make_shared<storage::fault_injecting_store>(open_store(dir));
  cells::api_cell api(faulty);
  faulty->fail_next_writes(1);
  std::size_t n = 0;
  CHECK(accept(api, build("x1"), at_most(1), &n));
  CHECK(n == 1); // admitted, then the write failed
  CHECK(api.project_usage("demo").instances == 0);
  CHECK_FALSE(accept(api, build("x2"), at_most(1), &n)); // the limit still has its room
  CHECK(n == 1);
  CHECK_FALSE(accept(api, build("x3"), at_most(1), &n));
  CHECK(n == 0);
}
