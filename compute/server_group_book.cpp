#include "compute/server_group_book.h"

#include <algorithm>

#include "storage/clock.h"
#include "storage/ids.h"
#include "storage/record_io.h"

namespace nimbus::compute {

using storage::key_space;

std::string server_group_not_found(const std::string& uuid) {
  return "Instance group " + uuid + " could not be found.";
}

server_group_book::server_group_book(std::shared_ptr<storage::store> store)
    : store_(std::move(store)) {
  for (auto& g : storage::read_all<storage::server_group>(*store_, key_space::server_groups)) {
    for (auto& m : g.members)
      group_of_[m] = g.uuid;
    by_uuid_[g.uuid] = std::move(g);
  }
}

std::vector<storage::server_group> server_group_book::list(const std::string& project_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<storage::server_group> out;
  for (auto& [uuid, g] : by_uuid_)
    if (project_id.empty() || g.project_id == project_id)
      out.push_back(g);
  std::stable_sort(out.begin(), out.end(),
                   [](auto& a, auto& b) { return a.created_us < b.created_us; });
  return out;
}

std::optional<storage::server_group> server_group_book::find(const std::string& uuid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_uuid_.find(uuid);
  if (it == by_uuid_.end())
    return std::nullopt;
  return it->second;
}

outcome<done> server_group_book::save(const storage::server_group& g) {
  storage::write_batch b;
  storage::stage(b, key_space::server_groups, g.uuid, g);
  if (auto ec = store_->write(std::move(b)))
    return outcome<done>::failure(fault_kind::internal,
                                  "Cannot store the server group: " + ec.message());
  return {};
}

outcome<storage::server_group> server_group_book::create(storage::server_group g,
                                                         std::int64_t project_limit,
                                                         std::int64_t user_limit) {
  using result = outcome<storage::server_group>;
  std::lock_guard<std::mutex> lock(mutex_);
  std::int64_t of_project = 0, of_user = 0;
  for (auto& [uuid, other] : by_uuid_)
    if (other.project_id == g.project_id) {
      ++of_project;
      of_user += other.user_id == g.user_id;
    }
  if ((project_limit >= 0 && of_project >= project_limit)
      || (user_limit >= 0 && of_user >= user_limit))
    return result::failure(fault_kind::forbidden, "Quota exceeded, too many server groups.");
  g.uuid = storage::random_uuid();
  g.created_us = storage::now_us();
  if (auto saved = save(g); !saved.ok())
    return result::failure(*saved.error);
  by_uuid_[g.uuid] = g;
  result out;
  out.value = std::move(g);
  return out;
}

outcome<done> server_group_book::erase(const std::string& uuid) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_uuid_.find(uuid);
  if (it == by_uuid_.end())
    return outcome<done>::failure(fault_kind::not_found, server_group_not_found(uuid));
  storage::write_batch b;
  b.erase(key_space::server_groups, uuid);
  if (auto ec = store_->write(std::move(b)))
    return outcome<done>::failure(fault_kind::internal,
                                  "Cannot delete the server group: " + ec.message());
  for (auto& m : it->second.members)
    group_of_.erase(m);
  by_uuid_.erase(it);
  return {};
}

outcome<storage::server_group> server_group_book::join(const std::string& uuid,
                                                       const std::vector<std::string>& servers,
                                                       const std::string& user_id,
                                                       std::int64_t limit,
                                                       const member_owner& owner_of) {
  using result = outcome<storage::server_group>;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_uuid_.find(uuid);
  if (it == by_uuid_.end())
    return result::failure(fault_kind::bad_request, server_group_not_found(uuid));
  auto g = it->second;
  std::vector<std::string> live;
  std::int64_t mine = 0;
  for (auto& m : g.members) {
    auto owner = owner_of(m);
    if (!owner) {
      group_of_.erase(m);
      continue;
    }
    live.push_back(m);
    mine += *owner == user_id;
  }
  g.members = live;
  if (limit >= 0 && mine + static_cast<std::int64_t>(servers.size()) > limit)
    return result::failure(fault_kind::forbidden, "Quota exceeded, too many servers in group");
  auto before = g;
  g.members.insert(g.members.end(), servers.begin(), servers.end());
  if (auto saved = save(g); !saved.ok())
    return result::failure(*saved.error);
  for (auto& s : servers)
    group_of_[s] = uuid;
  it->second = std::move(g);
  result out;
  out.value = std::move(before);
  return out;
}

void server_group_book::leave(const std::string& uuid, const std::vector<std::string>& servers) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_uuid_.find(uuid);
  if (it == by_uuid_.end())
    return;
  auto& members = it->second.members;
  for (auto& s : servers) {
    members.erase(std::remove(members.begin(), members.end(), s), members.end());
    group_of_.erase(s);
  }
  save(it->second); // at worst a refused boot's uuids stay listed, matching no server
}

std::string server_group_book::group_of(const std::string& instance) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = group_of_.find(instance);
  return it == group_of_.end() ? std::string{} : it->second;
}

} // namespace nimbus::compute
