#pragma once
// The host aggregates (Nova's aggregates API and its availability-zone
// rules), in the API cell's store and in memory: a cloud has few. An
// aggregate's availability zone is its metadata key `availability_zone`;
// a host is in at most one zone (the rule every change here keeps), and
// one in no zone's aggregate is in the default zone, `nova`.
// Thread-safe; a write is durable when its call returns. CAF-free.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "compute/outcome.h"
#include "storage/records.h"
#include "storage/store.h"

namespace nimbus::compute {

/// Nova's default availability zone (of hosts in no zone's aggregate).
inline const std::string default_zone = "nova";

/// Metadata changes: a value sets a key, nullopt deletes it.
using metadata_change = std::map<std::string, std::optional<std::string>>;

class aggregate_book {
public:
  explicit aggregate_book(std::shared_ptr<storage::store> store);

  std::vector<storage::aggregate> all() const; // by id
  std::optional<storage::aggregate> find(std::int32_t id) const;

  /// 409 when the name is taken. An empty zone: none.
  outcome<storage::aggregate> create(const std::string& name, const std::string& zone);
  /// Renames it and/or moves it to another zone (400 when its hosts are in
  /// another zone's aggregate too, or for an empty zone), 404, 409 (name).
  outcome<storage::aggregate> update(std::int32_t id, const std::optional<std::string>& name,
                                     const std::optional<std::string>& zone);
  /// 400 while it has hosts, 404.
  outcome<done> erase(std::int32_t id);
  /// 409 when the host is in it, or in an aggregate of another zone; 404.
  outcome<storage::aggregate> add_host(std::int32_t id, const std::string& host);
  /// 404 (Nova's one message) when the aggregate or the host in it is not.
  outcome<storage::aggregate> remove_host(std::int32_t id, const std::string& host);
  /// Merges `change` into the metadata (the zone's rules as update's), 404.
  outcome<storage::aggregate> set_metadata(std::int32_t id, const metadata_change& change);

  /// The zone of `host`: its zone aggregate's, else the default zone.
  std::string zone_of(const std::string& host) const;
  /// Every host in a zone's aggregate, with its zone.
  std::map<std::string, std::string> zoned_hosts() const;

private:
  /// Why `zone` may not be the zone of aggregate `a` holding `hosts`, or "".
  std::string zone_conflict(const storage::aggregate& a, const std::optional<std::string>& zone,
                            const std::vector<std::string>& hosts) const;
  outcome<storage::aggregate> save(storage::aggregate a, bool new_id);
  /// By id, or null; and whether an aggregate has `name` (the caller locks).
  const storage::aggregate* locked_find(std::int32_t id) const;
  bool name_taken(const std::string& name) const;

  std::shared_ptr<storage::store> store_;
  mutable std::mutex mutex_;
  std::map<std::int32_t, storage::aggregate> by_id_;
  std::int32_t next_id_ = 1;
};

/// Nova's 404 for an aggregate id.
std::string aggregate_not_found(const std::string& id);

} // namespace nimbus::compute
