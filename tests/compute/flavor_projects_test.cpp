#include <doctest/doctest.h>

#include "compute/flavor_projects.h"

using namespace nimbus;

TEST_CASE("flavor access: each project once, listed sorted, kept across a restart, gone with "
          "its flavor") {
  std::shared_ptr<storage::store> store = storage::make_memory_store();
  {
    compute::flavor_projects access(store);
    REQUIRE(access.add("f1", "p2").ok());
    REQUIRE(access.add("f1", "p1").ok());
    REQUIRE(access.add("f2", "p1").ok());
    auto twice = access.add("f1", "p1");
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.error->kind == compute::fault_kind::conflict);
    CHECK(twice.error->message
          == "Flavor access already exists for flavor f1 and project p1 combination.");
  }
  compute::flavor_projects access(store);
  CHECK(access.projects("f1") == std::vector<std::string>{"p1", "p2"});
  CHECK(access.has("f2", "p1"));
  CHECK_FALSE(access.has("f2", "p2"));
  auto missing = access.remove("f2", "p2");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error->kind == compute::fault_kind::not_found);
  CHECK(missing.error->message == "Flavor access not found for f2 / p2 combination.");
  REQUIRE(access.remove("f1", "p2").ok());
  REQUIRE_FALSE(access.forget("f2"));
  compute::flavor_projects reread(store);
  CHECK(reread.projects("f1") == std::vector<std::string>{"p1"});
  CHECK(reread.projects("f2").empty());
}
