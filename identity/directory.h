#pragma once
// The identity records (domains, projects, users, roles, role assignments,
// application credentials, token revocations) in the API cell's store, and
// served from memory: a login reads no store. The one writer of their key
// spaces (the API cell owns the others).
//
// Contract:
// - Thread-safe. Reads see every write whose call has returned.
// - Writes are durable when they return `done` (they block for the fsync:
//   admin calls, rare, on the identity listener's threads). Uniqueness is
//   checked and the write made under one lock, so two creates of one name
//   cannot both succeed: domain names, role names, project and user names
//   within a domain, application credential names within a user.
// - Erasing a record erases what hangs on it: a user's assignments and
//   application credentials, a project's or role's assignments, a domain's
//   projects and users (with theirs).
// - Names compare as given (Keystone's default collation is case-insensitive
//   on MySQL; here they are exact).
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "storage/records.h"
#include "storage/store.h"

namespace nimbus::identity {

/// A new id as Keystone makes them: 32 lowercase hex characters.
std::string new_id();

enum class change {
  done,
  conflict,  // a name (or an id) is taken
  not_found, // what it names, or hangs on, does not exist
  failed,    // the store refused the write
};

class directory {
public:
  /// Loads every identity record of `store`.
  explicit directory(std::shared_ptr<storage::store> store);

  std::optional<storage::domain> domain(const std::string& id) const;
  std::optional<storage::domain> domain_named(const std::string& name) const;
  std::vector<storage::domain> domains() const;
  std::optional<storage::project> project(const std::string& id) const;
  std::optional<storage::project> project_named(const std::string& name,
                                                const std::string& domain_id) const;
  std::vector<storage::project> projects() const;
  std::optional<storage::user> user(const std::string& id) const;
  std::optional<storage::user> user_named(const std::string& name,
                                          const std::string& domain_id) const;
  std::vector<storage::user> users() const;
  std::optional<storage::role> role(const std::string& id) const;
  std::optional<storage::role> role_named(const std::string& name) const;
  std::vector<storage::role> roles() const;
  std::vector<storage::role_assignment> assignments() const;
  /// The roles `user_id` holds directly on the project (or, with an empty
  /// project_id, on `domain_id`), by id.
  std::vector<std::string> role_ids_on(const std::string& user_id, const std::string& project_id,
                                       const std::string& domain_id) const;
  std::optional<storage::application_credential>
  application_credential(const std::string& id) const;
  std::vector<storage::application_credential>
  application_credentials(const std::string& user_id) const;
  std::vector<storage::revocation> revocations() const;

  /// Create or replace, by id (create: the id is new; the caller says which).
  change put(const storage::domain& d);
  change put(const storage::project& p);
  change put(const storage::user& u);
  change put(const storage::role& r);
  change put(const storage::application_credential& c);
  /// Grants are idempotent: granting a held role is done.
  change grant(const storage::role_assignment& a);
  change revoke(const storage::role_assignment& a);
  change add(const storage::revocation& r);
  /// Drops revocations of tokens that have all expired (issued before `us`).
  change forget_revocations_before(std::int64_t us);

  change erase_domain(const std::string& id);
  change erase_project(const std::string& id);
  change erase_user(const std::string& id);
  change erase_role(const std::string& id);
  change erase_application_credential(const std::string& id);

  struct records; // every record, by id (directory.cpp)

private:
  /// The records now: a snapshot no write changes.
  std::shared_ptr<const records> now() const;
  /// Under the write lock: `edit` changes a copy of the records and fills a
  /// batch; the copy replaces the records once the batch is durable.
  change write(const std::function<change(records&, storage::write_batch&)>& edit);

  std::shared_ptr<storage::store> store_;
  std::mutex write_mutex_;          // one write at a time
  mutable std::shared_mutex mutex_; // guards records_ (the pointer)
  std::shared_ptr<const records> records_;
};

} // namespace nimbus::identity
