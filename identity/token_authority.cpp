#include "identity/token_authority.h"

#include <sys/stat.h>

#include <mutex>

#include "storage/clock.h"

namespace nimbus::identity {
namespace {

std::int64_t mtime_ns(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return 0;
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

bool issued_before(const std::unordered_map<std::string, std::int64_t>& m, const std::string& key,
                   std::int64_t issued_us) {
  auto it = m.find(key);
  return it != m.end() && issued_us <= it->second;
}

} // namespace

std::unique_ptr<token_authority> token_authority::open(std::string key_dir, directory& dir,
                                                       std::chrono::seconds lifetime,
                                                       std::string* why) {
  auto stamp = mtime_ns(key_dir);
  auto keys = key_repository::open(key_dir, why);
  if (!keys)
    return nullptr;
  auto authority =
    std::make_unique<token_authority>(std::move(key_dir), dir, lifetime, std::move(*keys));
  authority->keys_mtime_ns_ = stamp;
  return authority;
}

token_authority::token_authority(std::string key_dir, directory& dir, std::chrono::seconds lifetime,
                                 key_repository keys)
    : key_dir_(std::move(key_dir)), dir_(dir), lifetime_(lifetime), keys_(std::move(keys)) {
  for (auto& r : dir_.revocations())
    index(r);
}

bool token_authority::reload_keys() const {
  auto stamp = mtime_ns(key_dir_);
  {
    std::shared_lock lock(mutex_);
    if (stamp == keys_mtime_ns_)
      return false;
  }
  std::string why;
  auto keys = key_repository::open(key_dir_, &why);
  if (!keys)
    return false; // a rotation under way, or damage: keep the keys we have
  std::unique_lock lock(mutex_);
  keys_ = std::move(*keys);
  keys_mtime_ns_ = stamp;
  return true;
}

std::string token_authority::issue(token_payload* payload, std::int64_t expires_no_later_than_us,
                                   std::int64_t issued_us) {
  reload_keys();
  auto now = issued_us != 0 ? issued_us : storage::now_us();
  payload->issued_us = now;
  payload->expires_us =
    now + std::chrono::duration_cast<std::chrono::microseconds>(lifetime_).count();
  if (expires_no_later_than_us != 0 && expires_no_later_than_us < payload->expires_us)
    payload->expires_us = expires_no_later_than_us;
  payload->audit_id = random_audit_id();
  std::shared_lock lock(mutex_);
  return seal(*payload, keys_);
}

std::optional<token_payload> token_authority::validate(std::string_view token,
                                                       token_problem* problem) const {
  token_problem ignored{};
  auto& why = problem ? *problem : ignored;
  reload_keys(); // a stat: a rotation holds from the next request on
  std::optional<token_payload> p;
  {
    std::shared_lock lock(mutex_);
    p = identity::open(token, keys_);
  }
  if (!p) {
    why = token_problem::malformed;
    return std::nullopt;
  }
  if (p->expires_us <= storage::now_us()) {
    why = token_problem::expired;
    return std::nullopt;
  }
  std::shared_lock lock(mutex_);
  if (revoked(*p)) {
    why = token_problem::revoked;
    return std::nullopt;
  }
  return p;
}

bool token_authority::revoked(const token_payload& p) const {
  if (revoked_audit_ids_.count(p.audit_id)
      || (!p.parent_audit_id.empty() && revoked_audit_ids_.count(p.parent_audit_id)))
    return true;
  return issued_before(user_before_, p.user_id, p.issued_us)
         || (!p.app_cred_id.empty() && issued_before(app_cred_before_, p.app_cred_id, p.issued_us))
         || (!p.domain_id.empty() && issued_before(domain_before_, p.domain_id, p.issued_us))
         || (!p.project_id.empty() && issued_before(project_before_, p.project_id, p.issued_us))
         || (!p.project_id.empty()
             && issued_before(pair_before_, p.user_id + "/" + p.project_id, p.issued_us));
}

void token_authority::index(const storage::revocation& r) {
  auto later = [&](std::unordered_map<std::string, std::int64_t>& m, const std::string& key) {
    auto& at = m[key];
    at = std::max(at, r.issued_before_us);
  };
  if (!r.audit_id.empty())
    revoked_audit_ids_.insert(r.audit_id);
  else if (!r.app_cred_id.empty())
    later(app_cred_before_, r.app_cred_id);
  else if (!r.domain_id.empty())
    later(domain_before_, r.domain_id);
  else if (!r.user_id.empty() && !r.project_id.empty())
    later(pair_before_, r.user_id + "/" + r.project_id);
  else if (!r.user_id.empty())
    later(user_before_, r.user_id);
  else if (!r.project_id.empty())
    later(project_before_, r.project_id);
}

bool token_authority::add(const storage::revocation& r) {
  if (dir_.add(r) != change::done)
    return false;
  std::unique_lock lock(mutex_);
  index(r);
  return true;
}

bool token_authority::revoke_token(const token_payload& p) {
  storage::revocation r;
  r.audit_id = p.audit_id;
  r.issued_before_us = p.expires_us; // kept while the token could be valid
  return add(r);
}

bool token_authority::revoke_user(const std::string& user_id) {
  storage::revocation r;
  r.user_id = user_id;
  r.issued_before_us = storage::now_us();
  return add(r);
}

bool token_authority::revoke_project(const std::string& project_id) {
  storage::revocation r;
  r.project_id = project_id;
  r.issued_before_us = storage::now_us();
  return add(r);
}

bool token_authority::revoke_application_credential(const std::string& app_cred_id) {
  storage::revocation r;
  r.app_cred_id = app_cred_id;
  r.issued_before_us = storage::now_us();
  return add(r);
}

bool token_authority::revoke_domain(const std::string& domain_id) {
  storage::revocation r;
  r.domain_id = domain_id;
  r.issued_before_us = storage::now_us();
  return add(r);
}

bool token_authority::revoke_user_on_project(const std::string& user_id,
                                             const std::string& project_id) {
  storage::revocation r;
  r.user_id = user_id;
  r.project_id = project_id;
  r.issued_before_us = storage::now_us();
  return add(r);
}

} // namespace nimbus::identity
