#include "compute/flavor_projects.h"

#include "storage/keys.h"

namespace nimbus::compute {

using storage::key_space;
namespace keys = storage::keys;

flavor_projects::flavor_projects(std::shared_ptr<storage::store> store) : store_(std::move(store)) {
  store_->scan(key_space::flavor_access, "", [&](std::string_view key, std::string_view) {
    auto slash = key.find('/');
    if (slash != std::string_view::npos)
      by_flavor_[std::string{key.substr(0, slash)}].insert(std::string{key.substr(slash + 1)});
    return true;
  });
}

std::vector<std::string> flavor_projects::projects(const std::string& flavor_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_flavor_.find(flavor_id);
  if (it == by_flavor_.end())
    return {};
  return {it->second.begin(), it->second.end()};
}

bool flavor_projects::has(const std::string& flavor_id, const std::string& project_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_flavor_.find(flavor_id);
  return it != by_flavor_.end() && it->second.count(project_id);
}

outcome<done> flavor_projects::add(const std::string& flavor_id, const std::string& project_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& projects = by_flavor_[flavor_id];
  if (projects.count(project_id))
    return outcome<done>::failure(fault_kind::conflict, "Flavor access already exists for flavor "
                                                          + flavor_id + " and project " + project_id
                                                          + " combination.");
  storage::write_batch b;
  b.put(key_space::flavor_access, keys::flavor_access(flavor_id, project_id), "");
  if (auto ec = store_->write(std::move(b)))
    return outcome<done>::failure(fault_kind::internal,
                                  "Cannot store the flavor access: " + ec.message());
  projects.insert(project_id);
  return {};
}

outcome<done> flavor_projects::remove(const std::string& flavor_id, const std::string& project_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_flavor_.find(flavor_id);
  if (it == by_flavor_.end() || !it->second.count(project_id))
    return outcome<done>::failure(fault_kind::not_found, "Flavor access not found for " + flavor_id
                                                           + " / " + project_id + " combination.");
  storage::write_batch b;
  b.erase(key_space::flavor_access, keys::flavor_access(flavor_id, project_id));
  if (auto ec = store_->write(std::move(b)))
    return outcome<done>::failure(fault_kind::internal,
                                  "Cannot delete the flavor access: " + ec.message());
  it->second.erase(project_id);
  return {};
}

std::error_code flavor_projects::forget(const std::string& flavor_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_flavor_.find(flavor_id);
  if (it == by_flavor_.end())
    return {};
  storage::write_batch b;
  for (auto& project : it->second)
    b.erase(key_space::flavor_access, keys::flavor_access(flavor_id, project));
  if (auto ec = store_->write(std::move(b)))
    return ec;
  by_flavor_.erase(it);
  return {};
}

} // namespace nimbus::compute
