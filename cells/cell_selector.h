#pragma once
// The global half of scheduling: orders the cells to try for a request from
// the capacity summaries the cells push (cf. the cells-v2 scheduler's cell
// choice). Cells whose largest free slot fits come first, most free memory
// first; the rest follow, since a summary can be stale. Between summaries the
// selector debits its own estimate for each placement, so concurrent boots
// spread over the cells instead of piling into one. Not thread-safe: the
// super conductor owns it.
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
  /// A request of flavor `f` landed in `cell`: debit the estimate.
  void placed(const std::string& cell, const storage::flavor& f);

private:
  std::map<std::string, cell_summary> summaries_;
};

} // namespace nimbus::cells
