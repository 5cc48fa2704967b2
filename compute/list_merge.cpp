#include "compute/list_merge.h"

#include <algorithm>

namespace nimbus::compute {

page_plan plan_page(std::vector<std::optional<std::vector<list_key>>> keys, std::int32_t limit) {
  page_plan plan;
  plan.wanted.resize(keys.size());
  struct ranked {
    list_key key;
    std::size_t cell;
  };
  std::vector<ranked> all;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!keys[i]) {
      plan.silent.push_back(i);
      continue;
    }
    for (auto& k : *keys[i])
      all.push_back({std::move(k), i});
  }
  auto n = std::min(all.size(), static_cast<std::size_t>(std::max(limit, 0)));
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                    [](const ranked& a, const ranked& b) { return list_order(a.key, b.key); });
  for (std::size_t i = 0; i < n; ++i)
    plan.wanted[all[i].cell].push_back(std::move(all[i].key.uuid));
  return plan;
}

} // namespace nimbus::compute
