// The fault-injecting store does what tests arm, and nothing else.
#include <doctest/doctest.h>

#include <future>

#include "storage/fault_injecting_store.h"
#include "tests/support/bounded_wait.h"

using namespace nimbus::storage;

namespace {

write_batch put(const std::string& key) {
  write_batch b;
  b.put(key_space::flavors, key, "v");
  return b;
}

bool stored(const store& s, const std::string& key) {
  std::string v;
  return !s.get(key_space::flavors, key, &v);
}

} // namespace

TEST_CASE("fault-injecting store: a failed write answers its error and changes nothing") {
  fault_injecting_store s(make_memory_store());
  s.fail_next_writes(1, errc::io_error);
  CHECK(s.write(put("a")) == errc::io_error);
  CHECK_FALSE(stored(s, "a"));
  CHECK_FALSE(s.write(put("a"))); // one failure was armed
  CHECK(stored(s, "a"));
}

TEST_CASE("fault-injecting store: held writes wait, then go in the order they came") {
  fault_injecting_store s(make_memory_store());
  s.hold_writes();
  std::promise<void> first, second;
  write_batch b1 = put("k"), b2;
  b2.erase(key_space::flavors, "k");
  s.write_async(std::move(b1), [&](std::error_code) { first.set_value(); });
  s.write_async(std::move(b2), [&](std::error_code) { second.set_value(); });
  CHECK(s.held() == 2);
  CHECK_FALSE(stored(s, "k"));
  s.release_writes();
  nimbus::test::bounded_get(first.get_future());
  nimbus::test::bounded_get(second.get_future());
  CHECK_FALSE(stored(s, "k")); // the put, then the erase
  CHECK(s.writes_passed() == 2);
}

TEST_CASE(
  "fault-injecting store: a crash keeps the writes before it and drops the rest unanswered") {
  auto inner = std::shared_ptr<store>(make_memory_store());
  fault_injecting_store s(inner);
  s.crash_after(1);
  CHECK_FALSE(s.write(put("before")));
  CHECK(s.crashed());
  bool answered = false;
  s.write_async(put("after"), [&](std::error_code) { answered = true; });
  CHECK_FALSE(answered);
  CHECK(stored(*inner, "before"));
  CHECK_FALSE(stored(*inner, "after"));
}
