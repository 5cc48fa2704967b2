#include "compute/quota_book.h"

#include "storage/keys.h"

namespace nimbus::compute {

using storage::key_space;
namespace keys = storage::keys;

const std::vector<std::string>& quota_resources() {
  static const std::vector<std::string> names{"cores",
                                              "fixed_ips",
                                              "floating_ips",
                                              "injected_file_content_bytes",
                                              "injected_file_path_bytes",
                                              "injected_files",
                                              "instances",
                                              "key_pairs",
                                              "metadata_items",
                                              "ram",
                                              "security_group_rules",
                                              "security_groups",
                                              "server_group_members",
                                              "server_groups"};
  return names;
}

std::string disk_quota_name(storage::disk_tier t) {
  return "disk_gb_" + std::string(storage::nova_name(t));
}

const std::vector<std::string>& tier_quota_resources() {
  static const std::vector<std::string> names{"disk_gb_hdd", "disk_gb_pcie_ssd", "disk_gb_ssd"};
  return names;
}

quota_values nova_quota_defaults() {
  return {{"cores", 20},
          {"disk_gb_hdd", -1},
          {"disk_gb_pcie_ssd", -1},
          {"disk_gb_ssd", -1},
          {"fixed_ips", -1},
          {"floating_ips", -1},
          {"injected_file_content_bytes", 10240},
          {"injected_file_path_bytes", 255},
          {"injected_files", 5},
          {"instances", 10},
          {"key_pairs", 100},
          {"metadata_items", 128},
          {"ram", 51200},
          {"security_group_rules", -1},
          {"security_groups", -1},
          {"server_group_members", 10},
          {"server_groups", 10}};
}

quota_book::quota_book(std::shared_ptr<storage::store> store, const quota_values& configured)
    : store_(std::move(store)), configured_(nova_quota_defaults()) {
  for (auto& [name, limit] : configured)
    configured_[name] = limit;
  store_->scan(key_space::quota_limits, "", [&](std::string_view key, std::string_view value) {
    auto slash = key.rfind('/');
    if (slash != std::string_view::npos && !value.empty())
      by_scope_[std::string{key.substr(0, slash + 1)}][std::string{key.substr(slash + 1)}] =
        std::stoll(std::string{value});
    return true;
  });
}

std::int64_t quota_book::configured(const std::string& resource) const {
  auto it = configured_.find(resource);
  return it == configured_.end() ? -1 : it->second;
}

std::optional<std::int64_t> quota_book::row(const std::string& scope,
                                            const std::string& resource) const {
  auto s = by_scope_.find(scope);
  if (s == by_scope_.end())
    return std::nullopt;
  auto it = s->second.find(resource);
  if (it == s->second.end())
    return std::nullopt;
  return it->second;
}

std::int64_t quota_book::default_limit(const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return row(keys::quota_class_scope("default"), resource).value_or(configured(resource));
}

std::int64_t quota_book::class_limit(const std::string& class_name,
                                     const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return row(keys::quota_class_scope(class_name), resource).value_or(configured(resource));
}

std::int64_t quota_book::project_limit(const std::string& project_id,
                                       const std::string& resource) const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto own = row(keys::quota_project_scope(project_id), resource))
      return *own;
  }
  return default_limit(resource);
}

std::int64_t quota_book::user_limit(const std::string& project_id, const std::string& user_id,
                                    const std::string& resource) const {
  if (auto own = user_row(project_id, user_id, resource))
    return *own;
  return project_limit(project_id, resource);
}

std::optional<std::int64_t> quota_book::user_row(const std::string& project_id,
                                                 const std::string& user_id,
                                                 const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return row(keys::quota_user_scope(project_id, user_id), resource);
}

bool quota_book::has_user_rows(const std::string& project_id, const std::string& user_id,
                               const std::vector<std::string>& resources) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto scope = keys::quota_user_scope(project_id, user_id);
  for (auto& r : resources)
    if (row(scope, r))
      return true;
  return false;
}

std::int64_t quota_book::user_rows_sum(const std::string& project_id,
                                       const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto prefix = "u/" + project_id + '/';
  std::int64_t sum = 0;
  for (auto it = by_scope_.lower_bound(prefix);
       it != by_scope_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    auto r = it->second.find(resource);
    if (r == it->second.end())
      continue;
    if (r->second < 0)
      return -1;
    sum += r->second;
  }
  return sum;
}

outcome<done> quota_book::set_scope(const std::string& scope, const quota_values& limits) {
  std::lock_guard<std::mutex> lock(mutex_);
  storage::write_batch b;
  for (auto& [resource, limit] : limits)
    b.put(key_space::quota_limits, keys::quota_limit(scope, resource), std::to_string(limit));
  if (auto ec = store_->write(std::move(b)))
    return outcome<done>::failure(fault_kind::internal, "Cannot store the quotas: " + ec.message());
  for (auto& [resource, limit] : limits)
    by_scope_[scope][resource] = limit;
  return {};
}

outcome<done> quota_book::set_project(const std::string& project_id, const quota_values& limits) {
  return set_scope(keys::quota_project_scope(project_id), limits);
}

outcome<done> quota_book::set_user(const std::string& project_id, const std::string& user_id,
                                   const quota_values& limits) {
  return set_scope(keys::quota_user_scope(project_id, user_id), limits);
}

outcome<done> quota_book::set_class(const std::string& class_name, const quota_values& limits) {
  return set_scope(keys::quota_class_scope(class_name), limits);
}

outcome<done> quota_book::erase_scopes(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mutex_);
  storage::write_batch b;
  std::vector<std::string> gone;
  for (auto it = by_scope_.lower_bound(prefix);
       it != by_scope_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    for (auto& [resource, limit] : it->second)
      b.erase(key_space::quota_limits, keys::quota_limit(it->first, resource));
    gone.push_back(it->first);
  }
  if (auto ec = store_->write(std::move(b)))
    return outcome<done>::failure(fault_kind::internal, "Cannot drop the quotas: " + ec.message());
  for (auto& scope : gone)
    by_scope_.erase(scope);
  return {};
}

outcome<done> quota_book::erase_project(const std::string& project_id) {
  if (auto r = erase_scopes(keys::quota_project_scope(project_id)); !r.ok())
    return r;
  return erase_scopes("u/" + project_id + '/');
}

outcome<done> quota_book::erase_user(const std::string& project_id, const std::string& user_id) {
  return erase_scopes(keys::quota_user_scope(project_id, user_id));
}

} // namespace nimbus::compute
