#pragma once
// The quota limits Nova keeps (its quotas, project_user_quotas and
// quota_classes tables), in the API cell's store (key space quota_limits)
// and in memory. A limit is -1 for unlimited. Resolution, as Nova's
// DbQuotaDriver: a user's row, else its project's row, else the `default`
// class's row, else the [quota] option. Thread-safe; a write is durable when
// its call returns. CAF-free.
//
// What is in use is not here: the API cell counts servers
// (cells/quota_usage.h), the key pair book key pairs.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "compute/outcome.h"
#include "storage/disk_tiers.h"
#include "storage/store.h"

namespace nimbus::compute {

/// Every quota resource, sorted (Nova's QUOTAS.resources).
const std::vector<std::string>& quota_resources();
/// Nimbus's own: the root disks of each storage tier, in GiB
/// (disk_gb_hdd, disk_gb_pcie_ssd, disk_gb_ssd; docs/STORAGE_TIERS.md),
/// sorted. Unlimited (-1) unless configured; shown only to requests with a
/// Nimbus-Extensions header.
const std::vector<std::string>& tier_quota_resources();
/// The quota resource of tier `t`'s root disks.
std::string disk_quota_name(storage::disk_tier t);
/// The [quota] options' defaults (Nova's): instances 10, cores 20, ram
/// 51200, metadata_items 128, ..., the network ones -1; the tier ones -1.
std::map<std::string, std::int64_t> nova_quota_defaults();

using quota_values = std::map<std::string, std::int64_t>; // resource -> limit

class quota_book {
public:
  /// Reads every stored limit; `configured` are the [quota] options
  /// (resources missing from it take Nova's defaults).
  quota_book(std::shared_ptr<storage::store> store, const quota_values& configured);

  /// The [quota] option of `resource`.
  std::int64_t configured(const std::string& resource) const;
  /// What a project without a row of its own gets: the `default` class's.
  std::int64_t default_limit(const std::string& resource) const;
  /// A quota class's limit: its row, else the [quota] option (as Nova:
  /// not the `default` class's row).
  std::int64_t class_limit(const std::string& class_name, const std::string& resource) const;
  std::int64_t project_limit(const std::string& project_id, const std::string& resource) const;
  std::int64_t user_limit(const std::string& project_id, const std::string& user_id,
                          const std::string& resource) const;
  /// The user's own row, if it has one.
  std::optional<std::int64_t> user_row(const std::string& project_id, const std::string& user_id,
                                       const std::string& resource) const;
  /// Whether the user has a row for any of `resources` (Nova then checks its
  /// usage against its limits, not only its project's).
  bool has_user_rows(const std::string& project_id, const std::string& user_id,
                     const std::vector<std::string>& resources) const;
  /// The sum of the project's users' rows of `resource` (-1 if one is -1).
  std::int64_t user_rows_sum(const std::string& project_id, const std::string& resource) const;

  outcome<done> set_project(const std::string& project_id, const quota_values& limits);
  outcome<done> set_user(const std::string& project_id, const std::string& user_id,
                         const quota_values& limits);
  outcome<done> set_class(const std::string& class_name, const quota_values& limits);
  /// Drops a project's rows and its users' (they get the defaults again).
  outcome<done> erase_project(const std::string& project_id);
  outcome<done> erase_user(const std::string& project_id, const std::string& user_id);

private:
  outcome<done> set_scope(const std::string& scope, const quota_values& limits);
  outcome<done> erase_scopes(const std::string& prefix);
  std::optional<std::int64_t> row(const std::string& scope, const std::string& resource) const;

  std::shared_ptr<storage::store> store_;
  quota_values configured_;
  mutable std::mutex mutex_;
  std::map<std::string, quota_values> by_scope_; // keys::quota_*_scope() -> its rows
};

} // namespace nimbus::compute
