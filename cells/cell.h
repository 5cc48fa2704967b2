#pragma once
// The composition root of one cell: opens its store, spawns its scheduler
// and conductor, and its hosts (in all-in-one). cell0 is a cell with no hosts.
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/conductor/conductor_actor.h"
#include "actors/host/host_actor.h"
#include "actors/scheduler/scheduler_options.h"
#include "hypervisor/driver.h"

namespace nimbus::cells {

struct cell_options {
  storage::cell_mapping mapping;
  scheduler::scheduler_options scheduler;
  conductor::conductor_options conductor; // cell_uuid and cell_name come from mapping
};

/// "rocksdb:///abs/path" -> a RocksDB store there; "memory://" -> in memory.
std::shared_ptr<storage::store> open_cell_store(const std::string& database_connection,
                                                std::error_code* ec);

class cell {
public:
  /// Opens the store named by options.mapping.database_connection and spawns
  /// the cell's actors. Null (with *ec set) if the store cannot be opened.
  static std::unique_ptr<cell> open(caf::actor_system& sys, cell_options options,
                                    std::error_code* ec);

  /// Spawns a host actor for `driver` that reports to this cell.
  host_actor add_host(std::shared_ptr<hypervisor::driver> driver, host::host_options opts);

  const storage::cell_mapping& mapping() const { return options_.mapping; }
  conductor_actor conductor() const { return conductor_; }
  scheduler_actor scheduler() const { return scheduler_; }

  /// Sends exit to every actor of the cell.
  void stop();
  ~cell();

private:
  cell(caf::actor_system& sys, cell_options options) : sys_(sys), options_(std::move(options)) {}

  caf::actor_system& sys_;
  cell_options options_;
  std::shared_ptr<storage::store> store_;
  scheduler_actor scheduler_;
  conductor_actor conductor_;
  std::vector<host_actor> hosts_;
};

} // namespace nimbus::cells
