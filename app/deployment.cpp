#include "app/deployment.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "actors/common/actor_watchdog.h"
#include "actors/host/host_actor.h"
#include "actors/protocol/type_ids.h"
#include "cells/cell.h"
#include "cells/cell_mapping.h"
#include "cells/cell_setup.h"
#include "cells/super_conductor.h"
#include "compute/aggregate_book.h"
#include "compute/context.h"
#include "compute/flavor_projects.h"
#include "compute/gateway.h"
#include "compute/image_catalog.h"
#include "compute/keypair_book.h"
#include "compute/quota_book.h"
#include "compute/server_group_book.h"
#include "hypervisor/fake_driver.h"
#include "hypervisor/libvirt_driver.h"
#include "network/network_book.h"
#include "transport/cell_links.h"
#include "transport/compute_uplink.h"
#include "transport/transport.h"

namespace nimbus::app {
// The composition root wires the topology and the facade together.
using namespace nimbus::cells;
using namespace nimbus::compute;
using namespace nimbus::transport;

bool parse_role(const std::string& text, role* out) {
  if (text == "all-in-one")
    *out = role::all_in_one;
  else if (text == "api")
    *out = role::api;
  else if (text == "cell")
    *out = role::cell;
  else if (text == "compute")
    *out = role::compute;
  else
    return false;
  return true;
}

namespace {

// A host's options, from the deployment's.
host::host_options host_options_of(const deployment_options& opts, const std::string& name,
                                   bool detached) {
  host::host_options h{name, opts.report_interval, detached, opts.sync_power_state_interval};
  h.image_cache_manager_interval = opts.image_cache_manager_interval;
  h.remove_unused_base_images = opts.remove_unused_base_images;
  h.remove_unused_minimum_age = opts.remove_unused_minimum_age;
  return h;
}

class nimbus_config : public caf::actor_system_config {
public:
  explicit nimbus_config(const deployment_options& o) {
    add_message_types<caf::id_block::nimbus>();
    set("scheduler.max-threads", static_cast<std::int64_t>(std::max(o.actor_threads, 1)));
    set("scheduler.policy",
        o.scheduler_policy == "stealing" ? caf::atom("stealing") : caf::atom("sharing"));
    set("logger.console", caf::atom("none"));
    if (o.role != role::all_in_one)
      configure_transport(*this, o.tls);
  }
};

std::string local_host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0)
    return "localhost";
  return buf;
}

std::shared_ptr<hypervisor::driver> make_host_driver(const deployment_options& opts,
                                                     const std::string& host, std::string* error) {
  if (opts.driver == "fake")
    return hypervisor::make_fake_driver(
      {host, opts.host_vcpus, opts.host_memory_mb, opts.host_disk_gb});
  if (opts.driver != "libvirt") {
    *error = "unknown driver '" + opts.driver + "' (libvirt or fake)";
    return nullptr;
  }
  hypervisor::libvirt_options lv;
  lv.hostname = host;
  lv.local_gb = opts.host_disk_gb;
  lv.uri = opts.libvirt_uri;
  lv.virt_type = opts.virt_type;
  lv.shutdown_timeout_s = opts.shutdown_timeout_s;
  if (!lv.uri.empty()) { // a real hypervisor: guests get disks from the image store
    lv.image_dir = (std::filesystem::path(opts.data_dir) / "images").string();
    lv.state_dir =
      std::filesystem::absolute(std::filesystem::path(opts.data_dir) / "instances" / host)
        .lexically_normal()
        .string();
  }
  if (lv.uri.empty()) { // a simulated host: libvirt's test driver on a node of our own
    auto node =
      std::filesystem::absolute(std::filesystem::path(opts.data_dir) / "hosts" / (host + ".xml"));
    if (auto ec =
          hypervisor::write_test_node_xml(node.string(), opts.host_vcpus, opts.host_memory_mb,
                                          hypervisor::fake_pools(opts.host_disk_gb))) {
      *error = "cannot write " + node.string() + ": " + ec.message();
      return nullptr;
    }
    lv.uri = "test://" + node.lexically_normal().string();
  }
  std::error_code ec;
  auto drv = hypervisor::make_libvirt_driver(lv, &ec);
  if (!drv) {
    *error = "cannot connect to " + lv.uri + ": " + ec.message();
    return nullptr;
  }
  return std::shared_ptr<hypervisor::driver>(std::move(drv));
}

// A watched actor ended (actor_watchdog.h): the process goes, for its
// supervisor to start it again over the stores. No orderly shutdown: it
// would wait on the actor that is gone.
void end_the_process(const std::string& what, const caf::error& reason) {
  spdlog::critical("{} ended ({}): exiting with {} for the service manager to restart nimbus", what,
                   caf::to_string(reason), exit_code_actor_ended);
  spdlog::default_logger()->flush(); // other threads may still log: no spdlog::shutdown()
  std::_Exit(exit_code_actor_ended);
}

} // namespace

struct deployment::impl {
  explicit impl(const deployment_options& o) : opts(o), cfg(o) {}

  ~impl() {
    if (sys) {
      watchdog.reset(); // what ends from here on is the stop
      for (auto& a : helpers)
        caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
      for (auto& h : lone_hosts) {
        caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
        // A peer that saw this actor keeps it in the registry until the peer
        // says goodbye; a peer that died never does, and the detached thread
        // would wait for it forever.
        sys->registry().erase(h.id());
      }
      for (auto& c : cells)
        c->stop();
      helpers.clear();
      lone_hosts.clear();
      // Writes still queued to the API store answer into the gateway (a
      // create's 202): let them land before the gateway goes.
      if (api)
        api->flush();
      compute.reset();
      ctx.reset();
      cells.clear();
      directory.reset();
      sys.reset(); // waits for every actor to finish
    }
    caf::logger::set_current_actor_system(nullptr);
  }

  cell_options cell_options_for(const storage::cell_mapping& mapping) const {
    cell_options co;
    co.mapping = mapping;
    co.scheduler = opts.scheduler;
    co.conductor.instance.host_timeout = opts.host_timeout;
    co.conductor.instance.shelved_offload_time = opts.shelved_offload_time;
    co.conductor.shelved_poll_interval = opts.shelved_poll_interval;
    co.conductor.instance.reclaim_instance_interval = opts.reclaim_instance_interval;
    co.conductor.allow_resize_to_same_host = opts.allow_resize_to_same_host;
    co.conductor.resize_confirm_window = opts.resize_confirm_window;
    co.conductor.deleted_actions_retention = opts.deleted_actions_retention;
    co.conductor.instance.build_timeout = opts.instance_build_timeout;
    co.conductor.instance.move_dir = (std::filesystem::path(opts.data_dir) / "moves").string();
    co.conductor.silent_to_lists =
      std::find(opts.silent_cells.begin(), opts.silent_cells.end(), mapping.name)
      != opts.silent_cells.end();
    return co;
  }

  cell* open_cell(const storage::cell_mapping& mapping, std::string* error) {
    std::error_code ec;
    auto c = cell::open(*sys, cell_options_for(mapping), &ec);
    if (!c) {
      *error = "cannot open cell " + mapping.name + " at " + mapping.database_connection + ": "
               + ec.message();
      return nullptr;
    }
    watchdog->watch(caf::actor_cast<caf::actor>(c->conductor()),
                    "the conductor of cell " + mapping.name);
    watchdog->watch(caf::actor_cast<caf::actor>(c->scheduler()),
                    "the scheduler of cell " + mapping.name);
    cells.push_back(std::move(c));
    return cells.back().get();
  }

  bool start_api_cell(bool with_local_cells, std::string* error);
  bool start_cell(std::string* error);
  bool start_compute(std::string* error);

  deployment_options opts;
  nimbus_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<actor_watchdog> watchdog; // see actor_watchdog.h: an end exits the process
  std::shared_ptr<api_cell> api;
  std::shared_ptr<storage::store> api_store;
  std::shared_ptr<cell_directory> directory;
  std::vector<std::unique_ptr<cell>> cells;
  std::vector<host_actor> lone_hosts; // compute role
  std::vector<caf::actor> helpers;    // super conductor, cell links, uplink (to stop them)
  std::shared_ptr<context> ctx;
  std::unique_ptr<compute_api> compute;
  std::string published;
};

// The API cell (and, all-in-one, every cell with its hosts in this process).
bool deployment::impl::start_api_cell(bool all_in_one, std::string* error) {
  bool in_memory = opts.store == "memory";
  std::error_code ec;
  api_store = in_memory ? std::shared_ptr<storage::store>(storage::make_memory_store())
                        : std::shared_ptr<storage::store>(storage::open_rocksdb_store(
                          {(std::filesystem::path(opts.data_dir) / "api").string()}, &ec));
  if (!api_store) {
    *error = "cannot open the API cell store under " + opts.data_dir + ": " + ec.message();
    return false;
  }
  api = std::make_shared<api_cell>(api_store);
  // Distributed: only cell0 is made here; operators map the other cells.
  setup_plan plan{opts.data_dir, all_in_one ? opts.cells : 0, opts.hosts_per_cell, in_memory};
  if (auto e = simple_cell_setup(*api, plan)) {
    *error = "cannot set up the cells: " + e.message();
    return false;
  }
  directory = std::make_shared<cell_directory>();
  auto hosts = api->host_mappings();
  std::vector<storage::cell_mapping> remote;
  for (auto& mapping : api->cell_mappings()) {
    if (!all_in_one && mapping.uuid != cell0_uuid) {
      remote.push_back(mapping);
      directory->add(
        {mapping, conductor_actor{}}); // known before anyone schedules; down until linked
      continue;
    }
    auto* c = open_cell(mapping, error);
    if (!c)
      return false;
    for (auto& h : hosts) {
      if (h.cell_uuid != mapping.uuid)
        continue;
      auto drv = make_host_driver(opts, h.host, error);
      if (!drv)
        return false;
      // Only a driver that blocks (libvirt) needs a thread of its own; the
      // fake driver never does, and 200 idle threads cost context switches.
      c->add_host(drv, host_options_of(opts, h.host, opts.driver != "fake"));
    }
    directory->add({mapping, c->conductor()});
    spdlog::info("cell {} ({}) is up", mapping.name, mapping.uuid);
  }
  auto image_files = std::make_shared<storage::image_files>(
    (std::filesystem::path(opts.data_dir) / "images").string());
  // Before the super conductor: the builds it re-drives may be deleted, and
  // a forgotten server's ports go back to the network service.
  auto networks = std::make_shared<network::network_book>(api_store, opts.networks);
  api->on_forget([networks](const std::string& uuid) { networks->release_for_server(uuid); });
  if (auto n = networks->release_unknown_servers(
        [this](const std::string& uuid) { return api->instance_mapping(uuid).has_value(); }))
    spdlog::info("network: released the ports of {} servers that no longer exist", n);
  auto super = spawn_super_conductor(*sys, api, directory, {opts.build_timeout, image_files});
  helpers.push_back(caf::actor_cast<caf::actor>(super));
  watchdog->watch(helpers.back(), "the super conductor");
  std::function<void(const storage::cell_mapping&)> link_cell;
  if (!all_in_one) {
    auto links = spawn_cell_links(*sys, directory, api, remote, super,
                                  {opts.tls.enabled, std::chrono::seconds(5),
                                   opts.reconnect_interval, opts.discover_hosts_interval});
    helpers.push_back(caf::actor_cast<caf::actor>(links));
    link_cell = [links](const storage::cell_mapping& m) {
      caf::anon_send(links, caf::add_atom_v, m);
    };
  }
  ctx = std::shared_ptr<context>(
    new context{*sys,
                api,
                directory,
                super,
                {opts.call_timeout, opts.list_timeout},
                opts.control_host.empty() ? local_host_name() : opts.control_host,
                opts.data_dir,
                link_cell,
                std::make_shared<gateway>(*sys, opts.call_timeout),
                std::make_shared<keypair_book>(api_store),
                std::make_shared<flavor_projects>(api_store),
                std::make_shared<quota_book>(api_store, opts.quotas),
                std::make_shared<aggregate_book>(api_store),
                std::make_shared<server_group_book>(api_store),
                std::make_shared<image_catalog>(api, image_files, opts.images),
                networks,
                aggregate_filters_of(opts.scheduler.enabled_filters)});
  ctx->default_disk_type = opts.default_disk_type;
  compute = std::make_unique<compute_api>(ctx);
  return true;
}

// One cell, published for the API and the computes to connect to.
bool deployment::impl::start_cell(std::string* error) {
  if (opts.cell_name.empty()) {
    *error = "the cell role needs a name (--name or [cell] name)";
    return false;
  }
  auto ep = parse_endpoint(opts.cell_listen);
  if (!ep) {
    *error = "[cell] listen must be caf://host:port, not " + opts.cell_listen;
    return false;
  }
  storage::cell_mapping mapping;
  mapping.name = opts.cell_name;
  mapping.transport_url = opts.cell_listen;
  mapping.database_connection = !opts.cell_database.empty()
                                  ? opts.cell_database
                                  : default_cell_connection(opts.data_dir, opts.cell_name);
  auto* c = open_cell(mapping, error);
  if (!c)
    return false;
  auto port =
    publish(*sys, caf::actor_cast<caf::actor>(c->conductor()), *ep, opts.tls.enabled, error);
  if (!port)
    return false;
  published = endpoint{ep->host, *port}.url();
  spdlog::info("cell {} published at {}", opts.cell_name, published);
  return true;
}

// One compute host, connected to its cell.
bool deployment::impl::start_compute(std::string* error) {
  if (opts.compute_host.empty()) {
    *error = "the compute role needs a host name (--host or [compute] host)";
    return false;
  }
  auto ep = parse_endpoint(opts.cell_url);
  if (!ep) {
    *error = "[compute] cell_url must be caf://host:port, not " + opts.cell_url;
    return false;
  }
  auto drv = make_host_driver(opts, opts.compute_host, error);
  if (!drv)
    return false;
  auto host = host::spawn_host(*sys, drv, host_options_of(opts, opts.compute_host, true), {});
  lone_hosts.push_back(host);
  auto uplink = spawn_compute_uplink(
    *sys, host, {*ep, opts.tls.enabled, std::chrono::seconds(5), opts.reconnect_interval});
  helpers.push_back(caf::actor_cast<caf::actor>(uplink));
  return true;
}

deployment::deployment(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

deployment::~deployment() = default;

compute_api* deployment::compute() { return impl_->compute.get(); }

std::shared_ptr<storage::store> deployment::api_store() { return impl_->api_store; }

std::string deployment::published_at() const { return impl_->published; }

std::unique_ptr<deployment> deployment::start(const deployment_options& opts, std::string* error) {
  auto p = std::make_unique<impl>(opts);
  try {
    p->sys = std::make_unique<caf::actor_system>(p->cfg);
    p->watchdog = std::make_unique<actor_watchdog>(*p->sys, end_the_process);
  } catch (const std::exception& e) { // e.g. TLS files that cannot be loaded
    *error = std::string("cannot start the actor system: ") + e.what();
    return nullptr;
  }
  bool ok = false;
  switch (opts.role) {
  case role::all_in_one:
    ok = p->start_api_cell(true, error);
    break;
  case role::api:
    ok = p->start_api_cell(false, error);
    break;
  case role::cell:
    ok = p->start_cell(error);
    break;
  case role::compute:
    ok = p->start_compute(error);
    break;
  }
  caf::logger::set_current_actor_system(nullptr);
  if (!ok)
    return nullptr;
  return std::unique_ptr<deployment>(new deployment(std::move(p)));
}

} // namespace nimbus::app
