#pragma once
// The global half of scheduling: orders the cells to try for a request from
// the capacity summaries the cells push (cf. the cells-v2 scheduler's cell
// choice). Cells whose largest free slot fits come first, most free memory
// first; the rest follow, since a summary can be stale. A summary misses the
// requests still on their way to the cell, so the selector counts what it
// sends to each cell and subtracts what the cell has not handled yet: then
// concurrent boots spread evenly over the cells instead of piling into the
// one whose summary looks best. Not thread-safe: the super conductor owns it.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/protocol/messages.h"

namespace nimbus::cells {

class cell_selector {
public:
  void update(const cell_summary& s);
  /// Candidate cells among `cells` (cell uuids), best first.
  std::vector<std::string> candidates(const storage::flavor& f,
                                      const std::vector<std::string>& cells) const;
  /// A request of flavor `f` is being sent to `cell`.
  void sending(const std::string& cell, const storage::flavor& f);
  /// The free memory of `cell` by its summary, less what is in flight to it.
  std::int64_t estimated_free_ram(const std::string& cell) const;

private:
  std::map<std::string, cell_summary> summaries_;
  std::map<std::string, std::int64_t> sent_ram_; // cumulative, on the cell's handled_ram_mb scale
};

} // namespace nimbus::cells
