#pragma once
// The server groups (Nova's instance_groups), in the API cell's store and in
// memory: a group names servers to keep on one host (affinity) or apart
// (anti-affinity, with at most max_server_per_host on one), strictly or as a
// preference (soft-). Servers join at their boot, before they are
// scheduled, and count as members while their instance mapping lives.
// Thread-safe; a write is durable when its call returns. CAF-free.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compute/outcome.h"
#include "storage/records.h"
#include "storage/store.h"

namespace nimbus::compute {

/// Who owns a member that still exists (its user), or nullopt once it is gone.
using member_owner = std::function<std::optional<std::string>(const std::string& uuid)>;

class server_group_book {
public:
  explicit server_group_book(std::shared_ptr<storage::store> store);

  /// Every group (`project_id` empty) or one project's, in creation order.
  std::vector<storage::server_group> list(const std::string& project_id) const;
  std::optional<storage::server_group> find(const std::string& uuid) const;
  /// Stores `g` with a uuid and its creation time, unless its project has
  /// `project_limit` groups or its user `user_limit` (-1: none): 403.
  outcome<storage::server_group> create(storage::server_group g, std::int64_t project_limit,
                                        std::int64_t user_limit);
  /// 404 for a group that is not.
  outcome<done> erase(const std::string& uuid);
  /// `servers` join group `uuid` unless `user_id` would then own more than
  /// `limit` of its members (the server_group_members quota; -1: none):
  /// 403 "Quota exceeded, too many servers in group". Members that are gone
  /// (owner_of says nullopt) are dropped on the way. Answers the group as
  /// it was before they joined.
  outcome<storage::server_group> join(const std::string& uuid,
                                      const std::vector<std::string>& servers,
                                      const std::string& user_id, std::int64_t limit,
                                      const member_owner& owner_of);
  /// Takes servers out again (a boot refused after they joined).
  void leave(const std::string& uuid, const std::vector<std::string>& servers);
  /// The group server `instance` is in, or "".
  std::string group_of(const std::string& instance) const;

private:
  outcome<done> save(const storage::server_group& g);

  std::shared_ptr<storage::store> store_;
  mutable std::mutex mutex_;
  std::map<std::string, storage::server_group> by_uuid_;
  std::unordered_map<std::string, std::string> group_of_; // member uuid -> group uuid
};

std::string server_group_not_found(const std::string& uuid);

} // namespace nimbus::compute
