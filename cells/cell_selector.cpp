#include "cells/cell_selector.h"

#include <algorithm>

namespace nimbus::cells {

void cell_selector::update(const cell_summary& s) {
  auto it = summaries_.find(s.cell_uuid);
  // A first summary, or a restarted cell (its count went back): nothing is
  // known to be in flight from before, so count from the cell's figure.
  if (it == summaries_.end() || s.handled_ram_mb < it->second.handled_ram_mb)
    sent_ram_[s.cell_uuid] = s.handled_ram_mb;
  summaries_[s.cell_uuid] = s;
}

std::int64_t cell_selector::estimated_free_ram(const std::string& cell) const {
  auto it = summaries_.find(cell);
  if (it == summaries_.end())
    return 0;
  auto sent = sent_ram_.find(cell);
  auto in_flight = sent == sent_ram_.end()
                     ? 0
                     : std::max<std::int64_t>(0, sent->second - it->second.handled_ram_mb);
  return it->second.free_ram_mb - in_flight;
}

std::vector<std::string> cell_selector::candidates(const storage::flavor& f,
                                                   const std::vector<std::string>& cells) const {
  struct ranked {
    std::string cell;
    bool fits;
    std::int64_t free_ram;
  };
  std::vector<ranked> all;
  for (auto& c : cells) {
    auto it = summaries_.find(c);
    if (it == summaries_.end()) {
      all.push_back({c, true, 0}); // not heard from yet: worth a try
      continue;
    }
    auto& s = it->second;
    bool fits = s.hosts_up > 0 && s.largest_free_ram_mb >= f.memory_mb;
    all.push_back({c, fits, estimated_free_ram(c)});
  }
  std::stable_sort(all.begin(), all.end(), [](const ranked& a, const ranked& b) {
    if (a.fits != b.fits)
      return a.fits;
    return a.free_ram > b.free_ram;
  });
  std::vector<std::string> out;
  out.reserve(all.size());
  for (auto& r : all)
    out.push_back(r.cell);
  return out;
}

void cell_selector::sending(const std::string& cell, const storage::flavor& f) {
  sent_ram_[cell] += f.memory_mb;
}

} // namespace nimbus::cells
