#pragma once
// Issues, validates and revokes tokens. A token carries its holder, scope,
// roles and expiry, sealed with the key repository (token_codec.h), so any
// process with the keys validates it alone: no store read. Revocations
// (one token, a user's, a project's, a user's on a project) are kept in
// the directory and indexed here in memory.
//
// Contract:
// - Thread-safe. validate() takes a shared lock and a hash lookup or four.
// - Keys rotated on disk (nimbus-manage token_rotate) hold from the next
//   issue() or validate() on: each stats the key directory (no read unless
//   it changed).
// - A revocation holds in this process as soon as revoke_*() returns, and
//   in every process that loads the directory after it.
// - Roles in a token are those held when it was issued: revoking a role
//   revokes that user's tokens on that project (as Keystone does), so no
//   token outlives a grant it relied on.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "identity/directory.h"
#include "identity/key_repository.h"
#include "identity/token_codec.h"

namespace nimbus::identity {

enum class token_problem {
  malformed, // no key of ours sealed it
  expired,
  revoked,
};

class token_authority {
public:
  /// Null (with *why) if the key repository does not open.
  static std::unique_ptr<token_authority> open(std::string key_dir, directory& dir,
                                               std::chrono::seconds lifetime, std::string* why);

  /// Seals `payload` with issued_us = `issued_us` (0: now), expires_us =
  /// issued + lifetime (or the given expiry when sooner and not 0) and a
  /// fresh audit id. A sign-in passes the time it began reading the
  /// directory: a revocation made while it checked the password then
  /// revokes the token it gets.
  std::string issue(token_payload* payload, std::int64_t expires_no_later_than_us = 0,
                    std::int64_t issued_us = 0);
  /// The payload of a token valid now, or why not.
  std::optional<token_payload> validate(std::string_view token,
                                        token_problem* problem = nullptr) const;

  bool revoke_token(const token_payload& p);
  bool revoke_user(const std::string& user_id);
  bool revoke_project(const std::string& project_id);
  bool revoke_user_on_project(const std::string& user_id, const std::string& project_id);
  bool revoke_application_credential(const std::string& app_cred_id);
  /// The tokens scoped to the domain (those of its projects and users go
  /// with revoke_project and revoke_user).
  bool revoke_domain(const std::string& domain_id);

  std::chrono::seconds lifetime() const { return lifetime_; }

  token_authority(std::string key_dir, directory& dir, std::chrono::seconds lifetime,
                  key_repository keys);

private:
  bool revoked(const token_payload& p) const;
  bool add(const storage::revocation& r);
  void index(const storage::revocation& r);
  /// Re-reads the key directory if it changed; true if the keys did.
  bool reload_keys() const;

  std::string key_dir_;
  directory& dir_;
  std::chrono::seconds lifetime_;
  mutable std::shared_mutex mutex_; // guards what follows
  mutable key_repository keys_;
  mutable std::int64_t keys_mtime_ns_ = 0;
  std::unordered_set<std::string> revoked_audit_ids_;
  // Tokens issued before the time are revoked.
  std::unordered_map<std::string, std::int64_t> user_before_, project_before_, pair_before_,
    app_cred_before_, domain_before_;
};

} // namespace nimbus::identity
