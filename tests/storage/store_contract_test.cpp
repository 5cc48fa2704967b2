// One contract, run against both stores: what store.h promises.
#include <doctest/doctest.h>

#include <thread>

#include "storage/fault_injecting_store.h"
#include "storage/keys.h"
#include "storage/record_io.h"
#include "storage/store.h"
#include "tests/support/temp_dir.h"

using namespace nimbus::storage;

namespace {

struct store_factory {
  const char* name;
  std::unique_ptr<store> (*make)(const nimbus::test::temp_dir&);
};

std::unique_ptr<store> make_rocks(const nimbus::test::temp_dir& dir) {
  std::error_code ec;
  auto s = open_rocksdb_store({dir.sub("db/nested")}, &ec);
  REQUIRE_FALSE(ec);
  return s;
}
std::unique_ptr<store> make_memory(const nimbus::test::temp_dir&) { return make_memory_store(); }

// With no fault armed, the wrapper keeps the contract of what it wraps.
std::unique_ptr<store> make_faulty_rocks(const nimbus::test::temp_dir& dir) {
  return std::make_unique<fault_injecting_store>(std::shared_ptr<store>(make_rocks(dir)));
}

const store_factory factories[] = {{"rocksdb", make_rocks},
                                   {"memory", make_memory},
                                   {"fault_injecting(rocksdb)", make_faulty_rocks}};

} // namespace

TEST_CASE("store contract: get, put, erase, atomic batches") {
  for (auto& f : factories) {
    CAPTURE(f.name);
    nimbus::test::temp_dir dir;
    auto s = f.make(dir);
    std::string value;
    CHECK(s->get(key_space::flavors, "1", &value) == errc::not_found);

    write_batch b;
    b.put(key_space::flavors, "1", "one");
    b.put(key_space::flavors, "2", "two");
    b.put(key_space::instances, "1", "instance-one"); // same key, other space
    REQUIRE_FALSE(s->write(b));
    REQUIRE_FALSE(s->get(key_space::flavors, "1", &value));
    CHECK(value == "one");
    REQUIRE_FALSE(s->get(key_space::instances, "1", &value));
    CHECK(value == "instance-one");

    write_batch del;
    del.erase(key_space::flavors, "1");
    del.put(key_space::flavors, "3", "three");
    REQUIRE_FALSE(s->write(del));
    CHECK(s->get(key_space::flavors, "1", &value) == errc::not_found);
    REQUIRE_FALSE(s->get(key_space::flavors, "3", &value));
    CHECK(value == "three");
  }
}

TEST_CASE("store contract: prefix scans stay in their space and in key order") {
  for (auto& f : factories) {
    CAPTURE(f.name);
    nimbus::test::temp_dir dir;
    auto s = f.make(dir);
    write_batch b;
    for (auto k : {"b/2", "a/1", "b/1", "c/1"})
      b.put(key_space::instance_actions, k, k);
    b.put(key_space::instances, "b/9", "other space");
    REQUIRE_FALSE(s->apply_unsynced(b));
    std::vector<std::string> seen;
    s->scan(key_space::instance_actions, "b/", [&](std::string_view k, std::string_view) {
      seen.emplace_back(k);
      return true;
    });
    CHECK(seen == std::vector<std::string>{"b/1", "b/2"});
    seen.clear();
    s->scan(key_space::instance_actions, "", [&](std::string_view k, std::string_view) {
      seen.emplace_back(k);
      return seen.size() < 2; // stops early
    });
    CHECK(seen == std::vector<std::string>{"a/1", "b/1"});
  }
}

TEST_CASE("store contract: concurrent durable writers all land, sharing commits") {
  for (auto& f : factories) {
    CAPTURE(f.name);
    nimbus::test::temp_dir dir;
    auto s = f.make(dir);
    constexpr int threads = 8, per_thread = 50;
    std::vector<std::thread> workers;
    workers.reserve(threads);
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        for (int i = 0; i < per_thread; ++i) {
          write_batch b;
          b.put(key_space::instances, std::to_string(t) + "/" + std::to_string(i), "x");
          CHECK_FALSE(s->write(std::move(b)));
        }
      });
    for (auto& w : workers)
      w.join();
    int count = 0;
    s->scan(key_space::instances, "", [&](std::string_view, std::string_view) { return ++count; });
    CHECK(count == threads * per_thread);
    CHECK(s->commit_count() <= static_cast<std::uint64_t>(threads * per_thread));
  }
}

TEST_CASE("store contract: records round-trip through the codec") {
  for (auto& f : factories) {
    CAPTURE(f.name);
    nimbus::test::temp_dir dir;
    auto s = f.make(dir);
    instance_record r;
    r.uuid = "u-1";
    r.name = "vm";
    r.flavor_copy.id = "1";
    r.flavor_copy.memory_mb = 512;
    r.metadata["k"] = "v";
    r.tags = {"a", "b"};
    r.fault.code = 500;
    r.fault.message = "No valid host was found. ";
    write_batch b;
    stage(b, key_space::instances, keys::instance(r.uuid), r);
    REQUIRE_FALSE(s->write(b));
    instance_record back;
    REQUIRE_FALSE(read(*s, key_space::instances, keys::instance("u-1"), &back));
    CHECK(back.name == "vm");
    CHECK(back.flavor_copy.memory_mb == 512);
    CHECK(back.metadata.at("k") == "v");
    CHECK(back.tags.size() == 2);
    CHECK(back.fault.code == 500);
    CHECK(read(*s, key_space::instances, "missing", &back) == errc::not_found);
  }
}

TEST_CASE("rocksdb store keeps records across reopen") {
  nimbus::test::temp_dir dir;
  {
    auto s = make_rocks(dir);
    write_batch b;
    b.put(key_space::meta, "k", "v");
    REQUIRE_FALSE(s->write(b));
  }
  auto s = make_rocks(dir);
  std::string value;
  REQUIRE_FALSE(s->get(key_space::meta, "k", &value));
  CHECK(value == "v");
  std::error_code ec;
  auto ro = open_rocksdb_store({dir.sub("db/nested"), true}, &ec);
  REQUIRE(ro);
  REQUIRE_FALSE(ro->get(key_space::meta, "k", &value));
  write_batch b;
  b.put(key_space::meta, "x", "y");
  CHECK(ro->write(b) == errc::invalid_argument);
}

TEST_CASE("decode refuses text that is not a record") {
  flavor f;
  CHECK(decode("not json", &f) == errc::corruption);
  CHECK(decode("{\"id\":\"1\"}", &f) == errc::corruption); // no schema_version
  CHECK(decode("{\"id\":\"1\",\"schema_version\":99}", &f) == errc::corruption);
  CHECK_FALSE(decode("{\"id\":\"1\",\"schema_version\":1}", &f));
  CHECK(f.id == "1");
}
