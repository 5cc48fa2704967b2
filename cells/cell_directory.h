#pragma once
// Where each cell's conductor is: the running counterpart of cell_mappings.
// Thread-safe: the HTTP threads read it while cells join.
#include <algorithm>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "actors/protocol/conductor_actor.h"
#include "storage/records.h"

namespace nimbus::cells {

/// A cell and its conductor; the conductor is invalid while the cell is
/// down (not connected yet, or its process was lost).
struct cell_entry {
  storage::cell_mapping mapping;
  conductor_actor conductor;
  bool up() const { return static_cast<bool>(conductor); }
};

class cell_directory {
public:
  void add(cell_entry e) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    for (auto& c : cells_)
      if (c.mapping.uuid == e.mapping.uuid) {
        c = std::move(e);
        return;
      }
    cells_.push_back(std::move(e));
  }
  /// Marks a cell down (its conductor is gone) without forgetting it.
  void mark_down(const std::string& uuid) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    for (auto& c : cells_)
      if (c.mapping.uuid == uuid)
        c.conductor = conductor_actor{};
  }
  /// Takes a changed mapping (name, disabled, ...), keeping the conductor.
  void update_mapping(const storage::cell_mapping& m) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    for (auto& c : cells_)
      if (c.mapping.uuid == m.uuid)
        c.mapping = m;
  }
  void remove(const std::string& uuid) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    cells_.erase(
      std::remove_if(cells_.begin(), cells_.end(), [&](auto& c) { return c.mapping.uuid == uuid; }),
      cells_.end());
  }
  std::optional<cell_entry> get(const std::string& uuid) const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    for (auto& c : cells_)
      if (c.mapping.uuid == uuid)
        return c;
    return std::nullopt;
  }
  /// Every cell, cell0 included, in the order they joined.
  std::vector<cell_entry> all() const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return cells_;
  }

private:
  mutable std::shared_mutex mutex_;
  std::vector<cell_entry> cells_;
};

} // namespace nimbus::cells
