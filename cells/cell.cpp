#include "cells/cell.h"

#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/scheduler/scheduler_actor.h"
#include "storage/errc.h"

namespace nimbus::cells {

std::shared_ptr<storage::store> open_cell_store(const std::string& database_connection,
                                                std::error_code* ec) {
  *ec = {};
  const std::string rocks = "rocksdb://", memory = "memory://";
  if (database_connection.rfind(memory, 0) == 0)
    return storage::make_memory_store();
  if (database_connection.rfind(rocks, 0) == 0) {
    auto path = database_connection.substr(rocks.size());
    return storage::open_rocksdb_store({path}, ec);
  }
  *ec = storage::errc::invalid_argument;
  return nullptr;
}

std::unique_ptr<cell> cell::open(caf::actor_system& sys, cell_options options,
                                 std::error_code* ec) {
  std::unique_ptr<cell> c(new cell(sys, std::move(options)));
  c->store_ = open_cell_store(c->options_.mapping.database_connection, ec);
  if (!c->store_)
    return nullptr;
  auto conductor_opts = c->options_.conductor;
  conductor_opts.cell_uuid = c->options_.mapping.uuid;
  conductor_opts.cell_name = c->options_.mapping.name;
  conductor_opts.service_down_time =
    std::chrono::seconds(c->options_.scheduler.service_down_time_s);
  c->scheduler_ = scheduler::spawn_scheduler(sys, c->options_.scheduler);
  c->conductor_ = conductor::spawn_conductor(sys, c->store_, c->scheduler_, conductor_opts);
  return c;
}

host_actor cell::add_host(std::shared_ptr<hypervisor::driver> driver, host::host_options opts) {
  auto h = host::spawn_host(sys_, std::move(driver), std::move(opts),
                            caf::actor_cast<host_report_sink>(conductor_));
  hosts_.push_back(h);
  return h;
}

void cell::stop() {
  for (auto& h : hosts_) {
    caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
    sys_.registry().erase(h.id()); // see deployment.cpp: detached actors a dead peer saw
  }
  caf::anon_send_exit(conductor_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(scheduler_, caf::exit_reason::user_shutdown);
  hosts_.clear();
}

cell::~cell() { stop(); }

} // namespace nimbus::cells
