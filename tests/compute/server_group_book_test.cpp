#include <doctest/doctest.h>

#include <set>

#include "compute/server_group_book.h"

using namespace nimbus;

namespace {
storage::server_group group(const std::string& project, const std::string& user) {
  storage::server_group g;
  g.name = "g";
  g.project_id = project;
  g.user_id = user;
  g.policy = "anti-affinity";
  return g;
}
} // namespace

TEST_CASE("server groups: quotas of groups and members, members that go, and a restart") {
  std::shared_ptr<storage::store> store = storage::make_memory_store();
  std::set<std::string> servers{"s1", "s2", "s3"}; // the servers that exist
  auto owner = [&](const std::string& uuid) -> std::optional<std::string> {
    if (!servers.count(uuid))
      return std::nullopt;
    return std::string("alice");
  };
  std::string first;
  {
    compute::server_group_book book(store);
    auto a = book.create(group("p", "alice"), 2, -1);
    REQUIRE(a.ok());
    first = a.value.uuid;
    REQUIRE(book.create(group("p", "bob"), 2, -1).ok());
    auto third = book.create(group("p", "carol"), 2, -1);
    REQUIRE_FALSE(third.ok());
    CHECK(third.error->kind == compute::fault_kind::forbidden);
    CHECK(third.error->message == "Quota exceeded, too many server groups.");
    CHECK(book.create(group("q", "carol"), 2, -1).ok()); // another project's count
    CHECK(book.list("p").size() == 2);
    CHECK(book.list("").size() == 3);

    REQUIRE(book.join(first, {"s1", "s2"}, "alice", 3, owner).ok());
    auto full = book.join(first, {"s3", "s4"}, "alice", 3, owner);
    REQUIRE_FALSE(full.ok());
    CHECK(full.error->message == "Quota exceeded, too many servers in group");
    servers.erase("s1"); // deleted: no longer a member
    auto joined = book.join(first, {"s3", "s4"}, "alice", 3, owner);
    REQUIRE(joined.ok());
    CHECK(joined.value.members == std::vector<std::string>{"s2"}); // as it was, pruned
    book.leave(first, {"s4"});
    CHECK(book.group_of("s3") == first);
    CHECK(book.group_of("s4").empty());
    auto unknown = book.join("nope", {"x"}, "alice", -1, owner);
    CHECK(unknown.error->message == "Instance group nope could not be found.");
  }
  compute::server_group_book book(store); // as after a restart
  CHECK(book.find(first)->members == std::vector<std::string>{"s2", "s3"});
  CHECK(book.group_of("s2") == first);
  REQUIRE(book.erase(first).ok());
  CHECK(book.group_of("s2").empty());
  CHECK(book.erase(first).error->kind == compute::fault_kind::not_found);
}
