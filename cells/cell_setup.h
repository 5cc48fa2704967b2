#pragma once
// First-start set-up of a deployment's API cell (cf. nova-manage cell_v2
// simple_cell_setup): cell0, the cells, the host mappings, and the default
// flavors and image. No CAF: nimbus-manage uses it on a data directory.
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "cells/api_cell.h"

namespace nimbus::cells {

struct setup_plan {
  std::string data_dir;   // cell stores go under <data_dir>/cells/<name>
  std::int32_t cells = 1; // cells besides cell0
  std::int32_t hosts_per_cell = 2;
  bool in_memory = false; // memory:// stores (fake runs)
};

/// The name of the i-th simulated host (1-based, unique across cells).
std::string host_name(std::int32_t index);

/// Does the set-up once: a second call on an initialized API cell changes
/// nothing and succeeds.
std::error_code simple_cell_setup(api_cell& api, const setup_plan& plan);

std::vector<storage::flavor> default_flavors();
storage::image default_image();

/// The default flavors and image, once: nothing if the API cell is marked
/// initialized, else both, then the mark. Both simple_cell_setup()s end here.
std::error_code seed_defaults(api_cell& api);

} // namespace nimbus::cells
