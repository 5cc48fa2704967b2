#include "actors/conductor/instance_index.h"

namespace nimbus::conductor {

void instance_index::upsert(const storage::instance_record& r) {
  auto it = records_.find(r.uuid);
  if (it != records_.end()) {
    if (it->second.created_us != r.created_us) {
      order_.erase({it->second.created_us, r.uuid});
      order_.insert({r.created_us, r.uuid});
    }
    it->second = r;
    return;
  }
  records_.emplace(r.uuid, r);
  order_.insert({r.created_us, r.uuid});
}

bool instance_index::erase(const std::string& uuid) {
  auto it = records_.find(uuid);
  if (it == records_.end())
    return false;
  order_.erase({it->second.created_us, uuid});
  records_.erase(it);
  return true;
}

const storage::instance_record* instance_index::find(const std::string& uuid) const {
  auto it = records_.find(uuid);
  return it == records_.end() ? nullptr : &it->second;
}

template <class Fn>
void instance_index::walk_page(const list_query& q, Fn&& fn) const {
  if (q.limit <= 0)
    return;
  // Everything strictly before the marker in ascending order comes after it
  // in the descending list order.
  auto it = q.has_marker ? order_.lower_bound({q.marker_created_us, q.marker_uuid}) : order_.end();
  std::size_t taken = 0;
  while (it != order_.begin() && taken < static_cast<std::size_t>(q.limit)) {
    --it;
    auto& r = records_.at(it->second);
    if (q.project_id.empty() || r.project_id == q.project_id) {
      fn(r);
      ++taken;
    }
  }
}

std::vector<storage::instance_record> instance_index::page(const list_query& q) const {
  std::vector<storage::instance_record> out;
  walk_page(q, [&](const storage::instance_record& r) { out.push_back(r); });
  return out;
}

std::vector<list_key> instance_index::page_keys(const list_query& q) const {
  std::vector<list_key> out;
  walk_page(q, [&](const storage::instance_record& r) { out.push_back({r.created_us, r.uuid}); });
  return out;
}

} // namespace nimbus::conductor
