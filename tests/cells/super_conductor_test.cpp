// The super conductor on CAF's deterministic scheduler: real cell conductors
// and schedulers, the API cell and every store in memory with writes that
// complete inline, so each run sees one order of events.
#include <doctest/doctest.h>

#include "actors/conductor/conductor_actor.h"
#include "actors/host/host_actor.h"
#include "actors/scheduler/scheduler_actor.h"
#include "cells/api_cell.h"
#include "cells/cell_directory.h"
#include "cells/cell_mapping.h"
#include "cells/super_conductor.h"
#include "hypervisor/fake_driver.h"
#include "tests/support/actor_fixture.h"
#include "tests/support/inline_store.h"

using namespace nimbus;
using namespace std::chrono_literals;

namespace {

struct test_cell {
  storage::cell_mapping mapping;
  scheduler_actor scheduler;
  conductor_actor conductor;
  host_actor host; // none in cell0 and in a cell that is full
};

struct topology_fixture : test::actor_fixture {
  std::shared_ptr<cells::api_cell> api =
    std::make_shared<cells::api_cell>(std::make_shared<test::inline_store>());
  std::shared_ptr<cells::cell_directory> directory = std::make_shared<cells::cell_directory>();
  std::vector<test_cell> cells;
  cells::super_conductor_actor super;

  topology_fixture() {
    add_cell(cells::cell0_uuid, cells::cell0_name, false);
    add_cell("c1-uuid", "empty", false); // mapped, but has no host
    add_cell("c2-uuid", "full", true);
    super = cells::spawn_super_conductor(sys, api, directory, {60s});
    run();
  }
  ~topology_fixture() {
    self->send_exit(super, caf::exit_reason::user_shutdown);
    for (auto& c : cells)
      for (const auto& a :
           {caf::actor_cast<caf::actor>(c.host), caf::actor_cast<caf::actor>(c.conductor),
            caf::actor_cast<caf::actor>(c.scheduler)})
        if (a)
          self->send_exit(a, caf::exit_reason::user_shutdown);
    run();
  }

  void add_cell(const std::string& uuid, const std::string& name, bool with_host) {
    test_cell c;
    c.mapping.uuid = uuid;
    c.mapping.name = name;
    c.scheduler = scheduler::spawn_scheduler(sys, {});
    conductor::conductor_options opts;
    opts.cell_uuid = uuid;
    opts.cell_name = name;
    c.conductor =
      conductor::spawn_conductor(sys, std::make_shared<test::inline_store>(), c.scheduler, opts);
    if (with_host)
      c.host =
        host::spawn_host(sys, hypervisor::make_fake_driver({"h-" + name}), {"h-" + name, 1h, false},
                         caf::actor_cast<host_report_sink>(c.conductor));
    directory->add({c.mapping, c.conductor});
    cells.push_back(c);
  }

  // Accepts a server as the API does, and tells the super conductor.
  void accept(const std::string& uuid, std::int32_t memory_mb) {
    storage::build_request br;
    br.instance.uuid = uuid;
    br.instance.project_id = "p";
    br.instance.flavor_copy.vcpus = 1;
    br.instance.flavor_copy.memory_mb = memory_mb;
    br.request_id = "req-" + uuid;
    storage::request_spec spec;
    spec.instance_uuid = uuid;
    spec.flavor_copy = br.instance.flavor_copy;
    std::error_code accepted = storage::errc::io_error;
    api->accept_builds({br}, {spec}, [&](std::error_code ec) { accepted = ec; });
    REQUIRE_FALSE(accepted); // the inline store answered at once
    self->send(super, schedule_atom_v, uuid);
    run();
  }

  storage::instance_record record_in(const test_cell& c, const std::string& uuid) {
    storage::instance_record r;
    self->send(c.conductor, caf::get_atom_v, uuid);
    run();
    receive_now([&](storage::instance_record& got) { r = std::move(got); },
                [](caf::error& err) { FAIL("not in the cell: " << caf::to_string(err)); });
    return r;
  }
};

} // namespace

TEST_CASE_FIXTURE(
  topology_fixture,
  "super conductor: a build goes past a cell that cannot place it to one that can") {
  accept("u1", 512);
  auto m = api->instance_mapping("u1");
  REQUIRE(m);
  CHECK(m->cell_uuid == "c2-uuid");
  CHECK_FALSE(api->build_request("u1")); // placed: the build request is gone
  auto r = record_in(cells[2], "u1");
  CHECK(r.host == "h-full");
  CHECK(r.vm_state == storage::vm_state::active);
}

TEST_CASE_FIXTURE(topology_fixture,
                  "super conductor: a build no cell can place is buried in cell0 with its fault") {
  accept("big", 1 << 30);
  auto m = api->instance_mapping("big");
  REQUIRE(m);
  CHECK(m->cell_uuid == cells::cell0_uuid);
  auto r = record_in(cells[0], "big");
  CHECK(r.vm_state == storage::vm_state::error);
  CHECK(r.fault.message == "No valid host was found. ");
}

TEST_CASE_FIXTURE(topology_fixture,
                  "super conductor: a deleted instance's mapping goes when its cell reports it") {
  accept("u2", 512);
  REQUIRE(api->instance_mapping("u2"));
  auto del = make_action("u2", storage::server_action::delete_server, false, "req-d", "u", "p");
  self->send(cells[2].conductor, action_atom_v, del);
  run();
  receive_now([](caf::ok_atom) {}, [](caf::error& err) { FAIL(caf::to_string(err)); });
  CHECK_FALSE(api->instance_mapping("u2"));
}
