#include "cells/cell_setup.h"

#include <algorithm>
#include <filesystem>

#include "cells/cell_mapping.h"
#include "storage/clock.h"
#include "storage/ids.h"
#include "storage/keys.h"

namespace nimbus::cells {

std::string default_cell_connection(const std::string& data_dir, const std::string& name) {
  auto dir = std::filesystem::absolute(std::filesystem::path(data_dir) / "cells" / name);
  return "rocksdb://" + dir.lexically_normal().string();
}

std::string host_name(std::int32_t index) { return "compute" + std::to_string(index); }

namespace {

std::string connection_for(const setup_plan& plan, const std::string& cell_name) {
  return plan.in_memory ? "memory://" : default_cell_connection(plan.data_dir, cell_name);
}

storage::flavor make_flavor(std::string id, std::string name, std::int32_t ram, std::int32_t disk,
                            std::int32_t vcpus) {
  storage::flavor f;
  f.id = std::move(id);
  f.name = std::move(name);
  f.memory_mb = ram;
  f.root_gb = disk;
  f.vcpus = vcpus;
  f.created_us = storage::now_us();
  return f;
}

} // namespace

std::vector<storage::flavor> default_flavors() {
  return {make_flavor("1", "m1.tiny", 512, 1, 1), make_flavor("2", "m1.small", 2048, 20, 1),
          make_flavor("3", "m1.medium", 4096, 40, 2), make_flavor("4", "m1.large", 8192, 80, 4),
          make_flavor("5", "m1.xlarge", 16384, 160, 8)};
}

storage::image default_image() {
  storage::image img;
  img.id = "155d900f-4e14-4e4c-a73d-069cbf4541e6";
  img.name = "cirros-0.6.2-x86_64-disk";
  img.size = 21430272;
  img.min_disk = 0;
  img.created_us = storage::now_us();
  return img;
}

std::error_code simple_cell_setup(api_cell& api, const setup_plan& plan, bool* made_cells) {
  if (made_cells)
    *made_cells = false;
  if (!api.cell_mapping(cell0_uuid))
    if (auto ec = api.put(storage::cell_mapping{cell0_uuid, cell0_name, "none:///",
                                                connection_for(plan, cell0_name), false}))
      return ec;
  auto mappings = api.cell_mappings();
  bool has_cells =
    std::any_of(mappings.begin(), mappings.end(), [](auto& m) { return m.uuid != cell0_uuid; });
  // As Nova's: cells only where there are none (a restart finds them).
  if (!has_cells) {
    std::int32_t host_index = 1;
    for (std::int32_t i = 1; i <= plan.cells; ++i) {
      auto name = "cell" + std::to_string(i);
      storage::cell_mapping c{storage::random_uuid(), name, plan.transport_url,
                              connection_for(plan, name), false};
      if (auto ec = api.put(c))
        return ec;
      if (made_cells)
        *made_cells = true;
      for (std::int32_t h = 0; h < plan.hosts_per_cell; ++h)
        if (auto ec = api.put(storage::host_mapping{host_name(host_index++), c.uuid}))
          return ec;
    }
  }
  return seed_defaults(api);
}

std::error_code seed_defaults(api_cell& api) {
  if (api.initialized())
    return {};
  for (auto& f : default_flavors())
    if (auto ec = api.put(f))
      return ec;
  if (auto ec = api.put(default_image()))
    return ec;
  return api.mark_initialized();
}

} // namespace nimbus::cells
