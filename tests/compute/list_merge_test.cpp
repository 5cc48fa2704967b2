// Which servers of which cell make a page of a list over many cells.
#include <doctest/doctest.h>

#include "compute/list_merge.h"

using namespace nimbus;
using compute::plan_page;

namespace {
list_key key(std::int64_t created, const std::string& uuid) { return {created, uuid}; }
using cell_keys = std::optional<std::vector<list_key>>;
} // namespace

TEST_CASE("list merge: the newest servers of every cell make the page, in Nova's order") {
  // Each cell sends its own first `limit`, newest first.
  std::vector<cell_keys> keys{
    std::vector<list_key>{key(90, "a"), key(50, "b"), key(10, "c")},
    std::vector<list_key>{key(80, "d"), key(70, "e"), key(60, "f")},
    std::vector<list_key>{key(95, "g")},
  };
  auto plan = plan_page(keys, 4);
  CHECK(plan.silent.empty());
  REQUIRE(plan.wanted.size() == 3);
  CHECK(plan.wanted[0] == std::vector<std::string>{"a"});
  CHECK(plan.wanted[1] == std::vector<std::string>{"d", "e"});
  CHECK(plan.wanted[2] == std::vector<std::string>{"g"});
}

TEST_CASE("list merge: ties on created_at go by uuid, descending") {
  std::vector<cell_keys> keys{std::vector<list_key>{key(5, "b")},
                              std::vector<list_key>{key(5, "c"), key(5, "a")}};
  auto plan = plan_page(keys, 2);
  CHECK(plan.wanted[0] == std::vector<std::string>{"b"});
  CHECK(plan.wanted[1] == std::vector<std::string>{"c"});
}

TEST_CASE("list merge: a cell that did not answer is silent and costs no fetch") {
  std::vector<cell_keys> keys{std::vector<list_key>{key(3, "x")}, std::nullopt,
                              std::vector<list_key>{}};
  auto plan = plan_page(keys, 10);
  CHECK(plan.silent == std::vector<std::size_t>{1});
  CHECK(plan.wanted[0] == std::vector<std::string>{"x"});
  CHECK(plan.wanted[1].empty());
  CHECK(plan.wanted[2].empty());
}

TEST_CASE("list merge: a limit of zero wants nothing") {
  std::vector<cell_keys> keys{std::vector<list_key>{key(3, "x")}};
  auto plan = plan_page(keys, 0);
  CHECK(plan.wanted[0].empty());
}
