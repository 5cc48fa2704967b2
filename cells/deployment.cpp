#include "cells/deployment.h"

#include <filesystem>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "actors/protocol/type_ids.h"
#include "cells/cell.h"
#include "cells/cell_mapping.h"
#include "cells/cell_setup.h"
#include "cells/context.h"
#include "cells/super_conductor.h"
#include "hypervisor/fake_driver.h"
#include "hypervisor/libvirt_driver.h"

namespace nimbus::cells {

namespace {

class nimbus_config : public caf::actor_system_config {
public:
  nimbus_config(std::int32_t threads, const std::string& policy) {
    add_message_types<caf::id_block::nimbus>();
    set("scheduler.max-threads", static_cast<std::int64_t>(std::max(threads, 1)));
    set("scheduler.policy", policy == "stealing" ? caf::atom("stealing") : caf::atom("sharing"));
    set("logger.console", caf::atom("none"));
  }
};

std::string local_host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0)
    return "localhost";
  return buf;
}

std::shared_ptr<hypervisor::driver> make_host_driver(const all_in_one_options& opts,
                                                     const std::string& host, std::string* error) {
  if (opts.driver == "fake")
    return hypervisor::make_fake_driver(
      {host, opts.host_vcpus, opts.host_memory_mb, opts.host_disk_gb});
  if (opts.driver != "libvirt") {
    *error = "unknown driver '" + opts.driver + "' (libvirt or fake)";
    return nullptr;
  }
  auto node = std::filesystem::absolute(std::filesystem::path(opts.data_dir) / "hosts" / (host + ".xml"));
  if (auto ec = hypervisor::write_test_node_xml(node.string(), opts.host_vcpus, opts.host_memory_mb)) {
    *error = "cannot write " + node.string() + ": " + ec.message();
    return nullptr;
  }
  hypervisor::libvirt_options lv;
  lv.uri = "test://" + node.lexically_normal().string();
  lv.hostname = host;
  lv.local_gb = opts.host_disk_gb;
  std::error_code ec;
  auto drv = hypervisor::make_libvirt_driver(lv, &ec);
  if (!drv) {
    *error = "cannot connect to " + lv.uri + ": " + ec.message();
    return nullptr;
  }
  return std::shared_ptr<hypervisor::driver>(std::move(drv));
}

} // namespace

struct deployment::impl {
  explicit impl(const all_in_one_options& o) : opts(o), cfg(o.actor_threads, o.scheduler_policy) {}

  ~impl() {
    if (sys) {
      if (super_conductor)
        caf::anon_send_exit(super_conductor, caf::exit_reason::user_shutdown);
      for (auto& c : cells)
        c->stop();
      super_conductor = nullptr;
      compute.reset();
      ctx.reset();
      cells.clear();
      directory.reset();
      sys.reset(); // waits for every actor to finish
    }
    caf::logger::set_current_actor_system(nullptr);
  }

  all_in_one_options opts;
  nimbus_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<api_cell> api;
  std::shared_ptr<cell_directory> directory;
  std::vector<std::unique_ptr<cell>> cells;
  caf::actor super_conductor;
  std::shared_ptr<context> ctx;
  std::unique_ptr<compute_api> compute;
};

deployment::deployment(std::unique_ptr<impl> p) : impl_(std::move(p)) {
}

deployment::~deployment() = default;

compute_api& deployment::compute() {
  return *impl_->compute;
}

std::unique_ptr<deployment> deployment::start(const all_in_one_options& opts, std::string* error) {
  auto p = std::make_unique<impl>(opts);
  bool in_memory = opts.store == "memory";
  std::error_code ec;
  std::shared_ptr<storage::store> api_store =
    in_memory ? std::shared_ptr<storage::store>(storage::make_memory_store())
              : std::shared_ptr<storage::store>(storage::open_rocksdb_store(
                  {(std::filesystem::path(opts.data_dir) / "api").string()}, &ec));
  if (!api_store) {
    *error = "cannot open the API cell store under " + opts.data_dir + ": " + ec.message();
    return nullptr;
  }
  p->api = std::make_shared<api_cell>(api_store);
  if (auto e = simple_cell_setup(*p->api, {opts.data_dir, opts.cells, opts.hosts_per_cell, in_memory})) {
    *error = "cannot set up the cells: " + e.message();
    return nullptr;
  }
  p->sys = std::make_unique<caf::actor_system>(p->cfg);
  p->directory = std::make_shared<cell_directory>();
  auto hosts = p->api->host_mappings();
  for (auto& mapping : p->api->cell_mappings()) {
    cell_options co;
    co.mapping = mapping;
    co.scheduler = opts.scheduler;
    co.conductor.instance.host_timeout = opts.host_timeout;
    auto c = cell::open(*p->sys, co, &ec);
    if (!c) {
      *error = "cannot open cell " + mapping.name + " at " + mapping.database_connection + ": "
               + ec.message();
      return nullptr;
    }
    for (auto& h : hosts) {
      if (h.cell_uuid != mapping.uuid)
        continue;
      auto drv = make_host_driver(opts, h.host, error);
      if (!drv)
        return nullptr;
      c->add_host(drv, {h.host, opts.report_interval, true});
    }
    p->directory->add({mapping, c->conductor()});
    spdlog::info("cell {} ({}) is up", mapping.name, mapping.uuid);
    p->cells.push_back(std::move(c));
  }
  p->super_conductor = spawn_super_conductor(*p->sys, p->api, p->directory, {opts.build_timeout});
  p->ctx = std::shared_ptr<context>(new context{*p->sys, p->api, p->directory, p->super_conductor,
                                                {opts.call_timeout, opts.list_timeout},
                                                opts.control_host.empty() ? local_host_name()
                                                                          : opts.control_host});
  p->compute = std::make_unique<compute_api>(p->ctx);
  caf::logger::set_current_actor_system(nullptr);
  return std::unique_ptr<deployment>(new deployment(std::move(p)));
}

} // namespace nimbus::cells
