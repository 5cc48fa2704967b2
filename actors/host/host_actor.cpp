#include "actors/host/host_actor.h"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/protocol/errors.h"
#include "hypervisor/domain_op.h"
#include "storage/clock.h"

namespace nimbus::host {
namespace {

struct host_state {
  std::shared_ptr<hypervisor::driver> driver;
  host_options opts;
  host_report_sink sink;
  static inline const char* name = "host";
};

caf::error to_error(std::error_code ec, const std::string& what) {
  auto code = errc::internal;
  if (ec == hypervisor::errc::not_found)
    code = errc::not_found;
  else if (ec == hypervisor::errc::invalid_state)
    code = errc::conflict;
  else if (ec == hypervisor::errc::unsupported)
    code = errc::unsupported;
  return make_error(code, what + ": " + ec.message());
}

// The domain's power state after an operation, or the operation's error.
caf::result<hypervisor::power_state> state_after(hypervisor::driver& d, std::error_code ec,
                                                 const std::string& name, const std::string& what) {
  if (ec)
    return to_error(ec, what + " " + name);
  hypervisor::power_state s = hypervisor::power_state::nostate;
  if (auto e = d.get_power_state(name, &s))
    return to_error(e, "power state of " + name);
  return s;
}

host_report make_report(hypervisor::driver& d, const std::string& host) {
  host_report r;
  r.node.host = host;
  hypervisor::host_resources res;
  if (auto ec = d.get_host_resources(&res)) {
    spdlog::warn("host {}: cannot read resources: {}", host, ec.message());
    return r;
  }
  r.node.hypervisor_type = res.hypervisor_type;
  r.node.hypervisor_version = res.hypervisor_version;
  r.node.vcpus = res.vcpus;
  r.node.memory_mb = static_cast<std::int32_t>(res.memory_mb);
  r.node.local_gb = static_cast<std::int32_t>(res.local_gb);
  r.node.cpu_info = "{\"arch\": \"" + res.cpu_arch + "\", \"model\": \"" + res.cpu_model
                    + "\", \"vendor\": \"" + res.cpu_vendor + "\", \"features\": [], "
                    + "\"topology\": {\"cores\": " + std::to_string(res.cores)
                    + ", \"threads\": " + std::to_string(res.threads)
                    + ", \"sockets\": " + std::to_string(res.sockets) + "}}";
  for (auto& pool : res.pools) // the tiers' pools (volumes_<tier>); others are not ours
    if (auto tier = storage::tier_of_pool(pool.name))
      r.node.pools.push_back({*tier, pool.name, pool.capacity_gb, pool.allocation_gb});
  std::vector<hypervisor::domain_info> doms;
  if (!d.list_domains(&doms))
    for (auto& dom : doms)
      r.running_vms += dom.state == hypervisor::power_state::running ? 1 : 0;
  return r;
}

// The heartbeat with every domain's power state (sync_power_state_interval).
host_report power_report(hypervisor::driver& d, const std::string& host) {
  auto r = make_report(d, host);
  if (auto ec = d.list_domains(&r.domains)) {
    spdlog::warn("host {}: cannot list its domains for the power-state sync: {}", host,
                 ec.message());
    r.domains.clear();
    return r;
  }
  r.power_sync = true;
  r.listed_us = storage::now_us();
  return r;
}

// One call on a domain's snapshot chain, answered with the chain after it.
caf::result<std::vector<hypervisor::chain_point>>
on_chain(hypervisor::driver& d, hypervisor::chain_op op, const std::string& name,
         const std::string& point, const std::string& path) {
  std::error_code ec;
  switch (op) {
  case hypervisor::chain_op::list:
    break;
  case hypervisor::chain_op::create:
    ec = d.create_point(name, point);
    break;
  case hypervisor::chain_op::revert:
    ec = d.revert_to_point(name, point);
    break;
  case hypervisor::chain_op::remove:
    ec = d.remove_point(name, point);
    break;
  case hypervisor::chain_op::export_image:
    ec = d.export_disk(name, point, path);
    break;
  }
  if (ec)
    return to_error(ec, "snapshot chain of " + name);
  std::vector<hypervisor::chain_point> chain;
  if (auto e = d.list_points(name, &chain))
    return to_error(e, "snapshot chain of " + name);
  return chain;
}

// Re-creates missing domains in their recorded power state (Nova's
// resume_guests_state_on_host_boot) and aligns the power state of the rest.
void reconcile(hypervisor::driver& d, const std::string& host,
               const std::vector<domain_target>& targets) {
  std::vector<hypervisor::domain_info> present;
  d.list_domains(&present);
  for (auto& t : targets) {
    auto found =
      std::find_if(present.begin(), present.end(), [&](auto& p) { return p.name == t.spec.name; });
    if (found == present.end()) {
      if (auto ec = d.spawn(t.spec)) {
        spdlog::error("host {}: cannot re-create {}: {}", host, t.spec.name, ec.message());
        continue;
      }
    }
    auto now = found == present.end() ? hypervisor::power_state::running : found->state;
    if (t.power_state == hypervisor::power_state::paused) {
      if (now != hypervisor::power_state::paused) {
        d.power_on(t.spec.name);
        d.pause(t.spec.name);
      }
    } else if (t.power_state != hypervisor::power_state::running) {
      d.power_off(t.spec.name);
    } else if (now != hypervisor::power_state::running) {
      if (now == hypervisor::power_state::paused)
        d.unpause(t.spec.name);
      else
        d.power_on(t.spec.name);
    }
  }
  spdlog::info("host {}: reconciled {} domains with their records", host, targets.size());
}

// The public interface plus the heartbeat tick its ticker sends.
// (tick_atom: the image cache manager's)
using host_impl_actor =
  host_actor::extend<caf::reacts_to<heartbeat_atom>, caf::reacts_to<power_sync_atom>,
                     caf::reacts_to<caf::tick_atom>>;

host_impl_actor::behavior_type host_impl(host_impl_actor::stateful_pointer<host_state> self,
                                         std::shared_ptr<hypervisor::driver> drv, host_options opts,
                                         host_report_sink sink) {
  self->state.driver = std::move(drv);
  self->state.opts = std::move(opts);
  self->state.sink = std::move(sink);
  auto& d = *self->state.driver;
  return {
    [&d](spawn_dom_atom, const hypervisor::domain_spec& spec) {
      auto ec = d.spawn(spec);
      if (ec == hypervisor::errc::already_exists) // re-driven after a restart
        ec = {};
      return state_after(d, ec, spec.name, "spawn");
    },
    [&d](domain_op_atom, hypervisor::domain_op op, const std::string& name) {
      return state_after(d, hypervisor::apply(d, op, name), name, hypervisor::describe(op));
    },
    [&d](password_atom, const std::string& name, const std::string& user,
         const std::string& password) -> caf::result<caf::ok_atom> {
      if (auto ec = d.set_admin_password(name, user, password))
        return to_error(ec, "set password of " + name);
      return caf::ok_atom_v;
    },
    [&d](console_atom, const std::string& name) -> caf::result<std::string> {
      std::string out;
      if (auto ec = d.get_console_output(name, &out))
        return to_error(ec, "console of " + name);
      return out;
    },
    [&d](destroy_atom, const std::string& name) -> caf::result<caf::ok_atom> {
      auto ec = d.destroy(name);
      if (ec && ec != hypervisor::errc::not_found)
        return to_error(ec, "destroy " + name);
      return caf::ok_atom_v;
    },
    [&d](snapshot_atom, hypervisor::chain_op op, const std::string& name, const std::string& point,
         const std::string& path) { return on_chain(d, op, name, point, path); },
    [self, &d](reconcile_atom, const std::vector<domain_target>& targets) {
      reconcile(d, self->state.opts.name, targets);
      return caf::ok_atom_v;
    },
    [self, &d](heartbeat_atom) {
      if (self->state.sink)
        self->send(self->state.sink, report_atom_v, make_report(d, self->state.opts.name));
    },
    [self, &d](caf::tick_atom) {
      auto removed = d.remove_unused_images(self->state.opts.remove_unused_minimum_age);
      for (auto& id : removed)
        spdlog::info("host {}: removed the unused cached image {}", self->state.opts.name, id);
    },
    [self, &d](power_sync_atom) {
      if (self->state.sink)
        self->send(self->state.sink, report_atom_v, power_report(d, self->state.opts.name));
    },
    [self, &d](subscribe_atom, host_report_sink sink) {
      self->state.sink = std::move(sink);
      self->send(self->state.sink, report_atom_v, make_report(d, self->state.opts.name));
    },
  };
}

// A timer of a host (its heartbeat, its power-state sync). It lives on the
// shared scheduler, not on the host's own thread: a message waiting in
// CAF's clock keeps its sender alive, and a detached host pinned that way
// makes ~actor_system wait forever. Linked to the host, it ends with it and
// drops its handle then.
struct ticker_state {
  host_impl_actor host;
  static inline const char* name = "host_ticker";
};

template <class Tick>
using ticker_actor = caf::typed_actor<caf::reacts_to<Tick>>;

// Sends `Tick` to the host every `interval`, the first at once (`now`) or
// after one interval.
template <class Tick>
typename ticker_actor<Tick>::behavior_type
ticker_impl(typename ticker_actor<Tick>::template stateful_pointer<ticker_state> self,
            const host_impl_actor& host, std::chrono::milliseconds interval, bool now) {
  self->state.host = host;
  self->link_to(self->state.host);
  if (now)
    self->send(self, Tick{});
  else
    self->delayed_send(self, interval, Tick{});
  return {
    [self, interval](Tick) {
      self->send(self->state.host, Tick{});
      self->delayed_send(self, interval, Tick{});
    },
  };
}

} // namespace

host_actor spawn_host(caf::actor_system& sys, std::shared_ptr<hypervisor::driver> drv,
                      host_options opts, host_report_sink sink) {
  auto interval = opts.report_interval;
  auto sync = opts.sync_power_state_interval;
  auto cache = opts.remove_unused_base_images ? opts.image_cache_manager_interval
                                              : std::chrono::milliseconds(0);
  auto host =
    opts.detached
      ? sys.spawn<caf::detached>(host_impl, std::move(drv), std::move(opts), std::move(sink))
      : sys.spawn(host_impl, std::move(drv), std::move(opts), std::move(sink));
  sys.spawn(ticker_impl<heartbeat_atom>, host, interval, true);
  if (sync.count() > 0)
    sys.spawn(ticker_impl<power_sync_atom>, host, sync, false);
  if (cache.count() > 0)
    sys.spawn(ticker_impl<caf::tick_atom>, host, cache, false);
  return host;
}

} // namespace nimbus::host
