// Neutron's quotas: limits per project over the [network] defaults, what a
// project uses, and the refusal of a create past its limit.
#include <nlohmann/json.hpp>

#include "network/network_book.h"

namespace nimbus::network {

using storage::key_space;

std::int64_t network_book::used(const std::string& project_id, const std::string& resource) const {
  std::int64_t n = 0;
  if (resource == "port") {
    auto it = ports_of_project_.find(project_id);
    return it == ports_of_project_.end() ? 0 : it->second;
  }
  if (resource == "network")
    for (auto& [id, x] : networks_)
      n += x.project_id == project_id;
  if (resource == "floatingip")
    for (auto& [id, x] : floating_)
      n += x.project_id == project_id;
  if (resource == "subnet")
    for (auto& [id, x] : subnets_)
      n += x.record.project_id == project_id;
  if (resource == "security_group")
    for (auto& [id, x] : groups_)
      n += x.project_id == project_id;
  if (resource == "security_group_rule")
    for (auto& [id, x] : groups_)
      if (x.project_id == project_id)
        n += static_cast<std::int64_t>(x.rules.size());
  return n;
}

std::map<std::string, std::int64_t> network_book::quotas(const std::string& project_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto out = opts_.default_quotas;
  auto own = limits_.find(project_id);
  if (own != limits_.end())
    for (auto& [k, v] : own->second)
      out[k] = v;
  return out;
}

std::map<std::string, std::pair<std::int64_t, std::int64_t>>
network_book::quota_usage(const std::string& project_id) const {
  auto limits = quotas(project_id);
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> out;
  for (auto& [k, v] : limits)
    out[k] = {v, used(project_id, k)};
  return out;
}

std::optional<failure> network_book::over_quota(const std::string& project_id,
                                                const std::string& resource) const {
  auto limit = opts_.default_quotas.at(resource);
  auto own = limits_.find(project_id);
  if (own != limits_.end())
    if (auto it = own->second.find(resource); it != own->second.end())
      limit = it->second;
  if (limit < 0 || used(project_id, resource) < limit)
    return std::nullopt;
  return conflict("OverQuota", "Quota exceeded for resources: ['" + resource + "'].");
}

result<std::map<std::string, std::int64_t>>
network_book::set_quotas(const caller& who, const std::string& project_id,
                         const std::map<std::string, std::int64_t>& limits) {
  using R = result<std::map<std::string, std::int64_t>>;
  if (!who.is_admin)
    return R::fail({403, "AdminRequired",
                    "User does not have admin privileges: Only admin can "
                    "edit quota."});
  for (auto& [k, v] : limits) {
    if (!opts_.default_quotas.count(k))
      return R::fail({400, "HTTPBadRequest", "Unrecognized attribute(s) '" + k + "'"});
    if (v < -1)
      return R::fail(invalid_input("'" + std::to_string(v)
                                   + "' should be greater than or equal "
                                     "to -1"));
  }
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& own = limits_[project_id];
    for (auto& [k, v] : limits)
      own[k] = v;
    storage::write_batch b;
    b.put(key_space::network_quotas, project_id, nlohmann::json(own).dump());
    written = submit(std::move(b));
  }
  if (auto f = wait_durable(written))
    return R::fail(*f);
  return R::of(quotas(project_id));
}

std::optional<failure> network_book::reset_quotas(const caller& who,
                                                  const std::string& project_id) {
  if (!who.is_admin)
    return failure{403, "AdminRequired",
                   "User does not have admin privileges: Only admin can "
                   "edit quota."};
  std::future<std::error_code> written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    limits_.erase(project_id);
    storage::write_batch b;
    b.erase(key_space::network_quotas, project_id);
    written = submit(std::move(b));
  }
  return wait_durable(written);
}

std::vector<std::string> network_book::projects_with_quotas() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (auto& [project, l] : limits_)
    out.push_back(project);
  return out;
}

} // namespace nimbus::network
