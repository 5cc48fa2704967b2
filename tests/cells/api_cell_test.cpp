// The API cell serves instance mappings, flavors and images from memory: what
// it answers must stay what its store holds, across writes, restarts and
// writers that go around it (nimbus-manage).
#include <doctest/doctest.h>

#include <future>

#include "cells/api_cell.h"
#include "storage/fault_injecting_store.h"
#include "storage/keys.h"
#include "storage/record_io.h"
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

storage::build_request build_of(const std::string& uuid) {
  storage::build_request br;
  br.instance.uuid = uuid;
  br.instance.project_id = "demo";
  br.instance.user_id = "alice";
  br.instance.created_us = 42;
  br.request_id = "req-1";
  return br;
}

std::error_code wait(const std::function<void(storage::done_fn)>& op) {
  std::promise<std::error_code> done;
  op([&](std::error_code ec) { done.set_value(ec); });
  return test::bounded_get(done.get_future());
}

} // namespace

TEST_CASE("api cell: an instance mapping follows accept, placement and forget") {
  test::temp_dir dir;
  {
    cells::api_cell api(open_store(dir));
    CHECK_FALSE(api.instance_mapping("u1"));
    storage::request_spec spec;
    spec.instance_uuid = "u1";
    spec.image_ref = "img";
    REQUIRE_FALSE(wait([&](auto done) {
      api.accept_builds({build_of("u1"), build_of("u2")}, {spec}, done);
    }));
    REQUIRE(api.request_spec("u1"));
    CHECK(api.request_spec("u1")->image_ref == "img");
    auto m = api.instance_mapping("u1");
    REQUIRE(m);
    CHECK(m->cell_uuid.empty());
    CHECK(m->project_id == "demo");
    CHECK(api.build_request("u1"));

    REQUIRE_FALSE(wait([&](auto done) {
      api.record_placement("u1", "cell-a", [done](std::error_code ec, bool delete_it) {
        CHECK_FALSE(delete_it);
        done(ec);
      });
    }));
    CHECK(api.instance_mapping("u1")->cell_uuid == "cell-a");
    CHECK_FALSE(api.build_request("u1"));
    REQUIRE(api.request_spec("u1")); // kept after placement (down-cell records need it)
    CHECK(api.request_spec("u1")->image_ref == "img");

    REQUIRE_FALSE(wait([&](auto done) { // never sent to a cell: the delete drops it
      api.delete_unplaced("u2", [done](std::error_code ec, cells::api_cell::delete_step step) {
        CHECK(step == cells::api_cell::delete_step::dropped);
        done(ec);
      });
    }));
    CHECK_FALSE(api.instance_mapping("u2"));
  }
  { // what memory said is what the store kept
    cells::api_cell api(open_store(dir));
    REQUIRE(api.instance_mapping("u1"));
    CHECK(api.instance_mapping("u1")->cell_uuid == "cell-a");
    CHECK_FALSE(api.instance_mapping("u2"));
    REQUIRE_FALSE(wait([&](auto done) { api.forget_instance("u1", done); }));
    CHECK_FALSE(api.instance_mapping("u1"));
  }
  cells::api_cell api(open_store(dir));
  CHECK_FALSE(api.instance_mapping("u1"));
}

TEST_CASE("api cell: flavors, images and mappings by id, and again after a restart") {
  test::temp_dir dir;
  {
    cells::api_cell api(open_store(dir));
    storage::flavor f;
    f.id = "7";
    f.name = "m1.seven";
    f.memory_mb = 7;
    REQUIRE_FALSE(api.put(f));
    REQUIRE(api.flavor("7"));
    CHECK(api.flavor("7")->memory_mb == 7);
    CHECK_FALSE(api.flavor("8"));
    storage::image i;
    i.id = "img";
    i.name = "cirros";
    REQUIRE_FALSE(api.put(i));
    CHECK(api.image("img")->name == "cirros");
    // nimbus-manage's map_instances writes mappings through the API cell
    REQUIRE_FALSE(
      api.write_mappings({}, {storage::instance_mapping{"u9", "cell-b", "demo", "alice", 1}}, {}));
    REQUIRE(api.instance_mapping("u9"));
    CHECK_FALSE(api.initialized());
    REQUIRE_FALSE(api.mark_initialized());
    CHECK(api.initialized());
  }
  cells::api_cell api(open_store(dir));
  CHECK(api.initialized());
  REQUIRE(api.instance_mapping("u9"));
  CHECK(api.instance_mapping("u9")->cell_uuid == "cell-b");
  auto all = api.flavors();
  REQUIRE(all.size() == 1);
  CHECK(all[0].memory_mb == 7);
  CHECK(api.image("img")->name == "cirros");
  auto mappings = api.instance_mappings();
  REQUIRE(mappings.size() == 1);
  CHECK(mappings[0].instance_uuid == "u9");
}

namespace {

using step = cells::api_cell::delete_step;

step delete_now(cells::api_cell& api, const std::string& uuid) {
  std::promise<step> done;
  api.delete_unplaced(uuid, [&](std::error_code ec, step s) {
    CHECK_FALSE(ec);
    done.set_value(s);
  });
  return test::bounded_get(done.get_future());
}

bool place_now(cells::api_cell& api, const std::string& uuid, const std::string& cell) {
  std::promise<bool> done;
  api.record_placement(uuid, cell, [&](std::error_code ec, bool delete_it) {
    CHECK_FALSE(ec);
    done.set_value(delete_it);
  });
  return test::bounded_get(done.get_future());
}

void accept_now(cells::api_cell& api, const std::string& uuid) {
  storage::request_spec spec;
  spec.instance_uuid = uuid;
  REQUIRE_FALSE(wait([&](auto done) { api.accept_builds({build_of(uuid)}, {spec}, done); }));
}

} // namespace

TEST_CASE("api cell: a delete before the build leaves drops it, and nothing is placed after") {
  test::temp_dir dir;
  cells::api_cell api(open_store(dir));
  accept_now(api, "u1");
  CHECK(delete_now(api, "u1") == step::dropped);
  CHECK_FALSE(api.instance_mapping("u1"));
  CHECK_FALSE(api.begin_placement("u1"));
}

TEST_CASE(
  "api cell: a delete while the build is out wins when the placement lands, across a restart") {
  test::temp_dir dir;
  {
    cells::api_cell api(open_store(dir));
    accept_now(api, "u1");
    REQUIRE(api.begin_placement("u1"));
    CHECK(delete_now(api, "u1") == step::flagged);
    CHECK(api.build_request("u1")->delete_requested);
  }
  { // the crash came before the placement landed: the flag was kept
    cells::api_cell api(open_store(dir));
    auto pending = api.build_requests();
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].delete_requested);
    // The re-drive finds it in cell-a: recorded there, and to be deleted there.
    CHECK(place_now(api, "u1", "cell-a"));
    CHECK(api.instance_mapping("u1")->cell_uuid == "cell-a");
    CHECK(delete_now(api, "u1") == step::in_cell); // a second DELETE goes to the cell
  }
  { // until the cell reports the delete, the flagged request stays
    cells::api_cell api(open_store(dir));
    REQUIRE(api.build_requests().size() == 1);
    REQUIRE_FALSE(wait([&](auto done) { api.forget_instance("u1", done); }));
  }
  cells::api_cell api(open_store(dir));
  CHECK(api.build_requests().empty());
  CHECK_FALSE(api.instance_mapping("u1"));
}

TEST_CASE("api cell: a flagged build that no cell took is dropped when it would be sent again") {
  test::temp_dir dir;
  cells::api_cell api(open_store(dir));
  accept_now(api, "u1");
  REQUIRE(api.begin_placement("u1"));
  CHECK(delete_now(api, "u1") == step::flagged);
  api.end_placement("u1"); // the cell refused it
  CHECK_FALSE(api.begin_placement("u1"));
  CHECK_FALSE(api.instance_mapping("u1"));
  CHECK_FALSE(api.build_request("u1"));
}

TEST_CASE("api cell over a failing store: a build whose write fails was never accepted") {
  test::temp_dir dir;
  auto faults = std::make_shared<storage::fault_injecting_store>(open_store(dir));
  cells::api_cell api(faults);
  faults->fail_next_writes(1);
  storage::request_spec spec;
  spec.instance_uuid = "u1";
  CHECK(wait([&](auto done) { api.accept_builds({build_of("u1")}, {spec}, done); }));
  CHECK_FALSE(api.instance_mapping("u1"));
  CHECK_FALSE(api.build_request("u1"));
  CHECK(api.build_requests().empty());
}

TEST_CASE("api cell over a slow store: decisions reach the disk in the order they were taken") {
  test::temp_dir dir;
  auto inner = open_store(dir);
  auto faults = std::make_shared<storage::fault_injecting_store>(inner);
  {
    cells::api_cell api(faults);
    accept_now(api, "u1");
    REQUIRE(api.begin_placement("u1"));
    faults->hold_writes(); // a slow fsync: both decisions wait behind it
    std::promise<step> deleted;
    api.delete_unplaced("u1", [&](std::error_code, step s) { deleted.set_value(s); });
    std::promise<bool> placed;
    api.record_placement("u1", "cell-a",
                         [&](std::error_code, bool delete_it) { placed.set_value(delete_it); });
    CHECK(faults->held() == 2);
    faults->crash_after(1); // the flag lands, the placement does not
    faults->release_writes();
    CHECK(test::bounded_get(deleted.get_future()) == step::flagged);
  }
  // On disk: the delete was asked and the server is unplaced; a re-drive
  // will find it in cell-a and delete it there.
  cells::api_cell api(inner);
  auto pending = api.build_requests();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].delete_requested);
  CHECK(api.instance_mapping("u1")->cell_uuid.empty());
}

namespace {

using update_step = cells::api_cell::update_step;

struct update_result {
  std::error_code ec;
  update_step step = update_step::refused;
  storage::instance_record record;
};

cells::api_cell::update_done into(std::promise<update_result>& p) {
  return [&p](std::error_code ec, update_step s, const storage::instance_record& r) {
    p.set_value({ec, s, r});
  };
}

bool rename_to_web(storage::instance_record& r) {
  r.name = "web";
  return true;
}

} // namespace

TEST_CASE("api cell: a server not yet in a cell changes on its build request, across a restart") {
  test::temp_dir dir;
  {
    cells::api_cell api(open_store(dir));
    accept_now(api, "u1");
    std::promise<update_result> renamed;
    api.update_unplaced("u1", rename_to_web, into(renamed));
    auto out = test::bounded_get(renamed.get_future());
    CHECK_FALSE(out.ec);
    CHECK(out.step == update_step::updated);
    CHECK(out.record.name == "web");
    CHECK(api.build_request("u1")->instance.name == "web");

    std::promise<update_result> refused; // a refusal changes nothing
    api.update_unplaced(
      "u1",
      [](storage::instance_record& r) {
        r.name = "other";
        return false;
      },
      into(refused));
    CHECK(test::bounded_get(refused.get_future()).step == update_step::refused);
    CHECK(api.build_request("u1")->instance.name == "web");

    std::promise<update_result> unknown;
    api.update_unplaced("nope", rename_to_web, into(unknown));
    CHECK(test::bounded_get(unknown.get_future()).ec == storage::errc::not_found);
  }
  cells::api_cell api(open_store(dir)); // the cell will get the build as changed
  CHECK(api.build_request("u1")->instance.name == "web");
}

TEST_CASE("api cell: a change while the build is out waits for the cell's answer") {
  test::temp_dir dir;
  cells::api_cell api(open_store(dir));
  accept_now(api, "u1");
  accept_now(api, "u2");

  REQUIRE(api.begin_placement("u1"));
  std::promise<update_result> placed;
  auto answer = placed.get_future();
  api.update_unplaced("u1", rename_to_web, into(placed));
  // Not answered yet (nothing else can answer it: this thread holds it).
  CHECK(answer.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);
  place_now(api, "u1", "cell-a"); // the cell has the record as it was sent
  CHECK(test::bounded_get(std::move(answer)).step == update_step::in_cell);

  REQUIRE(api.begin_placement("u2"));
  std::promise<update_result> refused;
  api.update_unplaced("u2", rename_to_web, into(refused));
  api.end_placement("u2"); // the cell refused it: the build request changes
  auto out = test::bounded_get(refused.get_future());
  CHECK(out.step == update_step::updated);
  CHECK(api.build_request("u2")->instance.name == "web");
}
