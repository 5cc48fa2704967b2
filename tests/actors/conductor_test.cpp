// A cell conductor on CAF's deterministic scheduler, with its real scheduler
// and a host over the fake driver, on a store whose writes complete inline:
// every run sees one order of events.
#include <doctest/doctest.h>

#include <map>
#include <variant>

#include "actors/conductor/conductor_actor.h"
#include "actors/host/host_actor.h"
#include "actors/protocol/errors.h"
#include "actors/scheduler/scheduler_actor.h"
#include "hypervisor/fake_driver.h"
#include "storage/errc.h"
#include "storage/fault_injecting_store.h"
#include "tests/support/actor_fixture.h"
#include "tests/support/inline_store.h"

#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

using namespace nimbus;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

struct cell_fixture : test::actor_fixture {
  std::shared_ptr<test::inline_store> store = std::make_shared<test::inline_store>();
  scheduler_actor scheduler;
  conductor_actor conductor;
  host_actor host;
  std::shared_ptr<hypervisor::fake_driver> driver{hypervisor::make_fake_driver({"h1"})};

  explicit cell_fixture(bool silent_to_lists = false,
                        const std::shared_ptr<storage::store>& cell_store = nullptr,
                        std::chrono::seconds store_timeout = std::chrono::seconds(60)) {
    scheduler = scheduler::spawn_scheduler(sys, {});
    conductor::conductor_options opts;
    opts.cell_uuid = opts.cell_name = "cell-t";
    opts.silent_to_lists = silent_to_lists;
    opts.instance.store_timeout = store_timeout;
    conductor = conductor::spawn_conductor(sys, cell_store ? cell_store : store, scheduler, opts);
    host = host::spawn_host(sys, driver, {"h1", 1h, false},
                            caf::actor_cast<host_report_sink>(conductor));
    run(); // the host's first heartbeat: it joins
  }
  ~cell_fixture() {
    for (const auto& a : {caf::actor_cast<caf::actor>(host), caf::actor_cast<caf::actor>(conductor),
                          caf::actor_cast<caf::actor>(scheduler)})
      self->send_exit(a, caf::exit_reason::user_shutdown);
    run();
  }

  static std::pair<storage::build_request, storage::request_spec>
  boot_of(const std::string& uuid, std::int32_t memory_mb = 512) {
    storage::build_request br;
    br.instance.uuid = uuid;
    br.instance.name = "vm-" + uuid;
    br.instance.project_id = "p";
    br.instance.flavor_copy.vcpus = 1;
    br.instance.flavor_copy.memory_mb = memory_mb;
    br.instance.flavor_copy.root_gb = 1;
    br.request_id = "req-" + uuid;
    storage::request_spec spec;
    spec.instance_uuid = uuid;
    spec.flavor_copy = br.instance.flavor_copy;
    return {br, spec};
  }

  // What a request answered: a value, or the error's nimbus code.
  template <class T, class... Ts>
  std::variant<T, errc> ask(Ts... xs) {
    self->send(conductor, xs...);
    run();
    std::variant<T, errc> out = errc::internal;
    receive_now([&](T& v) { out = std::move(v); }, [&](caf::error& e) { out = code_of(e); });
    return out;
  }
};

template <class T>
const T& value(const std::variant<T, errc>& v) {
  REQUIRE(std::holds_alternative<T>(v));
  return std::get<T>(v);
}

} // namespace

TEST_CASE_FIXTURE(cell_fixture, "conductor: a build is placed, stored and running; asked again, it "
                                "answers the same host and keeps one copy") {
  auto [br, spec] = boot_of("u1");
  CHECK(value(ask<std::string>(build_atom_v, br, spec)) == "h1");
  auto r = value(ask<storage::instance_record>(caf::get_atom_v, std::string("u1")));
  CHECK(r.vm_state == storage::vm_state::active);
  CHECK(r.host == "h1");
  CHECK_FALSE(r.instance_name.empty());
  CHECK(value(ask<std::string>(build_atom_v, br, spec)) == "h1"); // re-driven
  CHECK(value(ask<std::vector<storage::instance_record>>(list_atom_v, list_query{})).size() == 1);
  auto keys = value(ask<std::vector<list_key>>(keys_atom_v, list_query{}));
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].uuid == "u1");
  auto actions =
    value(ask<std::vector<storage::instance_action>>(actions_atom_v, std::string("u1"), false));
  REQUIRE(actions.size() == 1);
  CHECK(actions[0].action == storage::server_action::create);
}

TEST_CASE_FIXTURE(cell_fixture, "conductor: a server no host fits is a NoValidHost, and not kept") {
  auto [br, spec] = boot_of("big", 1 << 30);
  CHECK(std::get<errc>(ask<std::string>(build_atom_v, br, spec)) == errc::no_valid_host);
  CHECK(std::get<errc>(ask<storage::instance_record>(caf::get_atom_v, std::string("big")))
        == errc::not_found);
}

TEST_CASE_FIXTURE(cell_fixture, "conductor: a buried server is in ERROR with its fault, once") {
  auto [br, spec] = boot_of("u2");
  storage::instance_fault fault{500, "No valid host was found. ", "details", 7};
  CHECK(std::holds_alternative<caf::ok_atom>(ask<caf::ok_atom>(bury_atom_v, br, fault)));
  CHECK(std::holds_alternative<caf::ok_atom>(ask<caf::ok_atom>(bury_atom_v, br, fault)));
  auto r = value(ask<storage::instance_record>(caf::get_atom_v, std::string("u2")));
  CHECK(r.vm_state == storage::vm_state::error);
  CHECK(r.fault.message == fault.message);
  CHECK(r.host.empty());
  CHECK(value(ask<std::vector<storage::instance_record>>(list_atom_v, list_query{})).size() == 1);
}

TEST_CASE_FIXTURE(cell_fixture, "conductor: an action on a server it does not hold is not found") {
  auto stop = make_action("nope", storage::server_action::stop, false, "req", "u", "p");
  CHECK(std::get<errc>(ask<caf::ok_atom>(action_atom_v, stop)) == errc::not_found);
}

TEST_CASE_FIXTURE(cell_fixture, "conductor: a delete removes the server and tells its listeners") {
  auto [br, spec] = boot_of("u3");
  REQUIRE(value(ask<std::string>(build_atom_v, br, spec)) == "h1");
  // A listener as the API cell's super conductor is one.
  auto deleted = std::make_shared<std::vector<std::string>>();
  auto listener = sys.spawn(
    [](cell_listener::pointer,
       const std::shared_ptr<std::vector<std::string>>& log) -> cell_listener::behavior_type {
      return {[](summary_atom, const cell_summary&) {},
              [log](deleted_atom, const std::string& uuid) {
                log->push_back(uuid);
                return caf::ok_atom_v;
              },
              [](image_saved_atom, const std::string&, const std::string&, const std::string&) {}};
    },
    deleted);
  self->send(conductor, subscribe_atom_v, listener, std::string("cell-t"));
  run();
  auto del = make_action("u3", storage::server_action::delete_server, false, "req-d", "u", "p");
  CHECK(std::holds_alternative<caf::ok_atom>(ask<caf::ok_atom>(action_atom_v, del)));
  CHECK(std::get<errc>(ask<storage::instance_record>(caf::get_atom_v, std::string("u3")))
        == errc::not_found);
  CHECK(value(ask<std::vector<storage::instance_record>>(list_atom_v, list_query{})).empty());
  CHECK(*deleted == std::vector<std::string>{"u3"});
  // Its actions stay for deleted_actions_retention (microversion 2.21).
  CHECK(std::get<errc>(ask<std::vector<storage::instance_action>>(actions_atom_v, "u3"s, false))
        == errc::not_found); // before 2.21
  auto actions = value(ask<std::vector<storage::instance_action>>(actions_atom_v, "u3"s, true));
  REQUIRE(actions.size() == 2);
  CHECK(actions[0].action == storage::server_action::create);
  CHECK(actions[1].action == storage::server_action::delete_server);
  CHECK(std::get<errc>(ask<std::vector<storage::instance_action>>(actions_atom_v, "never"s, true))
        == errc::not_found);
  self->send_exit(listener, caf::exit_reason::user_shutdown);
  run();
}

TEST_CASE_FIXTURE(cell_fixture,
                  "conductor: a deleted server stays in the index until a listener heard it") {
  auto [br, spec] = boot_of("u9");
  REQUIRE(value(ask<std::string>(build_atom_v, br, spec)) == "h1");
  // One listener that never answers (an API process that is gone) and one
  // that answers when the test tells it to (with an ok_atom).
  auto heard = std::make_shared<int>(0);
  auto holding = [](caf::event_based_actor* self,
                    const std::shared_ptr<int>& heard) -> caf::behavior {
    auto held = std::make_shared<std::vector<caf::response_promise>>();
    return {[](summary_atom, const cell_summary&) {},
            [self, held, heard](deleted_atom, const std::string&) {
              ++*heard;
              held->push_back(self->make_response_promise());
              return held->back();
            },
            [held](caf::ok_atom) {
              for (auto& rp : *held)
                rp.deliver(caf::ok_atom_v);
              held->clear();
            }};
  };
  auto silent = sys.spawn(holding, std::make_shared<int>(0));
  auto answering = sys.spawn(holding, heard);
  self->send(conductor, subscribe_atom_v, caf::actor_cast<cell_listener>(silent), "cell-t"s);
  self->send(conductor, subscribe_atom_v, caf::actor_cast<cell_listener>(answering), "cell-t"s);
  self->send(conductor, subscribe_atom_v, caf::actor_cast<cell_listener>(answering),
             "cell-t"s); // told once
  run();
  auto del = make_action("u9", storage::server_action::delete_server, false, "req-d", "u", "p");
  CHECK(std::holds_alternative<caf::ok_atom>(ask<caf::ok_atom>(action_atom_v, del)));
  CHECK(*heard == 1);
  CHECK(std::holds_alternative<storage::instance_record>(
    ask<storage::instance_record>(caf::get_atom_v, "u9"s))); // not heard yet
  self->send(answering, caf::ok_atom_v);
  run();
  CHECK(std::get<errc>(ask<storage::instance_record>(caf::get_atom_v, "u9"s)) == errc::not_found);
  // With only the silent one left, the short wait ends it.
  self->send_exit(answering, caf::exit_reason::user_shutdown);
  run();
  auto [br2, spec2] = boot_of("u10");
  REQUIRE(value(ask<std::string>(build_atom_v, br2, spec2)) == "h1");
  auto del2 = make_action("u10", storage::server_action::delete_server, false, "req-e", "u", "p");
  CHECK(std::holds_alternative<caf::ok_atom>(ask<caf::ok_atom>(action_atom_v, del2)));
  CHECK(std::holds_alternative<storage::instance_record>(
    ask<storage::instance_record>(caf::get_atom_v, "u10"s)));
  sched.trigger_timeouts();
  run();
  CHECK(std::get<errc>(ask<storage::instance_record>(caf::get_atom_v, "u10"s)) == errc::not_found);
  self->send_exit(silent, caf::exit_reason::user_shutdown);
  run();
}

namespace {
struct silent_cell_fixture : cell_fixture {
  silent_cell_fixture() : cell_fixture(true) {}
};
} // namespace

TEST_CASE_FIXTURE(silent_cell_fixture, "conductor: silent to lists, it answers everything else") {
  auto [br, spec] = boot_of("u4");
  CHECK(value(ask<std::string>(build_atom_v, br, spec)) == "h1");
  self->send(conductor, list_atom_v, list_query{});
  self->send(conductor, keys_atom_v, list_query{});
  run();
  bool answered = false;
  self->receive([&](std::vector<storage::instance_record>&) { answered = true; },
                [&](std::vector<list_key>&) { answered = true; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK_FALSE(answered);
  CHECK(value(ask<storage::instance_record>(caf::get_atom_v, std::string("u4"))).uuid == "u4");
}

namespace {
// A cell whose store takes writes and never finishes them (a dead disk), and
// whose instances wait for their saves at most one summary tick.
struct stalled_store_fixture : cell_fixture {
  static std::shared_ptr<storage::fault_injecting_store> stalled() {
    auto s =
      std::make_shared<storage::fault_injecting_store>(std::make_shared<test::inline_store>());
    return s;
  }
  std::shared_ptr<storage::fault_injecting_store> faulty;
  explicit stalled_store_fixture(std::shared_ptr<storage::fault_injecting_store> s = stalled())
      : cell_fixture(false, s, std::chrono::seconds(0)), faulty(std::move(s)) {}
};
} // namespace

TEST_CASE_FIXTURE(stalled_store_fixture,
                  "conductor: a save its store never finishes is answered by store_timeout") {
  faulty->hold_writes();
  storage::instance_record r;
  r.uuid = "u5";
  self->send(conductor, save_atom_v, r, std::vector<storage::instance_action>{},
             std::vector<storage::migration>{});
  run();
  CHECK(faulty->held() == 1);
  bool answered = false;
  self->receive([&](caf::ok_atom) { answered = true; }, [&](caf::error&) { answered = true; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK_FALSE(answered);                // the write is out
  CHECK(sched.trigger_timeouts() >= 1); // the summary tick: the save is overdue
  run();
  std::string message;
  receive_now([](caf::ok_atom) { FAIL("saved without a durable write"); },
              [&](caf::error& err) { message = message_of(err); });
  CHECK(message == "cell store: storage write timed out");
  faulty->release_writes(); // lands late: nobody is answered twice
  run();
  self->receive([](caf::ok_atom) { FAIL("answered twice"); },
                [](caf::error&) { FAIL("answered twice"); },
                caf::after(std::chrono::seconds(0)) >> [] {});
}

namespace {

// A cell with two hosts, for moves. `down_after` is the conductor's
// service_down_time: 0 makes every host count as down (for evacuations)
// while the scheduler still places on them.
struct two_host_cell : test::actor_fixture {
  std::shared_ptr<test::inline_store> store = std::make_shared<test::inline_store>();
  std::shared_ptr<hypervisor::fake_driver> d1 = hypervisor::make_fake_driver({"h1"});
  std::shared_ptr<hypervisor::fake_driver> d2 = hypervisor::make_fake_driver({"h2"});
  conductor::conductor_options opts;
  scheduler_actor scheduler;
  conductor_actor conductor;
  host_actor h1, h2;

  explicit two_host_cell(std::chrono::seconds down_after = 60s) {
    opts.cell_uuid = opts.cell_name = "cell-m";
    opts.service_down_time = down_after;
    start();
  }
  ~two_host_cell() { stop(); }

  void start() {
    scheduler = scheduler::spawn_scheduler(sys, {});
    conductor = conductor::spawn_conductor(sys, store, scheduler, opts);
    auto sink = caf::actor_cast<host_report_sink>(conductor);
    h1 = host::spawn_host(sys, d1, {"h1", 1h, false}, sink);
    h2 = host::spawn_host(sys, d2, {"h2", 1h, false}, sink);
    run();
  }
  void stop() {
    for (const auto& a :
         {caf::actor_cast<caf::actor>(h1), caf::actor_cast<caf::actor>(h2),
          caf::actor_cast<caf::actor>(conductor), caf::actor_cast<caf::actor>(scheduler)})
      self->send_exit(a, caf::exit_reason::user_shutdown);
    run();
  }

  template <class T, class Handle, class... Ts>
  std::variant<T, errc> ask_of(const Handle& h, Ts... xs) {
    self->send(h, xs...);
    run();
    std::variant<T, errc> out = errc::internal;
    receive_now([&](T& v) { out = std::move(v); }, [&](caf::error& e) { out = code_of(e); });
    return out;
  }

  storage::instance_record server(const std::string& uuid) {
    return value(ask_of<storage::instance_record>(conductor, caf::get_atom_v, uuid));
  }

  std::string act(action_request req) {
    req.is_admin = true;
    self->send(conductor, action_atom_v, req);
    run();
    auto outcome = outcome_now();
    run();
    return outcome;
  }

  std::map<std::string, std::int64_t> memory_used() {
    self->send(scheduler, usage_atom_v);
    run();
    std::map<std::string, std::int64_t> out;
    receive_now(
      [&](std::vector<host_usage>& usage, cell_summary&) {
        for (auto& u : usage)
          out[u.host] = u.memory_mb_used;
      },
      [](caf::error&) { FAIL("no usage"); });
    return out;
  }

  std::vector<storage::migration> migrations(const std::string& uuid) {
    return value(ask_of<std::vector<storage::migration>>(conductor, migrations_atom_v, uuid));
  }

  std::string boot(const std::string& uuid) {
    auto [br, spec] = cell_fixture::boot_of(uuid);
    br.instance.flavor_copy.id = spec.flavor_copy.id = "1";
    return value(ask_of<std::string>(conductor, build_atom_v, br, spec));
  }
};

action_request resize_to(const std::string& uuid, std::int32_t memory_mb) {
  auto req = make_action(uuid, storage::server_action::resize, false, "req-resize", "u", "p");
  req.flavor.id = "2";
  req.flavor.vcpus = 1;
  req.flavor.memory_mb = memory_mb;
  req.flavor.root_gb = 1;
  return req;
}

} // namespace

TEST_CASE_FIXTURE(two_host_cell,
                  "conductor: a resize holds both hosts until confirmed, across a restart") {
  auto source = boot("u1");
  auto dest = source == "h1" ? "h2" : "h1";
  CHECK(act(resize_to("u1", 1024)) == "");
  auto r = server("u1");
  CHECK(r.vm_state == storage::vm_state::resized);
  CHECK(r.host == dest);
  auto used = memory_used();
  CHECK(used[source] == 512); // held by the migration
  CHECK(used[dest] == 1024);
  auto ms = migrations("u1");
  REQUIRE(ms.size() == 1);
  CHECK(ms[0].status == storage::migration_status::finished);
  CHECK(ms[0].migration_type == storage::migration_type::resize);
  CHECK(ms[0].source_compute == source);
  CHECK(ms[0].dest_compute == dest);
  CHECK(ms[0].id == 1);

  // A second move while resized: refused before anything is claimed.
  CHECK(act(resize_to("u1", 2048))
        == "Cannot 'resize' instance u1 while it is in vm_state resized");

  stop(); // the cell restarts with the server resized
  start();
  used = memory_used();
  CHECK(used[source] == 512);
  CHECK(used[dest] == 1024);
  CHECK(act(make_action("u1", storage::server_action::confirm_resize, false, "req-c", "u", "p"))
        == "");
  CHECK(server("u1").vm_state == storage::vm_state::active);
  used = memory_used();
  CHECK(used[source] == 0);
  CHECK(used[dest] == 1024);
  CHECK(migrations("u1").back().status == storage::migration_status::confirmed);
  CHECK(act(make_action("u1", storage::server_action::revert_resize, false, "req-r", "u", "p"))
        == "Cannot 'revertResize' instance u1 while it is in vm_state active");
  CHECK(act(resize_to("u1", 1024)) == "When resizing, instances must change flavor!");
  CHECK(migrations("u1").size() == 1);
}

TEST_CASE_FIXTURE(two_host_cell, "conductor: a move no host takes is refused and claims nothing") {
  auto source = boot("u1");
  CHECK(act(resize_to("u1", 1 << 30)) == "No valid host was found. No valid host found for resize");
  CHECK(server("u1").vm_state == storage::vm_state::active);
  CHECK(memory_used()[source] == 512);
  auto live = make_action("u1", storage::server_action::live_migration, false, "req-l", "u", "p");
  live.host = source;
  CHECK(act(live) == "Unable to migrate instance (u1) to current host (" + source + ").");
  live.host = "h9";
  CHECK(act(live) == "Compute host h9 could not be found.");
  auto evacuate = make_action("u1", storage::server_action::evacuate, false, "req-e", "u", "p");
  CHECK(act(evacuate) == "Compute service of " + source + " is still in use.");
  CHECK(migrations("u1").empty());
}

namespace {
struct dead_host_cell : two_host_cell {
  dead_host_cell() : two_host_cell(0s) {}
};
} // namespace

TEST_CASE_FIXTURE(dead_host_cell, "conductor: an evacuation rebuilds the server elsewhere") {
  auto source = boot("u1");
  auto dest = source == "h1" ? "h2" : "h1";
  auto evacuate = make_action("u1", storage::server_action::evacuate, false, "req-e", "u", "p");
  evacuate.stay_stopped = true; // 2.95
  CHECK(act(evacuate) == "");
  auto r = server("u1");
  CHECK(r.host == dest);
  CHECK(r.vm_state == storage::vm_state::stopped);
  auto ms = migrations("u1");
  REQUIRE(ms.size() == 1);
  CHECK(ms[0].migration_type == storage::migration_type::evacuation);
  CHECK(ms[0].status == storage::migration_status::done);
  auto used = memory_used();
  CHECK(used[source] == 0);
  CHECK(used[dest] == 512);

  // The source comes back with the old domain: it goes, the evacuation completes.
  auto domains_on = [&](const std::string& host) {
    std::vector<hypervisor::domain_info> doms;
    (host == "h1" ? d1 : d2)->list_domains(&doms);
    std::vector<std::string> names;
    names.reserve(doms.size());
    for (auto& d : doms)
      names.push_back(d.name);
    return names;
  };
  CHECK(domains_on(source) == std::vector<std::string>{r.instance_name});
  stop();
  start();
  CHECK(domains_on(source).empty());
  CHECK(domains_on(dest) == std::vector<std::string>{r.instance_name});
  CHECK(migrations("u1").back().status == storage::migration_status::completed);
  CHECK(server("u1").host == dest);
}

TEST_CASE_FIXTURE(cell_fixture, "conductor: the power-state sync stops a server whose guest went "
                                "off by itself, and powers off one started behind its back") {
  auto [br, spec] = boot_of("u9");
  REQUIRE(value(ask<std::string>(build_atom_v, br, spec)) == "h1");
  auto name =
    value(ask<storage::instance_record>(caf::get_atom_v, std::string("u9"))).instance_name;
  auto sync = [&] { // what the host's sync_power_state_interval tick does
    caf::anon_send(caf::actor_cast<caf::actor>(host), power_sync_atom_v);
    run();
  };
  sync(); // in step: nothing changes
  auto r = value(ask<storage::instance_record>(caf::get_atom_v, std::string("u9")));
  CHECK(r.vm_state == storage::vm_state::active);
  CHECK(value(ask<std::vector<storage::instance_action>>(actions_atom_v, std::string("u9"), false))
          .size()
        == 1);

  REQUIRE_FALSE(driver->test_set_power_state(name, hypervisor::power_state::shutdown));
  sync();
  r = value(ask<storage::instance_record>(caf::get_atom_v, std::string("u9")));
  CHECK(r.vm_state == storage::vm_state::stopped);
  CHECK(r.task_state == storage::task_state::none);
  CHECK(r.power_state == static_cast<std::int32_t>(hypervisor::power_state::shutdown));
  auto actions =
    value(ask<std::vector<storage::instance_action>>(actions_atom_v, std::string("u9"), false));
  REQUIRE(actions.size() == 2);
  CHECK(actions[1].action == storage::server_action::stop); // as Nova's sync calls its stop API

  REQUIRE_FALSE(driver->test_set_power_state(name, hypervisor::power_state::running));
  sync();
  hypervisor::power_state now = hypervisor::power_state::running;
  REQUIRE_FALSE(driver->get_power_state(name, &now));
  CHECK(now == hypervisor::power_state::shutdown); // off again, as the record says
  r = value(ask<storage::instance_record>(caf::get_atom_v, std::string("u9")));
  CHECK(r.vm_state == storage::vm_state::stopped);
}

TEST_CASE_FIXTURE(cell_fixture, "conductor: a snapshot chain is made, merged and reverted on the "
                                "host, and the record follows it") {
  auto [br, spec] = boot_of("u8");
  REQUIRE(value(ask<std::string>(build_atom_v, br, spec)) == "h1");
  auto chain_action = [&](storage::server_action action, const std::string& point) {
    auto a = make_action("u8", action, false, "req-" + point, "u", "p");
    a.snapshot_id = point;
    a.snapshot_name = "name-" + point;
    return ask<caf::ok_atom>(action_atom_v, a);
  };
  auto points = [&] {
    std::vector<std::string> ids;
    auto answer = ask<storage::instance_record>(caf::get_atom_v, std::string("u8"));
    for (auto& p : value(answer).snapshots)
      ids.push_back(p.id);
    return ids;
  };
  using ids = std::vector<std::string>;
  for (auto p : {"a", "b", "c"})
    REQUIRE(std::holds_alternative<caf::ok_atom>(
      chain_action(storage::server_action::create_snapshot, p)));
  CHECK(points() == ids{"a", "b", "c"});
  auto r = value(ask<storage::instance_record>(caf::get_atom_v, std::string("u8")));
  CHECK(r.snapshots[1].name == "name-b");
  CHECK(r.snapshots[1].created_us > 0);
  // A merge runs on a running server (the host saves and restores it).
  REQUIRE(std::holds_alternative<caf::ok_atom>(
    chain_action(storage::server_action::delete_snapshot, "b")));
  CHECK(points() == ids{"a", "c"});
  REQUIRE(std::holds_alternative<caf::ok_atom>(ask<caf::ok_atom>(
    action_atom_v, make_action("u8", storage::server_action::stop, false, "req-s", "u", "p"))));
  CHECK(std::get<errc>(chain_action(storage::server_action::revert_snapshot, "b"))
        == errc::not_found);
  REQUIRE(std::holds_alternative<caf::ok_atom>(
    chain_action(storage::server_action::revert_snapshot, "a")));
  CHECK(points() == ids{"a"});
  std::vector<hypervisor::chain_point> on_host;
  REQUIRE_FALSE(driver->list_points(r.instance_name, &on_host));
  REQUIRE(on_host.size() == 1);
  CHECK(on_host[0].id == "a");
  r = value(ask<storage::instance_record>(caf::get_atom_v, std::string("u8")));
  CHECK(r.vm_state == storage::vm_state::stopped); // a revert keeps the power state
  auto actions =
    value(ask<std::vector<storage::instance_action>>(actions_atom_v, std::string("u8"), false));
  CHECK(actions.back().action == storage::server_action::revert_snapshot);
  REQUIRE_FALSE(actions.back().events.empty());
  CHECK(actions.back().events[0].event == "compute_revert_to_point");
  CHECK(actions.back().events[0].result == "Success");

  // A host call that fails: the fault, and the record keeps the host's chain.
  driver->faults().fail_next(hypervisor::operation::create_point);
  REQUIRE(std::holds_alternative<caf::ok_atom>(
    chain_action(storage::server_action::create_snapshot, "d"))); // accepted, then failed
  r = value(ask<storage::instance_record>(caf::get_atom_v, std::string("u8")));
  CHECK(points() == ids{"a"});
  CHECK(r.task_state == storage::task_state::none);
  CHECK(r.fault.code == 500);
  actions =
    value(ask<std::vector<storage::instance_action>>(actions_atom_v, std::string("u8"), false));
  CHECK(actions.back().events[0].result == "Error");
}
