// compute_api's cell management: nimbus-manage's commands on the live API
// cell, and the running cells brought in line with the mappings after them.
#include <algorithm>
#include <sstream>

#include <caf/logger.hpp>
#include <spdlog/spdlog.h>

#include "compute/compute_api.h"
#include "compute/context.h"

namespace nimbus::compute {

manage_result compute_api::manage(const std::string& command,
                                  const std::map<std::string, std::string>& opts) {
  manage_result r;
  if (!commands_.run || !commands_.reads_only) {
    r.rc = 1;
    r.err = "This API runs no cell_v2 commands.\n";
    return r;
  }
  std::ostringstream out, err;
  r.rc = commands_.run(command, opts, *ctx_->api, ctx_->data_dir, out, err);
  r.out = out.str();
  r.err = err.str();
  if (!commands_.reads_only(command))
    refresh_cells(); // its mapping writes went through the API cell (write_mappings)
  caf::logger::set_current_actor_system(nullptr);
  return r;
}

void compute_api::refresh_cells() {
  auto mappings = ctx_->api->cell_mappings();
  for (auto& known : ctx_->cells->all()) {
    bool kept = std::any_of(mappings.begin(), mappings.end(),
                            [&](auto& m) { return m.uuid == known.mapping.uuid; });
    if (!kept) {
      spdlog::info("cell {} was unmapped", known.mapping.name);
      ctx_->cells->remove(known.mapping.uuid);
    }
  }
  for (auto& m : mappings) {
    if (ctx_->cells->get(m.uuid)) {
      ctx_->cells->update_mapping(m);
    } else if (ctx_->link_cell) {
      spdlog::info("cell {} was mapped; connecting to {}", m.name, m.transport_url);
      ctx_->link_cell(m);
    } else {
      spdlog::warn("cell {} was mapped; an all-in-one process starts it at its next start", m.name);
    }
  }
}

} // namespace nimbus::compute
