#include <doctest/doctest.h>

#include "compute/keypair_book.h"

using namespace nimbus;

namespace {
storage::keypair key(const std::string& user, const std::string& name) {
  storage::keypair k;
  k.user_id = user;
  k.name = name;
  k.public_key = "ssh-ed25519 AAAA " + name;
  k.fingerprint = "fp-" + name;
  return k;
}
} // namespace

TEST_CASE("key pairs are unique per user by name, listed by name, and survive a restart") {
  std::shared_ptr<storage::store> store = storage::make_memory_store();
  {
    compute::keypair_book book(store);
    auto first = book.add(key("u1", "zeta"));
    REQUIRE(first.ok());
    CHECK(first.value.id == 1);
    CHECK(first.value.created_us > 0);
    REQUIRE(book.add(key("u1", "alpha")).ok());
    REQUIRE(book.add(key("u2", "zeta")).ok()); // another user's may share the name
    auto again = book.add(key("u1", "zeta"));
    REQUIRE_FALSE(again.ok());
    CHECK(again.error->kind == compute::fault_kind::conflict);
    CHECK(again.error->message == "Key pair 'zeta' already exists.");
  }
  compute::keypair_book book(store); // as after a restart
  auto mine = book.of_user("u1");
  REQUIRE(mine.size() == 2);
  CHECK(mine[0].name == "alpha");
  CHECK(mine[1].name == "zeta");
  CHECK(mine[1].fingerprint == "fp-zeta");
  CHECK(book.find("u2", "zeta")->id == 3);
  CHECK(book.add(key("u3", "new")).value.id == 4); // ids are never reused
  CHECK(book.of_user("nobody").empty());

  REQUIRE(book.erase("u1", "zeta").ok());
  CHECK_FALSE(book.find("u1", "zeta"));
  CHECK(book.find("u2", "zeta"));
  auto gone = book.erase("u1", "zeta");
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error->kind == compute::fault_kind::not_found);
  CHECK(gone.error->message == "Keypair zeta not found for user u1");
  CHECK(compute::keypair_book(store).of_user("u1").size() == 1);
}

TEST_CASE("key pairs: a user at its key_pairs limit gets Nova's 403, before any name conflict") {
  compute::keypair_book book(storage::make_memory_store());
  REQUIRE(book.add(key("u1", "a"), 2).ok());
  REQUIRE(book.add(key("u1", "b"), 2).ok());
  for (auto name : {"c", "a"}) {
    auto over = book.add(key("u1", name), 2);
    REQUIRE_FALSE(over.ok());
    CHECK(over.error->kind == compute::fault_kind::forbidden);
    CHECK(over.error->message == "Quota exceeded, too many key pairs.");
  }
  CHECK(book.add(key("u2", "a"), 2).ok());  // per user
  CHECK(book.add(key("u1", "c"), -1).ok()); // unlimited
}
