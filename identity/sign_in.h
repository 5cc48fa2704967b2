#pragma once
// POST /v3/auth/tokens without HTTP: who proves what (password, an earlier
// token, an application credential) and which scope is asked for, checked
// against the directory, answered with a token or with why not.
//
// Contract:
// - Thread-safe. Blocks for a password check (Argon2id, tens of ms), at most
//   `max_concurrent_hashes` at once; the others wait their turn.
// - Every failure a client could use to learn whether a user exists takes a
//   password check's time and answers the same 401 message.
// - After `lockout_failure_attempts` wrong passwords in a row a user is
//   locked for `lockout_duration`; a right password within it is refused
//   too. Counts are kept in memory (a restart forgives).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "identity/directory.h"
#include "identity/token_authority.h"

namespace nimbus::identity {

/// A user named by id, or by name within a domain named by id or name.
struct user_ref {
  std::string id;
  std::string name;
  std::string domain_id;
  std::string domain_name;
};

struct auth_request {
  std::vector<std::string> methods;
  user_ref user;        // password; application_credential by name
  std::string password; // password
  std::string token;    // token
  std::string app_cred_id, app_cred_name, app_cred_secret;
  enum class scope { none, project, domain } wants = scope::none;
  /// Project by id, or by name within a domain by id or name.
  std::string project_id, project_name, project_domain_id, project_domain_name;
  /// Domain by id or name.
  std::string domain_id, domain_name;
  /// "nocatalog" was asked: the token body leaves the catalog out.
  bool no_catalog = false;
};

struct sign_in_result {
  int status = 201; // 201, or Keystone's 400 / 401 / 403 / 404
  std::string message;
  std::string token;
  token_payload payload;
};

struct lockout_options {
  int failure_attempts = 5;           // [security_compliance] lockout_failure_attempts
  std::chrono::seconds duration{300}; // [security_compliance] lockout_duration
  int max_concurrent_hashes = 2;      // [identity] max_concurrent_password_checks
};

class sign_in {
public:
  sign_in(directory& dir, token_authority& tokens, lockout_options opts);
  sign_in_result authenticate(const auth_request& req);

  /// Sets `user`'s password (hashed here, with the same bound on hashes at
  /// once) and revokes the user's tokens.
  change set_password(storage::user user, const std::string& password);
  /// A slow hash of a secret (passwords, application credential secrets).
  std::string hash(const std::string& secret);
  /// Whether `secret` matches `stored`, bounded like a login.
  bool verify(const std::string& stored, const std::string& secret);
  /// Whether `password` is `u`'s, under the lockout: a wrong one counts, a
  /// locked user is refused (after a check's time, as any failure).
  bool check_password(const storage::user& u, const std::string& password);

private:
  std::optional<storage::user> find_user(const user_ref& ref) const;
  sign_in_result by_password(const auth_request& req, token_payload* p);
  sign_in_result by_token(const auth_request& req, token_payload* p, std::int64_t* expires);
  sign_in_result by_app_credential(const auth_request& req, token_payload* p,
                                   std::int64_t* expires);
  sign_in_result scope(const auth_request& req, const storage::user& u, token_payload* p);
  /// Runs `check` once a hashing slot is free.
  template <class Check>
  auto bounded(Check check) -> decltype(check());
  bool locked(const std::string& user_id);
  void count_failure(const std::string& user_id);
  void forgive(const std::string& user_id);

  directory& dir_;
  token_authority& tokens_;
  lockout_options opts_;
  std::mutex mutex_; // guards what follows
  std::condition_variable slot_freed_;
  int hashing_ = 0;
  struct failures {
    int count = 0;
    std::chrono::steady_clock::time_point locked_until{};
  };
  std::map<std::string, failures> failures_; // by user id
};

} // namespace nimbus::identity
