#include "actors/scheduler/scheduler_actor.h"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/protocol/errors.h"
#include "actors/scheduler/placement_engine.h"
#include "storage/clock.h"

namespace nimbus::scheduler {
namespace {

// CAF 0.17 default-constructs actor state; the behavior fills it in.
struct scheduler_state {
  std::unique_ptr<placement_engine> engine;
  std::int64_t handled_ram_mb = 0; // see cell_summary::handled_ram_mb
  static inline const char* name = "scheduler";
};

cell_summary summarize(const placement_engine& engine) {
  cell_summary s;
  for (auto& [name, h] : engine.hosts()) {
    if (!h.up || !h.enabled)
      continue;
    s.hosts_up += 1;
    s.free_ram_mb += h.free_memory_mb();
    s.largest_free_ram_mb = std::max(s.largest_free_ram_mb, h.free_memory_mb());
    s.largest_free_vcpus = std::max(s.largest_free_vcpus, h.free_vcpus());
    s.largest_free_disk_gb = std::max(s.largest_free_disk_gb, h.free_disk_gb());
  }
  return s;
}

scheduler_actor::behavior_type
scheduler_impl(scheduler_actor::stateful_pointer<scheduler_state> self, scheduler_options opts) {
  self->state.engine = std::make_unique<placement_engine>(std::move(opts));
  for (auto& name : self->state.engine->unknown_names())
    spdlog::warn("scheduler: unknown filter or weigher '{}' is ignored", name);
  return {
    [self](select_atom, const storage::request_spec& spec) -> caf::result<placement> {
      self->state.handled_ram_mb += spec.flavor_copy.memory_mb;
      if (!spec.force_host.empty()) { // an admin's zone:host: that host, if it fits
        if (self->state.engine->claim(spec.force_host, spec.instance_uuid, resources_of(spec),
                                      false, storage::now_us()))
          return placement{spec.force_host, {}};
        return make_error(errc::no_valid_host, "No valid host was found. ");
      }
      placement_hints hints{spec.zone_hosts,
                            {},
                            spec.same_host,
                            spec.different_host,
                            capability_specs(spec.flavor_copy.extra_specs),
                            image_needs_of(spec.image_properties)};
      if (auto kind = group_policy_of(spec.group_policy))
        hints.group = group_placement{*kind, spec.group_max_per_host, spec.group_members};
      auto c = self->state.engine->select(spec.instance_uuid, resources_of(spec), spec.ignore_hosts,
                                          storage::now_us(), hints);
      if (!c)
        return make_error(errc::no_valid_host, "No valid host was found. ");
      return placement{c->host, c->alternates};
    },
    [self](claim_atom, const std::string& host, const std::string& uuid, const storage::flavor& f,
           storage::disk_tier tier, bool force) {
      auto r = resources_of(f);
      r.tier = tier;
      return self->state.engine->claim(host, uuid, r, force, storage::now_us());
    },
    [self](release_atom, const std::string& uuid) { self->state.engine->release(uuid); },
    [self](built_atom, const std::string& uuid, bool succeeded) {
      self->state.engine->build_settled(uuid, succeeded);
    },
    [self](move_atom, const storage::request_spec& spec, const std::string& holder,
           const std::string& host) -> caf::result<placement> {
      auto c = self->state.engine->claim_move(spec.instance_uuid, holder, resources_of(spec), host,
                                              spec.ignore_hosts, storage::now_us());
      if (!c)
        return make_error(errc::no_valid_host, "No valid host was found. ");
      return placement{c->host, c->alternates};
    },
    [self](revert_atom, const std::string& uuid, const std::string& holder) {
      self->state.engine->revert_move(uuid, holder);
    },
    [self](service_atom, const std::string& host, bool schedulable) {
      self->state.engine->set_enabled(host, schedulable);
    },
    [self](report_atom, const host_report& r) {
      self->state.engine->update_host(r.node.host, r.node.vcpus, r.node.memory_mb, r.node.local_gb,
                                      storage::now_us(), capabilities_of(r.node), r.node.pools);
    },
    [self](usage_atom) -> caf::result<std::vector<host_usage>, cell_summary> {
      auto& engine = *self->state.engine;
      engine.refresh_liveness(storage::now_us());
      std::vector<host_usage> out;
      for (auto& [name, h] : engine.hosts())
        out.push_back({name, h.vcpus_used, h.memory_mb_used, h.disk_gb_used, h.instances});
      auto summary = summarize(engine);
      summary.handled_ram_mb = self->state.handled_ram_mb;
      return {std::move(out), summary};
    },
  };
}

} // namespace

scheduler_actor spawn_scheduler(caf::actor_system& sys, scheduler_options opts) {
  return sys.spawn<caf::lazy_init>(scheduler_impl, std::move(opts));
}

} // namespace nimbus::scheduler
