#include "cells/cell_selector.h"

#include <algorithm>

namespace nimbus::cells {

void cell_selector::update(const cell_summary& s) {
  summaries_[s.cell_uuid] = s;
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
    all.push_back({c, fits, s.free_ram_mb});
  }
  std::stable_sort(all.begin(), all.end(), [](const ranked& a, const ranked& b) {
    if (a.fits != b.fits)
      return a.fits;
    return a.free_ram > b.free_ram;
  });
  std::vector<std::string> out;
  for (auto& r : all)
    out.push_back(r.cell);
  return out;
}

void cell_selector::placed(const std::string& cell, const storage::flavor& f) {
  if (auto it = summaries_.find(cell); it != summaries_.end())
    it->second.free_ram_mb -= f.memory_mb;
}

} // namespace nimbus::cells
