#pragma once
// The API process's connections to cells in other processes: connects to
// each cell's published conductor (the cell mapping's transport URL),
// monitors it, marks the cell down when the connection is lost and connects
// again every reconnect_interval until it is back. A connected cell gets the
// super conductor as its listener. Every discover_hosts_interval it maps
// hosts the cells report and the API cell does not know yet (Nova's
// discover_hosts_in_cells_interval).
//
// ~~~
// interface cell_links_actor {
//   (add_atom, cell_mapping) -> void   // a cell mapped while the API runs
// }
// ~~~
// Its reconnects and discovery ticks are internal (cell_links.cpp).
#include <chrono>
#include <memory>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include "actors/protocol/type_ids.h"

#include "cells/api_cell.h"
#include "cells/cell_directory.h"

namespace nimbus::transport {

struct cell_links_options {
  bool tls = false;
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds reconnect_interval{2};
  std::chrono::seconds discover_hosts_interval{10};
};

using cell_links_actor = caf::typed_actor<caf::reacts_to<caf::add_atom, storage::cell_mapping>>;

/// Connected cells get `listener` (the super conductor) as their listener.
cell_links_actor spawn_cell_links(caf::actor_system& sys,
                                  std::shared_ptr<cells::cell_directory> cells,
                                  std::shared_ptr<cells::api_cell> api,
                                  std::vector<storage::cell_mapping> remote, cell_listener listener,
                                  cell_links_options opts);

} // namespace nimbus::transport
