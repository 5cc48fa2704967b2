// The cell_v2 commands on an API cell of their own, as nimbus-manage runs
// them when no API runs: every write goes through the API cell.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "cells/api_cell.h"
#include "cells/cell_mapping.h"
#include "cells/cell_setup.h"
#include "manage/cell_commands.h"
#include "storage/store.h"
#include "tests/support/temp_dir.h"

using namespace nimbus;

namespace {

struct manage_fixture {
  test::temp_dir dir;
  cells::api_cell api{std::shared_ptr<storage::store>(storage::make_memory_store())};
  std::ostringstream out, err;

  int run(const std::string& command, const manage::options& o = {}) {
    out.str("");
    err.str("");
    return manage::run_cell_v2(command, o, api, dir.path(), out, err);
  }
  std::vector<std::string> cell_names() {
    std::vector<std::string> names;
    for (auto& m : api.cell_mappings())
      names.push_back(m.name);
    std::sort(names.begin(), names.end());
    return names;
  }
};

} // namespace

TEST_CASE_FIXTURE(manage_fixture, "simple_cell_setup makes cell0 and cell1 once, seeded") {
  CHECK(run("simple_cell_setup") == 1);
  CHECK(err.str() == "Must specify --transport-url.\n");
  // No cell reports a host yet: Nova's exit code 1, the cells are made.
  CHECK(run("simple_cell_setup", {{"transport-url", "caf://10.0.0.5:4242"}}) == 1);
  CHECK(out.str().find("No hosts found to map to cell, exiting.") != std::string::npos);
  CHECK(cell_names() == std::vector<std::string>{"cell0", "cell1"});
  auto cell1 = api.cell_mapping("cell1");
  REQUIRE(cell1);
  CHECK(cell1->transport_url == "caf://10.0.0.5:4242");
  CHECK(api.initialized());
  CHECK(api.flavors().size() == cells::default_flavors().size());
  // Again: nothing new.
  CHECK(run("simple_cell_setup") == 1);
  CHECK(out.str().find("Cell0 is already setup") != std::string::npos);
  CHECK(cell_names() == std::vector<std::string>{"cell0", "cell1"});
}

TEST_CASE_FIXTURE(manage_fixture, "the set-up of a first start is the same one, with its hosts") {
  cells::setup_plan plan{dir.path(), 2, 1, false};
  bool made = false;
  REQUIRE_FALSE(cells::simple_cell_setup(api, plan, &made));
  CHECK(made);
  CHECK(cell_names() == std::vector<std::string>{"cell0", "cell1", "cell2"});
  CHECK(api.host_mappings().size() == 2);
  CHECK(api.cell_mapping("cell2")->transport_url == "local:///");
  REQUIRE_FALSE(cells::simple_cell_setup(api, plan, &made)); // a restart
  CHECK_FALSE(made);
  CHECK(api.host_mappings().size() == 2);
  // nimbus-manage's simple_cell_setup on it finds the cells and the hosts.
  CHECK(run("simple_cell_setup") == 0);
  CHECK(cell_names() == std::vector<std::string>{"cell0", "cell1", "cell2"});
}

TEST_CASE_FIXTURE(manage_fixture, "delete_host unmaps a host through the API cell") {
  cells::setup_plan plan{dir.path(), 1, 2, false};
  REQUIRE_FALSE(cells::simple_cell_setup(api, plan));
  auto cell1 = api.cell_mapping("cell1");
  REQUIRE(cell1);
  REQUIRE(api.host_mappings().size() == 2);
  CHECK(run("delete_host", {{"cell_uuid", cell1->uuid}, {"host", "compute1"}}) == 0);
  auto left = api.host_mappings();
  REQUIRE(left.size() == 1);
  CHECK(left[0].host == "compute2");
  CHECK(run("delete_host", {{"cell_uuid", cell1->uuid}, {"host", "compute1"}}) == 2);
  CHECK(err.str() == "The host compute1 was not found.\n");
}
