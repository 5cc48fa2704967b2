#pragma once
// The instance tests' fixture: the deterministic scheduler, real host actors
// over the fake driver, and small stand-ins for the cell (its keeper and its
// scheduler) that log what they saw. Included by the instance test files.
#include <doctest/doctest.h>

#include <array>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/host/host_actor.h"
#include "actors/instance/instance_actor.h"
#include "actors/instance/instance_states.h"
#include "actors/protocol/errors.h"
#include "hypervisor/fake_driver.h"
#include "hypervisor/libvirt_driver.h"
#include "tests/support/actor_fixture.h"
#include "tests/support/temp_dir.h"

namespace nimbus::test {

// What the stand-in cell saw.
struct cell_log {
  std::vector<storage::instance_record> saves;
  std::vector<storage::instance_action> actions;
  std::vector<std::string> forgotten;
  std::vector<std::array<std::string, 3>> images_saved; // image, path, error
  std::vector<std::string> released;
  std::vector<std::string> claims;
  std::vector<storage::migration> moves;   // as saved
  std::vector<std::string> reverted_moves; // revert_atom holders
  enum class saves { succeed, fail } save_mode = saves::succeed;
};

inline instance_keeper::behavior_type keeper_impl(instance_keeper::pointer,
                                                  const std::shared_ptr<cell_log>& log) {
  return {
    [log](save_atom, const storage::instance_record& r,
          const std::vector<storage::instance_action>& actions,
          const std::vector<storage::migration>& moves) -> caf::result<caf::ok_atom> {
      if (log->save_mode == cell_log::saves::fail)
        return make_error(errc::internal, "disk full");
      log->saves.push_back(r);
      log->moves.insert(log->moves.end(), moves.begin(), moves.end());
      log->actions.insert(log->actions.end(), actions.begin(), actions.end());
      return caf::ok_atom_v;
    },
    [log](forget_atom, const std::string& uuid) {
      log->forgotten.push_back(uuid);
      return caf::ok_atom_v;
    },
    [log](image_saved_atom, const std::string& image, const std::string& path,
          const std::string& error) {
      log->images_saved.push_back({image, path, error});
    },
  };
}

inline scheduler_actor::behavior_type scheduler_stub(scheduler_actor::pointer,
                                                     const std::shared_ptr<cell_log>& log) {
  return {
    [](select_atom, const storage::request_spec&) { return placement{}; },
    [log](claim_atom, const std::string& host, const std::string&, const storage::flavor&,
          storage::disk_tier, bool) {
      log->claims.push_back(host);
      return true;
    },
    [log](release_atom, const std::string& uuid) { log->released.push_back(uuid); },
    [](built_atom, const std::string&, bool) {},
    [](move_atom, const storage::request_spec&, const std::string&, const std::string&) {
      return placement{};
    },
    [log](revert_atom, const std::string&, const std::string& holder) {
      log->reverted_moves.push_back(holder);
    },
    [](service_atom, const std::string&, bool) {},
    [](report_atom, const host_report&) {},
    [](usage_atom) -> caf::result<std::vector<host_usage>, cell_summary> {
      return {std::vector<host_usage>{}, cell_summary{}};
    },
  };
}

struct fixture : test::actor_fixture {
  std::shared_ptr<cell_log> log = std::make_shared<cell_log>();
  std::shared_ptr<hypervisor::fake_driver> drv1 = hypervisor::make_fake_driver({"h1"});
  std::shared_ptr<hypervisor::fake_driver> drv2 = hypervisor::make_fake_driver({"h2"});
  host_actor h1, h2;
  host_report_sink sink_handle;
  instance_keeper keeper;
  scheduler_actor scheduler;
  instance_actor inst;
  storage::instance_record record;

  fixture() {
    // With an argument: CAF 0.17 binds a reference to a null pointer when a
    // function actor is spawned without any (UBSan reports it).
    sink_handle = sys.spawn(
      [](host_report_sink::pointer, int) -> host_report_sink::behavior_type {
        return {[](report_atom, const host_report&) {}};
      },
      0);
    h1 = host::spawn_host(sys, drv1, {"h1", std::chrono::hours(1), false}, sink_handle);
    h2 = host::spawn_host(sys, drv2, {"h2", std::chrono::hours(1), false}, sink_handle);
    keeper = sys.spawn(keeper_impl, log);
    scheduler = sys.spawn(scheduler_stub, log);
    record.uuid = "11111111-2222-3333-4444-555555555555";
    record.instance_name = "instance-00000001";
    record.request_id = "req-create";
    record.vm_state = storage::vm_state::building;
    record.task_state = storage::task_state::scheduling;
    record.flavor_copy.vcpus = 1;
    record.flavor_copy.memory_mb = 512;
    inst = instance::spawn_instance(sys, record, keeper, scheduler, {});
    run();
  }

  // The deterministic scheduler only ends actors when it runs their exit.
  ~fixture() {
    for (const auto& a :
         {caf::actor_cast<caf::actor>(inst), caf::actor_cast<caf::actor>(h1),
          caf::actor_cast<caf::actor>(h2), caf::actor_cast<caf::actor>(keeper),
          caf::actor_cast<caf::actor>(scheduler), caf::actor_cast<caf::actor>(sink_handle)})
      if (a)
        self->send_exit(a, caf::exit_reason::user_shutdown);
    run();
  }

  const storage::instance_record& last() const { return log->saves.back(); }

  // As the conductor does once the placed, spawning record is durable.
  void boot(const placement& p, const std::vector<host_actor>& hosts) {
    auto placed = record;
    placed.host = placed.node = p.host;
    placed.task_state = storage::task_state::spawning;
    self->send(inst, boot_atom_v, p, hosts,
               instance::begin_action(placed, storage::server_action::create, record.request_id,
                                      "u", "p", 1));
  }

  // Sends an action and answers "" for ok, or the error's message.
  std::string act(const std::string& action, bool hard = false) {
    return send_action(make_action(record.uuid, *storage::server_action_named(action), hard,
                                   "req-" + action, "u", "p"),
                       h1);
  }

  // Sends `req` to the instance, with `host`; "" for ok, or the error's message.
  std::string send_action(const action_request& req, const host_actor& host) {
    self->send(inst, action_atom_v, req, host);
    run();
    auto outcome = outcome_now();
    run();
    return outcome;
  }

  // Applies an update; "" for ok, or the error's message.
  std::string update(const server_update& u) {
    self->send(inst, update_atom_v, u);
    run();
    return outcome_now<storage::instance_record>();
  }

  // Sends a move as the conductor does, once it has claimed `to`.
  std::string move(storage::server_action action, const host_actor& from, const host_actor& to,
                   const std::string& to_name, const storage::flavor& flavor = {}) {
    auto req = make_action(record.uuid, action, false,
                           "req-" + std::string(storage::nova_name(action)), "u", "p");
    req.flavor = flavor;
    storage::migration m;
    if (log->moves.empty() || !storage::in_progress(log->moves.back().status)) {
      m.id = static_cast<std::int64_t>(log->moves.size()) + 1;
      m.uuid = "mig-" + std::to_string(m.id);
      m.instance_uuid = record.uuid;
      m.source_compute = last().host;
      m.dest_compute = to_name;
      m.old_vm_state = last().vm_state;
      m.migration_type = action == storage::server_action::live_migration
                           ? storage::migration_type::live_migration
                           : storage::migration_type::resize;
      m.status = action == storage::server_action::live_migration
                   ? storage::migration_status::accepted
                   : storage::migration_status::pre_migrating;
    } else {
      m = log->moves.back(); // confirm or revert the open one
    }
    self->send(inst, migrate_atom_v, req, m, from, to);
    run();
    auto outcome = outcome_now();
    run();
    return outcome;
  }

  bool has_domain(hypervisor::driver& d) {
    std::vector<hypervisor::domain_info> doms;
    REQUIRE_FALSE(d.list_domains(&doms));
    return !doms.empty();
  }

  hypervisor::power_state domain_state(hypervisor::driver& d) {
    hypervisor::power_state s = hypervisor::power_state::nostate;
    REQUIRE_FALSE(d.get_power_state(record.instance_name, &s));
    return s;
  }
};

} // namespace nimbus::test
