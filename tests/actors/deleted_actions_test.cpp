#include <doctest/doctest.h>

#include "actors/conductor/deleted_actions.h"
#include "storage/keys.h"

using namespace nimbus;
using storage::key_space;
namespace keys = storage::keys;

namespace {

void put_action(storage::store& s, const std::string& uuid, std::int64_t start_us) {
  storage::write_batch b;
  b.put(key_space::instance_actions, keys::action(uuid, start_us, "req"), "{}");
  REQUIRE_FALSE(s.write(std::move(b)));
}

std::size_t actions_of(const storage::store& s, const std::string& uuid) {
  std::size_t n = 0;
  s.scan(key_space::instance_actions, keys::actions_of(uuid), [&](auto, auto) {
    ++n;
    return true;
  });
  return n;
}

} // namespace

TEST_CASE("deleted servers' actions are purged oldest first, only when due, a few at a time") {
  auto s = storage::make_memory_store();
  storage::write_batch queued;
  const std::vector<std::pair<std::string, std::int64_t>> deleted{
    {"old", 100}, {"older", 50}, {"new", 300}};
  for (auto& [uuid, deleted_us] : deleted) {
    put_action(*s, uuid, 1);
    put_action(*s, uuid, 2);
    conductor::queue_actions_for_purge(uuid, deleted_us, queued);
  }
  put_action(*s, "live", 1); // never queued: never purged
  REQUIRE_FALSE(s->write(std::move(queued)));

  storage::write_batch one;
  CHECK(conductor::purge_due(*s, 200, 1, one) == 1); // the limit holds
  REQUIRE_FALSE(s->write(std::move(one)));
  CHECK(actions_of(*s, "older") == 0);
  CHECK(actions_of(*s, "old") == 2);

  storage::write_batch rest;
  CHECK(conductor::purge_due(*s, 200, 10, rest) == 1); // "new" is not due yet
  REQUIRE_FALSE(s->write(std::move(rest)));
  CHECK(actions_of(*s, "old") == 0);
  CHECK(actions_of(*s, "new") == 2);
  CHECK(actions_of(*s, "live") == 1);

  storage::write_batch none;
  CHECK(conductor::purge_due(*s, 200, 10, none) == 0);
  CHECK(none.empty());
}

TEST_CASE("erase_actions takes one server's actions and no other's") {
  auto s = storage::make_memory_store();
  put_action(*s, "a", 1);
  put_action(*s, "a", 2);
  put_action(*s, "ab", 1); // a uuid that starts with the other's
  storage::write_batch b;
  conductor::erase_actions(*s, "a", b);
  REQUIRE_FALSE(s->write(std::move(b)));
  CHECK(actions_of(*s, "a") == 0);
  CHECK(actions_of(*s, "ab") == 1);
}
