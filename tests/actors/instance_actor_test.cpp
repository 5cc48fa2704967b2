// The instance state machine, driven on the deterministic scheduler with a
// real host actor over the fake driver and small stand-ins for the cell
// (tests/actors/instance_fixture.h).
#include "tests/actors/instance_fixture.h"

#include "hypervisor/libvirt_driver.h"

using namespace nimbus;
using namespace nimbus::test;

TEST_CASE_FIXTURE(fixture, "boot, stop, start, reboot and delete walk Nova's states") {
  boot(placement{"h1", {"h2"}}, std::vector<host_actor>{h1, h2});
  run();
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(last().task_state == storage::task_state::none);
  CHECK(last().power_state == 1);
  CHECK(last().host == "h1");
  CHECK(domain_state(*drv1) == hypervisor::power_state::running);
  REQUIRE_FALSE(log->actions.empty());
  CHECK(log->actions.back().action == storage::server_action::create);
  CHECK(log->actions.back().events.back().result == "Success");

  CHECK(act("stop") == "");
  CHECK(last().vm_state == storage::vm_state::stopped);
  CHECK(last().power_state == 4);
  CHECK(domain_state(*drv1) == hypervisor::power_state::shutdown);

  CHECK(act("stop")
        == "Cannot 'stop' instance " + record.uuid + " while it is in vm_state stopped");
  CHECK(act("reboot")
        == "Cannot 'reboot' instance " + record.uuid + " while it is in vm_state stopped");

  CHECK(act("start") == "");
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(domain_state(*drv1) == hypervisor::power_state::running);

  CHECK(act("reboot", true) == "");
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(last().task_state == storage::task_state::none);
  CHECK(log->actions.back().events.back().event == "compute_reboot_instance");

  CHECK(act("delete") == "");
  CHECK(log->forgotten == std::vector<std::string>{record.uuid});
  CHECK(log->released.back() == record.uuid);
  std::vector<hypervisor::domain_info> doms;
  REQUIRE_FALSE(drv1->list_domains(&doms));
  CHECK(doms.empty());
}

TEST_CASE_FIXTURE(fixture, "a task in flight refuses other actions with its task_state") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  auto stop = make_action(record.uuid, storage::server_action::stop, false, "req-1", "u", "p");
  self->send(inst, action_atom_v, stop, h1);
  // Let only the instance accept the stop (task_state powering-off) and the
  // save come back; the host has not answered yet when the start arrives.
  sched.run_once();
  sched.run_once();
  // A soft reboot is allowed from vm_state active, so the task_state refuses it.
  auto reboot = make_action(record.uuid, storage::server_action::reboot, false, "req-2", "u", "p");
  self->send(inst, action_atom_v, reboot, h1);
  run();
  std::vector<std::string> outcomes;
  for (int i = 0; i < 2; ++i)
    receive_now([&](caf::ok_atom) { outcomes.push_back("ok"); },
                [&](caf::error& err) { outcomes.push_back(message_of(err)); });
  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[0] == "ok");
  CHECK(outcomes[1]
        == "Cannot 'reboot' instance " + record.uuid + " while it is in task_state powering-off");
}

TEST_CASE_FIXTURE(fixture, "a failed spawn moves to the alternate and frees the first claim") {
  drv1->faults().fail_next(hypervisor::operation::spawn);
  boot(placement{"h1", {"h2"}}, std::vector<host_actor>{h1, h2});
  run();
  CHECK(log->released == std::vector<std::string>{record.uuid});
  CHECK(log->claims == std::vector<std::string>{"h2"});
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(last().host == "h2");
  CHECK(domain_state(*drv2) == hypervisor::power_state::running);
}

TEST_CASE_FIXTURE(fixture, "when every host fails the build ends in ERROR with its fault") {
  drv1->faults().fail_next(hypervisor::operation::spawn);
  drv2->faults().fail_next(hypervisor::operation::spawn);
  boot(placement{"h1", {"h2"}}, std::vector<host_actor>{h1, h2});
  run();
  CHECK(last().vm_state == storage::vm_state::error);
  CHECK(last().task_state == storage::task_state::none);
  CHECK(last().fault.code == 500);
  CHECK(last().fault.message.find("Exceeded maximum number of retries") == 0);
  CHECK(log->actions.back().message == "Error");
  CHECK(log->actions.back().events.back().result == "Error");
}

TEST_CASE_FIXTURE(fixture,
                  "a delete during the build waits for the spawn, then removes the domain") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  sched.run_once(); // the instance asks h1 to spawn; h1 has not run yet
  auto del =
    make_action(record.uuid, storage::server_action::delete_server, false, "req-del", "u", "p");
  self->send(inst, action_atom_v, del, h1);
  run();
  receive_now([](caf::ok_atom) {}, [](caf::error& err) { FAIL(message_of(err)); });
  CHECK(log->forgotten == std::vector<std::string>{record.uuid});
  std::vector<hypervisor::domain_info> doms;
  REQUIRE_FALSE(drv1->list_domains(&doms));
  CHECK(doms.empty());
}

namespace {

// A host whose power-offs answer only when the test says so (by sending it
// ok_atom): a host call that stays out for as long as the test needs.
struct held_calls {
  std::vector<caf::typed_response_promise<hypervisor::power_state>> power_offs;
  std::vector<std::string> destroyed;
};

using held_host_actor = host_actor::extend<caf::reacts_to<caf::ok_atom>>;

held_host_actor::behavior_type held_host(held_host_actor::pointer self,
                                         const std::shared_ptr<held_calls>& calls) {
  return {
    [](spawn_dom_atom, const hypervisor::domain_spec&) { return hypervisor::power_state::running; },
    [self, calls](domain_op_atom, hypervisor::domain_op op,
                  const std::string&) -> caf::result<hypervisor::power_state> {
      if (op != hypervisor::domain_op::power_off)
        return hypervisor::power_state::running;
      calls->power_offs.push_back(self->make_response_promise<hypervisor::power_state>());
      return calls->power_offs.back();
    },
    [](password_atom, const std::string&, const std::string&, const std::string&) {
      return caf::ok_atom_v;
    },
    [](console_atom, const std::string&) { return std::string{}; },
    [calls](destroy_atom, const std::string& name) {
      calls->destroyed.push_back(name);
      return caf::ok_atom_v;
    },
    [](snapshot_atom, hypervisor::chain_op, const std::string&, const std::string&,
       const std::string&) { return std::vector<hypervisor::chain_point>{}; },
    [](reconcile_atom, const std::vector<domain_target>&) { return caf::ok_atom_v; },
    [calls](caf::ok_atom) {
      for (auto& rp : calls->power_offs)
        rp.deliver(hypervisor::power_state::shutdown);
    },
    [](subscribe_atom, const host_report_sink&) {},
  };
}

struct held_fixture : fixture {
  std::shared_ptr<held_calls> calls = std::make_shared<held_calls>();
  held_host_actor held_full = sys.spawn(held_host, calls);
  host_actor held = held_full;

  held_fixture() {
    boot(placement{"held", {}}, std::vector<host_actor>{held});
    run();
    REQUIRE(last().vm_state == storage::vm_state::active);
  }
  ~held_fixture() {
    self->send_exit(held, caf::exit_reason::user_shutdown);
    run();
  }
  std::string ask(storage::server_action action) {
    self->send(inst, action_atom_v, make_action(record.uuid, action, false, "req", "u", "p"), held);
    run();
    return outcome_now();
  }
  storage::instance_record current() {
    storage::instance_record r;
    self->send(inst, caf::get_atom_v);
    run();
    receive_now([&](storage::instance_record& got) { r = std::move(got); });
    return r;
  }
};

} // namespace

TEST_CASE_FIXTURE(held_fixture,
                  "a delete while a stop is out is durable at once and runs after it") {
  CHECK(ask(storage::server_action::stop) == "");
  REQUIRE(calls->power_offs.size() == 1); // the host call is out
  CHECK(ask(storage::server_action::delete_server) == "");
  CHECK(last().task_state == storage::task_state::deleting); // saved before the 202
  CHECK(calls->destroyed.empty());                           // the stop is still out
  CHECK(ask(storage::server_action::delete_server) == "");   // a second delete joins it
  self->send(held_full, caf::ok_atom_v);                     // the stop's power-off returns
  run();
  CHECK(calls->destroyed == std::vector<std::string>{record.instance_name});
  CHECK(log->forgotten == std::vector<std::string>{record.uuid});
}

TEST_CASE_FIXTURE(held_fixture,
                  "an action whose save fails is answered with the error and undone") {
  log->save_mode = cell_log::saves::fail;
  CHECK(ask(storage::server_action::stop) == "disk full");
  CHECK(calls->power_offs.empty()); // nothing was started
  auto r = current();
  CHECK(r.task_state == storage::task_state::none);
  CHECK(r.vm_state == storage::vm_state::active);
  log->save_mode = cell_log::saves::succeed;
  CHECK(ask(storage::server_action::stop) == ""); // at rest again: the next one runs
  CHECK(calls->power_offs.size() == 1);
}

namespace {

// The same instance actor over two real libvirt test-driver hosts.
struct libvirt_fixture : fixture {
  test::temp_dir dir;
  std::shared_ptr<hypervisor::driver> lv1 = connect("lv1");

  std::shared_ptr<hypervisor::driver> connect(const std::string& name) {
    auto node = dir.sub(name + ".xml");
    REQUIRE_FALSE(hypervisor::write_test_node_xml(node, 8, 8192));
    std::error_code ec;
    auto d = hypervisor::make_libvirt_driver({"test://" + node, "", name, 100}, &ec);
    REQUIRE(d);
    return std::shared_ptr<hypervisor::driver>(std::move(d));
  }
};

} // namespace

TEST_CASE_FIXTURE(libvirt_fixture, "stop shuts the libvirt domain off and delete removes it") {
  auto sink = caf::actor_cast<host_report_sink>(sink_handle);
  auto host = host::spawn_host(sys, lv1, {"lv1", std::chrono::hours(1), false}, sink);
  boot(placement{"lv1", {}}, std::vector<host_actor>{host});
  run();
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(domain_state(*lv1) == hypervisor::power_state::running);
  auto stop = make_action(record.uuid, storage::server_action::stop, false, "req-stop", "u", "p");
  self->send(inst, action_atom_v, stop, host);
  run();
  receive_now([](caf::ok_atom) {}, [](caf::error& err) { FAIL(message_of(err)); });
  CHECK(domain_state(*lv1) == hypervisor::power_state::shutdown);
  CHECK(last().power_state == 4);
  auto del =
    make_action(record.uuid, storage::server_action::delete_server, false, "req-del", "u", "p");
  self->send(inst, action_atom_v, del, host);
  run();
  receive_now([](caf::ok_atom) {}, [](caf::error& err) { FAIL(message_of(err)); });
  std::vector<hypervisor::domain_info> doms;
  REQUIRE_FALSE(lv1->list_domains(&doms));
  CHECK(doms.empty());
  self->send_exit(host, caf::exit_reason::user_shutdown);
  run();
}

TEST_CASE_FIXTURE(fixture, "pause, suspend, rescue and password changes run on the host") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  CHECK(act("pause") == "");
  CHECK(last().vm_state == storage::vm_state::paused);
  CHECK(last().power_state == 3);
  CHECK(domain_state(*drv1) == hypervisor::power_state::paused);
  CHECK(log->actions.back().events.back().event == "compute_pause_instance");
  CHECK(act("suspend")
        == "Cannot 'suspend' instance " + record.uuid + " while it is in vm_state paused");
  CHECK(act("unpause") == "");
  CHECK(domain_state(*drv1) == hypervisor::power_state::running);
  CHECK(act("suspend") == "");
  CHECK(last().vm_state == storage::vm_state::suspended);
  CHECK(domain_state(*drv1) == hypervisor::power_state::shutdown);
  CHECK(act("resume") == "");
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(act("rescue") == "");
  CHECK(last().vm_state == storage::vm_state::rescued);
  CHECK(act("trigger_crash_dump") == "");
  CHECK(last().vm_state == storage::vm_state::rescued); // an NMI changes no state
  CHECK(act("unrescue") == "");
  CHECK(last().vm_state == storage::vm_state::active);
  auto change =
    make_action(record.uuid, storage::server_action::change_password, false, "req-pw", "u", "p");
  change.admin_pass = "n3w";
  CHECK(send_action(change, h1) == "");
  CHECK(last().admin_pass == "n3w");
  CHECK(last().task_state == storage::task_state::none);
  std::string console;
  REQUIRE_FALSE(drv1->get_console_output(record.instance_name, &console));
  CHECK(console.find("Booting the rescue system") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture,
                  "shelving takes the server off its host; unshelving puts it on another") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  CHECK(act("shelve") == ""); // shelved_offload_time 0: offloaded at once
  CHECK(last().vm_state == storage::vm_state::shelved_offloaded);
  CHECK(last().host.empty());
  CHECK(last().power_state == 0);
  CHECK(log->released.back() == record.uuid);
  auto& shelve = log->actions.back();
  REQUIRE(shelve.events.size() == 2);
  CHECK(shelve.events[1].event == "compute_shelve_offload_instance");
  CHECK(shelve.events[1].result == "Success");
  std::vector<hypervisor::domain_info> doms;
  REQUIRE_FALSE(drv1->list_domains(&doms));
  CHECK(doms.empty());
  CHECK(act("stop")
        == "Cannot 'stop' instance " + record.uuid + " while it is in vm_state shelved_offloaded");

  // The cell claimed h2 for it (actors/conductor), then asks.
  auto unshelve =
    make_action(record.uuid, storage::server_action::unshelve, false, "req-un", "u", "p");
  unshelve.host = "h2";
  CHECK(send_action(unshelve, h2) == "");
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(last().host == "h2");
  CHECK(domain_state(*drv2) == hypervisor::power_state::running);
}

TEST_CASE_FIXTURE(fixture, "a failed unshelve gives its host's claim back and stays offloaded") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  CHECK(act("shelve") == "");
  drv2->faults().fail_next(hypervisor::operation::spawn);
  auto unshelve =
    make_action(record.uuid, storage::server_action::unshelve, false, "req-un", "u", "p");
  unshelve.host = "h2";
  auto released = log->released.size();
  CHECK(send_action(unshelve, h2) == "");
  CHECK(last().vm_state == storage::vm_state::shelved_offloaded);
  CHECK(last().host.empty());
  CHECK(last().task_state == storage::task_state::none);
  CHECK(last().fault.code == 500);
  CHECK(log->released.size() == released + 1);
}

TEST_CASE_FIXTURE(fixture, "a failed action clears its task and records the fault") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  drv1->faults().fail_next(hypervisor::operation::pause);
  CHECK(act("pause") == ""); // accepted: the failure comes after the 202
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(last().task_state == storage::task_state::none);
  CHECK(last().fault.code == 500);
  CHECK(last().fault.message.find("injected failure") != std::string::npos);
  CHECK(log->actions.back().events.back().result == "Error");
}

TEST_CASE_FIXTURE(fixture, "a lock refuses everyone's actions but an admin's") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  auto lock = make_action(record.uuid, storage::server_action::lock, false, "req-l", "u", "other");
  lock.is_admin = true; // an admin of another project: an admin's lock
  lock.locked_reason = "maintenance";
  CHECK(send_action(lock, h1) == "");
  CHECK(last().locked);
  CHECK(last().locked_by == "admin");
  CHECK(last().locked_reason == "maintenance");
  CHECK(log->actions.back().action == storage::server_action::lock);
  CHECK(log->actions.back().events.empty());
  CHECK(act("stop") == "Instance " + record.uuid + " is locked");
  CHECK(act("delete") == "Instance " + record.uuid + " is locked");
  server_update meta;
  meta.uuid = record.uuid;
  meta.metadata["k"] = "v";
  CHECK(update(meta) == "Instance " + record.uuid + " is locked");
  CHECK(act("unlock").find("unlock_override") != std::string::npos);
  auto stop = make_action(record.uuid, storage::server_action::stop, false, "req-s", "a", "other");
  stop.is_admin = true;
  CHECK(send_action(stop, h1) == "");
  CHECK(last().vm_state == storage::vm_state::stopped);
  auto unlock = lock;
  unlock.action = storage::server_action::unlock;
  CHECK(send_action(unlock, h1) == "");
  CHECK_FALSE(last().locked);
  CHECK(act("start") == "");
}

TEST_CASE_FIXTURE(fixture, "updates change the server's fields within Nova's limits") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  server_update u;
  u.uuid = record.uuid;
  u.set_name = true;
  u.name = "renamed";
  u.metadata = {{"a", "1"}, {"b", "2"}};
  u.tags = {"x", "y"};
  CHECK(update(u) == "");
  CHECK(last().name == "renamed");
  CHECK(last().metadata.size() == 2);
  CHECK(last().tags == std::vector<std::string>{"x", "y"});

  server_update missing;
  missing.uuid = record.uuid;
  missing.delete_metadata = {"zz"};
  CHECK(update(missing) == "Metadata item was not found");
  missing.delete_metadata.clear();
  missing.delete_tags = {"zz"};
  CHECK(update(missing) == "Instance " + record.uuid + " has no tag 'zz'");

  server_update many;
  many.uuid = record.uuid;
  for (int i = 0; i < 51; ++i)
    many.tags.push_back("t" + std::to_string(i));
  CHECK(update(many) == "The number of tags exceeded the per-server limit 50");
  CHECK(last().tags.size() == 2); // nothing of a refused update stays

  server_update replace;
  replace.uuid = record.uuid;
  replace.replace_metadata = true;
  replace.metadata = {{"c", "3"}};
  replace.replace_tags = true;
  CHECK(update(replace) == "");
  CHECK(last().metadata == std::map<std::string, std::string>{{"c", "3"}});
  CHECK(last().tags.empty());
}

TEST_CASE_FIXTURE(fixture,
                  "a rebuild re-creates the domain on its host and keeps a stopped server off") {
  boot(placement{"h1", {}}, std::vector<host_actor>{h1});
  run();
  auto rebuild =
    make_action(record.uuid, storage::server_action::rebuild, false, "req-rb", "u", "p");
  rebuild.image_ref = "new-image";
  rebuild.admin_pass = "pw2";
  rebuild.fields.set_name = true;
  rebuild.fields.name = "rebuilt";
  rebuild.fields.replace_metadata = true;
  rebuild.fields.metadata = {{"rebuild", "server"}};
  CHECK(send_action(rebuild, h1) == "");
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(last().image_ref == "new-image");
  CHECK(last().name == "rebuilt");
  CHECK(last().admin_pass == "pw2");
  CHECK(last().host == "h1");
  CHECK(log->claims.empty()); // the claim it had stays: nothing claimed again
  CHECK(domain_state(*drv1) == hypervisor::power_state::running);
  CHECK(log->actions.back().events.back().event == "compute_rebuild_instance");

  CHECK(act("stop") == "");
  rebuild.request_id = "req-rb2";
  CHECK(send_action(rebuild, h1) == "");
  CHECK(last().vm_state == storage::vm_state::stopped);
  CHECK(domain_state(*drv1) == hypervisor::power_state::shutdown);
}

namespace {

// An instance whose cell keeps deleted servers restorable.
struct deferred_fixture : fixture {
  deferred_fixture() {
    self->send_exit(inst, caf::exit_reason::user_shutdown);
    run();
    instance::instance_options opts;
    opts.reclaim_instance_interval = std::chrono::seconds(3600);
    inst = instance::spawn_instance(sys, record, keeper, scheduler, opts);
    run();
    boot(placement{"h1", {}}, std::vector<host_actor>{h1});
    run();
  }
};

} // namespace

TEST_CASE_FIXTURE(deferred_fixture,
                  "a deferred delete keeps the server restorable; a forced one ends it") {
  CHECK(act("restore")
        == "Cannot 'restore' instance " + record.uuid + " while it is in vm_state active");
  CHECK(act("delete") == "");
  CHECK(last().vm_state == storage::vm_state::soft_deleted);
  CHECK(log->forgotten.empty());
  CHECK(domain_state(*drv1) == hypervisor::power_state::shutdown);
  CHECK(log->actions.back().events.back().event == "compute_soft_delete_instance");
  CHECK(act("restore") == "");
  CHECK(last().vm_state == storage::vm_state::active);
  CHECK(domain_state(*drv1) == hypervisor::power_state::running);
  CHECK(act("delete") == "");
  auto force =
    make_action(record.uuid, storage::server_action::delete_server, true, "req-f", "u", "p");
  CHECK(send_action(force, h1) == "");
  CHECK(log->forgotten == std::vector<std::string>{record.uuid});
  std::vector<hypervisor::domain_info> doms;
  REQUIRE_FALSE(drv1->list_domains(&doms));
  CHECK(doms.empty());
}
