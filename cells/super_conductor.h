#pragma once
// The API cell's conductor (Nova's super-conductor): drives every accepted
// build request to a cell, trying the candidate cells in turn and burying the
// request in cell0 when none can place it; and keeps the API cell's maps in
// step with what the cells report.
//
// ~~~
// interface super_conductor {
//   (schedule_atom, string uuid) -> void      // a build request was accepted
//   (summary_atom, cell_summary) -> void      // from the cells
//   (deleted_atom, string uuid) -> void       // a cell deleted an instance
// }
// ~~~
// On start it re-drives every build request still in the API store, so
// nothing accepted before a crash stays in BUILD.
#include <chrono>
#include <memory>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "cells/api_cell.h"
#include "cells/cell_directory.h"

namespace nimbus::cells {

struct super_conductor_options {
  /// How long one cell may take to accept a build before the next is tried.
  std::chrono::seconds build_timeout{60};
};

caf::actor spawn_super_conductor(caf::actor_system& sys, std::shared_ptr<api_cell> api,
                                 std::shared_ptr<const cell_directory> cells,
                                 super_conductor_options opts);

} // namespace nimbus::cells
