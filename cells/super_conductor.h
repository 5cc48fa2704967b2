#pragma once
// The API cell's conductor (Nova's super-conductor): drives every accepted
// build request to a cell, trying the candidate cells in turn and burying the
// request in cell0 when none can place it; and keeps the API cell's maps in
// step with what the cells report.
//
// ~~~
// interface super_conductor_actor {
//   (schedule_atom, string uuid) -> void      // a build request was accepted
//   // As the cells' cell_listener:
//   (summary_atom, cell_summary) -> void      // a cell's capacity
//   (deleted_atom, string uuid) -> (ok)       // a cell deleted an instance
//   (image_saved_atom, string image, string path, string error) -> void
//                                             // a createImage's export ended
// }
// ~~~
// On start it re-drives every build request still in the API store, so
// nothing accepted before a crash stays in BUILD. Its retries are messages
// to itself, internal (super_conductor.cpp).
#include <chrono>
#include <memory>

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include "actors/protocol/type_ids.h"

#include "cells/api_cell.h"
#include "cells/cell_directory.h"
#include "storage/image_files.h"

namespace nimbus::cells {

struct super_conductor_options {
  /// How long one cell may take to accept a build before the next is tried.
  std::chrono::seconds build_timeout{60};
  /// The image store a createImage's export lands in (image_exports.h);
  /// null: snapshots get no data.
  std::shared_ptr<storage::image_files> image_files = nullptr;
};

using super_conductor_actor = cell_listener::extend<caf::reacts_to<schedule_atom, std::string>>;

super_conductor_actor spawn_super_conductor(caf::actor_system& sys, std::shared_ptr<api_cell> api,
                                            std::shared_ptr<const cell_directory> cells,
                                            super_conductor_options opts);

} // namespace nimbus::cells
