#include <doctest/doctest.h>

#include "cells/cell_selector.h"

using namespace nimbus;

TEST_CASE("cells that fit come first, most free memory first, and placements debit the estimate") {
  cells::cell_selector sel;
  sel.update({"a", 2, 8192, 8, 100, 20000, 0});
  sel.update({"b", 2, 8192, 8, 100, 30000, 0});
  sel.update({"small", 2, 1024, 8, 100, 90000, 0});
  storage::flavor f;
  f.memory_mb = 4096;
  auto order = sel.candidates(f, {"a", "b", "small"});
  CHECK(order == std::vector<std::string>{"b", "a", "small"});
  sel.sending("b", f);
  sel.sending("b", f);
  sel.sending("b", f); // 12,288 MB in flight: b has 17,712 MB by the estimate
  CHECK(sel.estimated_free_ram("b") == 30000 - 3 * 4096);
  CHECK(sel.candidates(f, {"a", "b"}) == std::vector<std::string>{"a", "b"});
  // b's next summary has handled two of the three and counts their claims.
  sel.update({"b", 2, 8192, 8, 100, 30000 - 2 * std::int64_t{4096}, 2 * std::int64_t{4096}});
  CHECK(sel.estimated_free_ram("b") == 30000 - 3 * 4096); // the third is still in flight
  // b restarted: its count starts again, and nothing is taken as in flight.
  sel.update({"b", 2, 8192, 8, 100, 25000, 0});
  CHECK(sel.estimated_free_ram("b") == 25000);
  // A cell not heard from yet counts as fitting: it goes before cells that do not fit.
  CHECK(sel.candidates(f, {"small", "unknown"}) == std::vector<std::string>{"unknown", "small"});
}

TEST_CASE("a cell with no host up is tried last") {
  cells::cell_selector sel;
  sel.update({"down", 0, 0, 0, 0, 0});
  sel.update({"up", 1, 2048, 2, 10, 2048});
  storage::flavor f;
  f.memory_mb = 512;
  CHECK(sel.candidates(f, {"down", "up"}) == std::vector<std::string>{"up", "down"});
}
