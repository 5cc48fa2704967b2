#pragma once
// A cell's instances in memory, kept in Nova's list order (created_at
// descending, then uuid descending), so a page costs O(log n + page).
// Plain C++; the conductor owns one and is its only user.
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actors/protocol/messages.h"

namespace nimbus::conductor {

class instance_index {
public:
  /// Inserts or replaces the record with r.uuid.
  void upsert(const storage::instance_record& r);
  bool erase(const std::string& uuid);
  const storage::instance_record* find(const std::string& uuid) const;

  /// Up to q.limit records after q's marker (if any) of q.project_id (if set).
  std::vector<storage::instance_record> page(const list_query& q) const;
  /// page(), as sort keys only.
  std::vector<list_key> page_keys(const list_query& q) const;

  std::size_t size() const { return records_.size(); }

  template <class Fn>
  void for_each(Fn&& fn) const {
    for (auto& [uuid, r] : records_)
      fn(r);
  }

private:
  /// Calls fn(record) for the records of page(q), in order.
  template <class Fn>
  void walk_page(const list_query& q, Fn&& fn) const;

  using sort_key = std::pair<std::int64_t, std::string>; // (created_us, uuid)
  std::unordered_map<std::string, storage::instance_record> records_;
  std::set<sort_key> order_; // ascending; pages walk it backwards
};

} // namespace nimbus::conductor
