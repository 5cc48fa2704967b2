#pragma once
// The merge of one server-list page over many cells, free of CAF (the
// placement_engine pattern): which servers of which cell make the page, from
// every cell's sort keys. server_list.cpp asks the cells and calls this.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/protocol/message_types.h"

namespace nimbus::compute {

/// Nova's list order: created_at descending, then uuid descending. For
/// records and for their sort keys alike.
template <class A, class B>
bool list_order(const A& a, const B& b) {
  if (a.created_us != b.created_us)
    return a.created_us > b.created_us;
  return a.uuid > b.uuid;
}

struct page_plan {
  /// Per cell (as asked), the uuids of its servers on the page.
  std::vector<std::vector<std::string>> wanted;
  /// The cells (by index) that gave no keys: down, or silent until the
  /// list timeout.
  std::vector<std::size_t> silent;
};

/// The first `limit` servers in list order among every cell's keys (each
/// cell's already sorted and cut to `limit`; an empty optional for a cell
/// that did not answer).
page_plan plan_page(std::vector<std::optional<std::vector<list_key>>> keys, std::int32_t limit);

} // namespace nimbus::compute
