#pragma once
// The API process's connections to cells in other processes: connects to
// each cell's published conductor (the cell mapping's transport URL),
// monitors it, marks the cell down when the connection is lost and connects
// again every reconnect_interval until it is back. A connected cell gets the
// super conductor as its listener. Every discover_hosts_interval it maps
// hosts the cells report and the API cell does not know yet (Nova's
// discover_hosts_in_cells_interval). (add_atom, cell_mapping) adds a cell
// mapped while the API runs.
#include <chrono>
#include <memory>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "cells/api_cell.h"
#include "cells/cell_directory.h"

namespace nimbus::transport {

struct cell_links_options {
  bool tls = false;
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds reconnect_interval{2};
  std::chrono::seconds discover_hosts_interval{10};
};

caf::actor spawn_cell_links(caf::actor_system& sys, std::shared_ptr<cells::cell_directory> cells,
                            std::shared_ptr<cells::api_cell> api,
                            std::vector<storage::cell_mapping> remote, caf::actor super_conductor,
                            cell_links_options opts);

} // namespace nimbus::transport
