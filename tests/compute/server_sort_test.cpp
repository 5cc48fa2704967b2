// ?sort_key=&sort_dir= orders: by each key in its direction, then Nova's
// created_at and uuid tie-breakers in the first key's direction.
#include <doctest/doctest.h>

#include <algorithm>

#include "compute/server_sort.h"

using namespace nimbus;
using compute::sort_key;

namespace {

storage::instance_record server(std::string uuid, std::string name, std::int64_t created,
                                std::int32_t power = 1) {
  storage::instance_record r;
  r.uuid = std::move(uuid);
  r.name = std::move(name);
  r.created_us = created;
  r.power_state = power;
  return r;
}

std::vector<std::string> order(std::vector<storage::instance_record> rs,
                               const std::vector<sort_key>& keys) {
  std::sort(rs.begin(), rs.end(),
            [&](auto& a, auto& b) { return compute::sorted_before(keys, a, b); });
  std::vector<std::string> out;
  out.reserve(rs.size());
  for (auto& r : rs)
    out.push_back(r.uuid);
  return out;
}

} // namespace

TEST_CASE("server sort: keys in their directions, then created_at and uuid") {
  std::vector<storage::instance_record> rs{server("a", "web", 1, 4), server("b", "db", 2),
                                           server("c", "web", 3), server("d", "app", 3)};
  CHECK(order(rs, {{"display_name", false}}) == std::vector<std::string>{"d", "b", "a", "c"});
  CHECK(order(rs, {{"display_name", true}}) == std::vector<std::string>{"c", "a", "b", "d"});
  // Equal names: created_at (then uuid) in the first key's direction.
  CHECK(order(rs, {{"display_name", false}, {"power_state", true}})
        == std::vector<std::string>{"d", "b", "a", "c"});
  CHECK(order(rs, {{"power_state", false}}) == std::vector<std::string>{"b", "c", "d", "a"});
  CHECK(order(rs, {}) == std::vector<std::string>{"d", "c", "b", "a"}); // Nova's default
  auto& keys = compute::sortable_server_keys();
  CHECK(std::find(keys.begin(), keys.end(), "display_name") != keys.end());
  CHECK(std::find(keys.begin(), keys.end(), "vcpus") == keys.end());
}
