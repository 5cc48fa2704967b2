// Moves between hosts (resize, migrate, live migration, confirm, revert) of
// one instance, on the fixture of tests/actors/instance_fixture.h.
#include "tests/actors/instance_fixture.h"

#include "tests/support/temp_dir.h"

using namespace nimbus;
using namespace nimbus::test;

namespace {

storage::flavor bigger() {
  storage::flavor f;
  f.id = "2";
  f.vcpus = 2;
  f.memory_mb = 1024;
  return f;
}

} // namespace

TEST_CASE_FIXTURE(fixture, "a resize moves the server, and a confirm lets its source go") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  CHECK(move(storage::server_action::resize, h1, h2, "h2", bigger()) == "");
  CHECK(last().vm_state == storage::vm_state::resized);
  CHECK(last().task_state == storage::task_state::none);
  CHECK(last().host == "h2");
  CHECK(last().flavor_copy.id == "2");
  CHECK(last().old_flavor.memory_mb == 512);
  CHECK_FALSE(has_domain(*drv1));
  CHECK(domain_state(*drv2) == hypervisor::power_state::running);
  REQUIRE_FALSE(log->moves.empty());
  CHECK(log->moves.front().status == storage::migration_status::pre_migrating); // the 202
  CHECK(log->moves.back().status == storage::migration_status::finished);
  CHECK(act("stop")
        == "Cannot 'stop' instance " + record.uuid + " while it is in vm_state resized");

  CHECK(move(storage::server_action::confirm_resize, h1, h2, "h2") == "");
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(last().old_flavor.id.empty());
  CHECK(log->moves.back().status == storage::migration_status::confirmed);
  CHECK(log->released.back() == "mig-1"); // the source's claim
  CHECK(log->actions.back().action == storage::server_action::confirm_resize);
}

TEST_CASE_FIXTURE(fixture, "a revert brings a stopped server back to its source, stopped") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  REQUIRE(act("stop") == "");
  CHECK(move(storage::server_action::resize, h1, h2, "h2", bigger()) == "");
  CHECK(last().vm_state == storage::vm_state::resized);
  CHECK(domain_state(*drv2) == hypervisor::power_state::shutdown);

  CHECK(move(storage::server_action::revert_resize, h1, h2, "h2") == "");
  CHECK(last().vm_state == storage::vm_state::stopped);
  CHECK(last().host == "h1");
  CHECK(last().flavor_copy.memory_mb == 512);
  CHECK_FALSE(has_domain(*drv2));
  CHECK(domain_state(*drv1) == hypervisor::power_state::shutdown);
  CHECK(log->moves.back().status == storage::migration_status::reverted);
  CHECK(log->reverted_moves == std::vector<std::string>{"mig-1"});
}

TEST_CASE_FIXTURE(fixture, "a live migration keeps the server running (or paused) elsewhere") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  REQUIRE(act("pause") == "");
  CHECK(move(storage::server_action::live_migration, h1, h2, "h2") == "");
  CHECK(last().vm_state == storage::vm_state::paused);
  CHECK(last().host == "h2");
  CHECK(domain_state(*drv2) == hypervisor::power_state::paused);
  CHECK_FALSE(has_domain(*drv1));
  CHECK(log->moves.back().status == storage::migration_status::completed);
  CHECK(log->released.back() == "mig-1");
  // Not from a state Nova refuses.
  auto on_h2 = [&](storage::server_action a) {
    return send_action(make_action(record.uuid, a, false, "req", "u", "p"), h2);
  };
  REQUIRE(on_h2(storage::server_action::unpause) == "");
  REQUIRE(on_h2(storage::server_action::suspend) == "");
  CHECK(last().vm_state == storage::vm_state::suspended);
  CHECK(move(storage::server_action::live_migration, h2, h1, "h1")
        == "Cannot 'live-migration' instance " + record.uuid
             + " while it is in vm_state suspended");
}

namespace {
struct moving_fixture : fixture { // its moves carry the disk through a move folder
  test::temp_dir dir;
  moving_fixture() {
    self->send_exit(inst, caf::exit_reason::user_shutdown);
    instance::instance_options opts;
    opts.move_dir = dir.sub("moves");
    inst = instance::spawn_instance(sys, record, keeper, scheduler, opts);
    run();
  }
};
} // namespace

TEST_CASE_FIXTURE(moving_fixture, "a move whose disk cannot be written out stays on its source") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  drv1->faults().fail_next(hypervisor::operation::export_disk);
  CHECK(move(storage::server_action::resize, h1, h2, "h2", bigger()) == ""); // accepted
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(last().task_state == storage::task_state::none);
  CHECK(last().host == "h1");
  CHECK(last().fault.code == 500);
  CHECK(domain_state(*drv1) == hypervisor::power_state::running); // shut off, then on again
  CHECK_FALSE(has_domain(*drv2));
  CHECK(log->moves.back().status == storage::migration_status::error);
  CHECK(move(storage::server_action::resize, h1, h2, "h2", bigger()) == ""); // no disk: no copy
  CHECK(last().vm_state == storage::vm_state::resized);
  CHECK(domain_state(*drv2) == hypervisor::power_state::running);
}

TEST_CASE_FIXTURE(fixture, "a move whose destination fails ends in error with the claims back") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  drv2->faults().fail_next(hypervisor::operation::spawn);
  CHECK(move(storage::server_action::resize, h1, h2, "h2", bigger()) == ""); // accepted
  CHECK(last().vm_state == storage::vm_state::error);
  CHECK(last().task_state == storage::task_state::none);
  CHECK(last().host == "h1");
  CHECK(last().flavor_copy.memory_mb == 512);
  CHECK(log->moves.back().status == storage::migration_status::error);
  CHECK(log->reverted_moves == std::vector<std::string>{"mig-1"});
  CHECK(last().fault.code == 500);
}

TEST_CASE_FIXTURE(moving_fixture,
                  "a live migration that fails on its destination runs on its source again") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  drv2->faults().fail_next(hypervisor::operation::spawn);
  CHECK(move(storage::server_action::live_migration, h1, h2, "h2") == ""); // accepted
  CHECK(last().host == "h1");
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(domain_state(*drv1) == hypervisor::power_state::running); // off for the copy, on again
  CHECK(log->moves.back().status == storage::migration_status::error);
}

TEST_CASE_FIXTURE(moving_fixture, "a paused server whose disk cannot be written out stays paused") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  REQUIRE(act("pause") == "");
  drv1->faults().fail_next(hypervisor::operation::export_disk);
  CHECK(move(storage::server_action::live_migration, h1, h2, "h2") == ""); // accepted
  CHECK(last().host == "h1");
  CHECK(last().vm_state == storage::vm_state::paused);
  CHECK(domain_state(*drv1) == hypervisor::power_state::paused); // off for the copy, back
  CHECK_FALSE(has_domain(*drv2));
}
