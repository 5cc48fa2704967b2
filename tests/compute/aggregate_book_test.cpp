#include <doctest/doctest.h>

#include "compute/aggregate_book.h"

using namespace nimbus;

TEST_CASE("aggregates: CRUD, hosts and metadata, in Nova's words, and they persist") {
  std::shared_ptr<storage::store> store = storage::make_memory_store();
  {
    compute::aggregate_book book(store);
    auto a = book.create("rack-1", "");
    REQUIRE(a.ok());
    CHECK(a.value.id == 1);
    CHECK(a.value.uuid.size() == 36);
    auto dup = book.create("rack-1", "az1");
    REQUIRE_FALSE(dup.ok());
    CHECK(dup.error->kind == compute::fault_kind::conflict);
    CHECK(dup.error->message == "Aggregate rack-1 already exists.");
    REQUIRE(book.add_host(1, "h1").ok());
    auto twice = book.add_host(1, "h1");
    CHECK(twice.error->message == "Aggregate 1 already has host h1.");
    auto meta = book.set_metadata(1, {{"ssd", "true"}, {"gone", std::nullopt}});
    REQUIRE(meta.ok());
    CHECK(meta.value.metadata == std::map<std::string, std::string>{{"ssd", "true"}});
    REQUIRE(book.set_metadata(1, {{"ssd", std::nullopt}}).ok());
    auto busy = book.erase(1);
    CHECK(busy.error->kind == compute::fault_kind::bad_request);
    CHECK(busy.error->message
          == "Cannot remove host from aggregate 1. Reason: Host aggregate is not empty.");
    CHECK(book.remove_host(1, "h9").error->message == "Cannot remove host h9 in aggregate 1");
    CHECK(book.remove_host(7, "h1").error->kind == compute::fault_kind::not_found);
    CHECK(book.update(7, std::string("x"), std::nullopt).error->message
          == "Aggregate 7 could not be found.");
  }
  compute::aggregate_book book(store); // as after a restart
  REQUIRE(book.find(1));
  CHECK(book.find(1)->hosts == std::vector<std::string>{"h1"});
  CHECK(book.find(1)->metadata.empty());
  REQUIRE(book.remove_host(1, "h1").ok());
  REQUIRE(book.erase(1).ok());
  CHECK_FALSE(book.find(1));
  CHECK(book.create("rack-2", "").value.id == 2); // ids are not reused
}

TEST_CASE("aggregates: a host is in one availability zone, the default one otherwise") {
  compute::aggregate_book book(storage::make_memory_store());
  REQUIRE(book.create("east", "az-east").ok());   // 1
  REQUIRE(book.create("west", "az-west").ok());   // 2
  REQUIRE(book.create("plain", "").ok());         // 3
  REQUIRE(book.create("east-2", "az-east").ok()); // 4
  REQUIRE(book.add_host(1, "h1").ok());
  REQUIRE(book.add_host(3, "h1").ok()); // an aggregate without a zone never conflicts
  REQUIRE(book.add_host(4, "h1").ok()); // nor one of the same zone
  auto other = book.add_host(2, "h1");
  REQUIRE_FALSE(other.ok());
  CHECK(other.error->kind == compute::fault_kind::conflict);
  CHECK(other.error->message
        == "Cannot add host to aggregate 2. Reason: One or more hosts "
           "already in availability zone(s) ['az-east'].");
  CHECK(book.zone_of("h1") == "az-east");
  CHECK(book.zone_of("h2") == "nova");
  auto moved = book.update(3, std::nullopt, std::string("az-west"));
  REQUIRE_FALSE(moved.ok());
  CHECK(moved.error->kind == compute::fault_kind::bad_request);
  CHECK(moved.error->message
        == "Cannot update aggregate 3. Reason: One or more hosts already "
           "in availability zone(s) ['az-east'].");
  auto emptied = book.set_metadata(1, {{"availability_zone", std::nullopt}});
  CHECK(emptied.error->message
        == "Cannot update metadata of aggregate 1. Reason: Aggregate east "
           "does not support empty named availability zone.");
  REQUIRE(book.remove_host(1, "h1").ok());
  REQUIRE(book.remove_host(4, "h1").ok());
  REQUIRE(book.add_host(2, "h1").ok()); // out of the east zone: free to go west
  CHECK(book.zoned_hosts() == std::map<std::string, std::string>{{"h1", "az-west"}});
}
