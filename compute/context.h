#pragma once
// What the compute facade needs of a running deployment. Internal to compute/
// (and filled by app/).
#include <chrono>
#include <memory>
#include <string>

#include <functional>

#include <caf/fwd.hpp>

#include "cells/api_cell.h"
#include "cells/cell_directory.h"
#include "cells/super_conductor.h"
#include "compute/aggregate_filters.h"

namespace nimbus::compute {

class gateway;
class keypair_book;
class flavor_projects;
class quota_book;
class aggregate_book;
class server_group_book;
class image_catalog;
} // namespace nimbus::compute
namespace nimbus::network {
class network_book;
} // namespace nimbus::network
namespace nimbus::compute {

struct timeouts {
  std::chrono::seconds call{30}; // one request to one cell
  std::chrono::seconds list{10}; // how long a list waits for the slowest cell
};

struct context {
  caf::actor_system& sys;
  std::shared_ptr<cells::api_cell> api;
  std::shared_ptr<cells::cell_directory> cells;
  cells::super_conductor_actor super_conductor;
  timeouts limits;
  std::string control_host; // where the API, scheduler and conductors run
  std::string data_dir;     // where new cells' stores go by default
  /// Connects a cell mapped while the API runs (api role; empty all-in-one,
  /// where a new cell starts with the next start).
  std::function<void(const storage::cell_mapping&)> link_cell;
  std::shared_ptr<gateway> gw;                      // where HTTP threads' requests to actors run
  std::shared_ptr<keypair_book> keypairs;           // in the API cell's store
  std::shared_ptr<flavor_projects> flavor_access;   // in the API cell's store
  std::shared_ptr<quota_book> quotas;               // in the API cell's store
  std::shared_ptr<aggregate_book> aggregates;       // in the API cell's store
  std::shared_ptr<server_group_book> server_groups; // in the API cell's store
  std::shared_ptr<image_catalog> images;            // records in the API cell, data in files
  std::shared_ptr<network::network_book> networks;  // in the API cell's store
  /// The aggregate filters of [scheduler] enabled_filters, run here.
  aggregate_filters aggregate_filtering = {};
  /// [compute] default_disk_type: the tier of a server that names none.
  storage::disk_tier default_disk_type = storage::disk_tier::hdd;
};

} // namespace nimbus::compute
