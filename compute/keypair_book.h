#pragma once
// The key pairs of every user, in the API cell's store and in memory (a
// cloud's key pairs are few: at most the key_pairs quota per user).
// Thread-safe; writes are durable when a call returns. CAF-free.
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

class keypair_book {
public:
  /// Reads every key pair of `store`.
  explicit keypair_book(std::shared_ptr<storage::store> store);

  /// One user's key pairs, by name.
  std::vector<storage::keypair> of_user(const std::string& user_id) const;
  std::optional<storage::keypair> find(const std::string& user_id, const std::string& name) const;
  /// Stores `k` with an id and its creation time; 403 when the user has
  /// `limit` key pairs already (-1: no limit; the key_pairs quota), 409 when
  /// it has one of that name.
  outcome<storage::keypair> add(storage::keypair k, std::int64_t limit = -1);
  /// 404 when the user has no such key pair.
  outcome<done> erase(const std::string& user_id, const std::string& name);

private:
  std::shared_ptr<storage::store> store_;
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, storage::keypair>> by_user_; // then by name
  std::int64_t next_id_ = 1;
};

/// Nova's 404 for a key pair a user does not have.
std::string keypair_not_found(const std::string& name, const std::string& user_id);

} // namespace nimbus::compute
