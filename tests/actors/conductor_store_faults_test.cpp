// A cell conductor over a store that fails, or crashes between two writes,
// on a real (threaded) actor system with a host over the fake driver. A
// "restart" is a new scheduler and conductor on what the store kept.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "tests/support/threaded_config.h"

#include "actors/conductor/conductor_actor.h"
#include "actors/host/host_actor.h"
#include "actors/instance/instance_states.h"
#include "actors/protocol/errors.h"
#include "actors/scheduler/scheduler_actor.h"
#include "hypervisor/fake_driver.h"
#include "storage/fault_injecting_store.h"
#include "storage/keys.h"
#include "storage/record_io.h"

using namespace nimbus;
using namespace std::chrono_literals;

namespace {

using test::threaded_config;

// Polls `done` until it holds; a deadline for progress, not a timing check.
void eventually(const std::function<bool()>& done, const char* what) {
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("timed out waiting until " << what);
    std::this_thread::sleep_for(10ms);
  }
}

// One cell: scheduler and conductor on `store`, with an optional host.
struct cell_under_test {
  caf::actor_system& sys;
  scheduler_actor scheduler;
  conductor_actor conductor;
  host_actor host;

  cell_under_test(caf::actor_system& sys, std::shared_ptr<storage::store> store,
                  const std::shared_ptr<hypervisor::driver>& driver)
      : sys(sys) {
    scheduler = scheduler::spawn_scheduler(sys, {});
    conductor::conductor_options opts;
    opts.cell_uuid = opts.cell_name = "cell-t";
    conductor = conductor::spawn_conductor(sys, std::move(store), scheduler, opts);
    if (driver)
      host = host::spawn_host(sys, driver, {"h1", 60s, false},
                              caf::actor_cast<host_report_sink>(conductor));
  }
  ~cell_under_test() {
    caf::anon_send_exit(conductor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(scheduler, caf::exit_reason::user_shutdown);
    if (host)
      caf::anon_send_exit(host, caf::exit_reason::user_shutdown);
  }

  std::optional<storage::instance_record> get(const std::string& uuid) {
    caf::scoped_actor self{sys};
    std::optional<storage::instance_record> out;
    self->request(conductor, 10s, caf::get_atom_v, uuid)
      .receive([&](storage::instance_record& r) { out = std::move(r); }, [](caf::error&) {});
    return out;
  }
  std::int64_t memory_used() {
    caf::scoped_actor self{sys};
    std::int64_t used = -1;
    self->request(scheduler, 10s, usage_atom_v)
      .receive(
        [&](std::vector<host_usage>& hosts, cell_summary&) {
          used = 0;
          for (auto& h : hosts)
            used += h.memory_mb_used;
        },
        [](caf::error&) {});
    return used;
  }
  bool host_joined() {
    caf::scoped_actor self{sys};
    bool up = false;
    self->request(conductor, 10s, hypers_atom_v)
      .receive([&](std::vector<hypervisor_view>& hv) { up = !hv.empty() && hv[0].up; },
               [](caf::error&) {});
    return up;
  }
  caf::error build(const storage::build_request& br, const storage::request_spec& spec) {
    caf::scoped_actor self{sys};
    caf::error out;
    self->request(conductor, 10s, build_atom_v, br, spec)
      .receive([](const std::string&) {}, [&](caf::error& err) { out = std::move(err); });
    return out;
  }
};

storage::flavor tiny() {
  storage::flavor f;
  f.id = "1";
  f.name = "m1.tiny";
  f.vcpus = 1;
  f.memory_mb = 512;
  f.root_gb = 1;
  return f;
}

std::pair<storage::build_request, storage::request_spec> boot_of(const std::string& uuid) {
  storage::build_request br;
  br.instance.uuid = uuid;
  br.instance.name = "vm";
  br.instance.project_id = "p";
  br.instance.flavor_copy = tiny();
  br.instance.vm_state = instance::vm_state::building;
  br.instance.task_state = instance::task_state::scheduling;
  br.request_id = "req-" + uuid;
  storage::request_spec spec;
  spec.instance_uuid = uuid;
  spec.flavor_copy = tiny();
  return {br, spec};
}

std::shared_ptr<hypervisor::driver> fake_host() {
  hypervisor::fake_options opts;
  opts.hostname = "h1";
  opts.vcpus = 8;
  opts.memory_mb = 8192;
  opts.local_gb = 100;
  return std::make_shared<hypervisor::fake_driver>(opts);
}

} // namespace

TEST_CASE(
  "conductor over a failing store: a build whose write fails is not there and holds nothing") {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  auto store = std::make_shared<storage::fault_injecting_store>(storage::make_memory_store());
  {
    cell_under_test cell(sys, store, fake_host());
    eventually([&] { return cell.host_joined(); }, "the host joined");
    auto [br, spec] = boot_of("u1");
    store->fail_next_writes(1);
    auto err = cell.build(br, spec);
    REQUIRE(err);
    CHECK(code_of(err) == errc::internal);
    CHECK_FALSE(cell.get("u1"));
    CHECK(cell.memory_used() == 0);    // its claim was released
    CHECK_FALSE(cell.build(br, spec)); // the store works again
    eventually(
      [&] {
        auto r = cell.get("u1");
        return r && r->vm_state == instance::vm_state::active;
      },
      "u1 is ACTIVE");
    CHECK(cell.memory_used() == 512);
  }
}

TEST_CASE(
  "conductor over a crashing store: a build interrupted after its first write resumes, once") {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  auto inner = std::shared_ptr<storage::store>(storage::make_memory_store());
  auto store = std::make_shared<storage::fault_injecting_store>(inner);
  auto driver = fake_host();
  auto [br, spec] = boot_of("u1");
  {
    cell_under_test cell(sys, store, driver);
    eventually([&] { return cell.host_joined(); }, "the host joined");
    store->crash_after(1); // the build's record lands; nothing after it does
    CHECK_FALSE(cell.build(br, spec));
    CHECK(store->crashed());
  }
  // What the disk kept, read before a restarted conductor resumes the build
  // (asking the restarted one would race the resumed spawn on the fake host).
  storage::instance_record kept;
  REQUIRE_FALSE(
    storage::read(*inner, storage::key_space::instances, storage::keys::instance("u1"), &kept));
  CHECK(kept.vm_state == instance::vm_state::building);
  cell_under_test restarted(sys, inner, driver);
  eventually(
    [&] {
      auto r = restarted.get("u1");
      return r && r->vm_state == instance::vm_state::active
             && r->task_state == storage::task_state::none;
    },
    "u1 is ACTIVE after the restart");
  CHECK_FALSE(restarted.build(br, spec)); // re-driven: the copy it has answers
  CHECK(restarted.memory_used() == 512);  // one claim, not two
}

TEST_CASE("conductor over a crashing store: cell0 finishes a delete the crash cut short") {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  auto inner = std::shared_ptr<storage::store>(storage::make_memory_store());
  auto store = std::make_shared<storage::fault_injecting_store>(inner);
  auto [br, spec] = boot_of("u1");
  {
    cell_under_test cell0(sys, store, nullptr); // no hosts, as cell0
    caf::scoped_actor self{sys};
    storage::instance_fault fault{500, "No valid host was found. ", "", 1};
    bool buried = false;
    self->request(cell0.conductor, 10s, bury_atom_v, br, fault)
      .receive([&](caf::ok_atom) { buried = true; }, [](caf::error&) {});
    REQUIRE(buried);
    store->crash_after(1); // deleting is recorded, the forget is lost
    auto del = make_action("u1", storage::server_action::delete_server, false, "req-del", "u", "p");
    bool accepted = false;
    self->request(cell0.conductor, 10s, action_atom_v, del)
      .receive([&](caf::ok_atom) { accepted = true; }, [](caf::error&) {});
    REQUIRE(accepted);
    eventually([&] { return store->crashed(); }, "the forget was attempted");
  }
  cell_under_test restarted(sys, inner, nullptr);
  eventually([&] { return !restarted.get("u1"); }, "the interrupted delete finished at start");
}
