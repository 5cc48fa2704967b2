#pragma once
// The set-up of a deployment's API cell (cf. nova-manage cell_v2
// simple_cell_setup): cell0, the cells, their host mappings, and the default
// flavors and image. One implementation for both callers: the first start of
// a deployment, and nimbus-manage's simple_cell_setup. No CAF.
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "cells/api_cell.h"

namespace nimbus::cells {

struct setup_plan {
  std::string data_dir;            // cell stores go under <data_dir>/cells/<name>
  std::int32_t cells = 1;          // cells besides cell0, made if there are none yet
  std::int32_t hosts_per_cell = 2; // simulated hosts mapped to each new cell
  bool in_memory = false;          // memory:// stores (fake runs)
  /// The new cells' transport URL: local:/// for cells in the API's
  /// process (all-in-one), caf://host:port for a cell process.
  std::string transport_url = "local:///";
};

/// A cell's store by default: rocksdb://<absolute data_dir>/cells/<name>.
std::string default_cell_connection(const std::string& data_dir, const std::string& name);

/// The name of the i-th simulated host (1-based, unique across cells).
std::string host_name(std::int32_t index);

/// Maps cell0 if it is not; makes the plan's cells (cell1, cell2, ...) with
/// their hosts if no cell but cell0 exists; seeds the defaults. Idempotent: a
/// second call changes nothing. `*made_cells` (if given) says whether cells
/// were made.
std::error_code simple_cell_setup(api_cell& api, const setup_plan& plan,
                                  bool* made_cells = nullptr);

std::vector<storage::flavor> default_flavors();
storage::image default_image();

/// The default flavors and image, once: nothing if the API cell is marked
/// initialized, else both, then the mark. simple_cell_setup() ends here.
std::error_code seed_defaults(api_cell& api);

} // namespace nimbus::cells
