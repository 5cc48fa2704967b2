#include "identity/sign_in.h"

#include <algorithm>

#include "identity/implied_roles.h"
#include "identity/password_hash.h"
#include "storage/clock.h"

namespace nimbus::identity {
namespace {

// Keystone hides why a login failed: every 401 says this.
const std::string unauthorized = "The request you have made requires authentication.";

sign_in_result refuse(int status = 401, std::string message = unauthorized) {
  sign_in_result r;
  r.status = status;
  r.message = std::move(message);
  return r;
}

bool has(const std::vector<std::string>& xs, const std::string& x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

} // namespace

sign_in::sign_in(directory& dir, token_authority& tokens, lockout_options opts)
    : dir_(dir), tokens_(tokens), opts_(opts) {
  opts_.max_concurrent_hashes = std::max(1, opts_.max_concurrent_hashes);
}

template <class Check>
auto sign_in::bounded(Check check) -> decltype(check()) {
  {
    std::unique_lock lock(mutex_);
    slot_freed_.wait(lock, [&] { return hashing_ < opts_.max_concurrent_hashes; });
    ++hashing_;
  }
  struct release {
    sign_in& s;
    ~release() {
      std::lock_guard lock(s.mutex_);
      --s.hashing_;
      s.slot_freed_.notify_one();
    }
  } r{*this};
  return check();
}

std::string sign_in::hash(const std::string& secret) {
  return bounded([&] { return hash_password(secret); });
}

bool sign_in::verify(const std::string& stored, const std::string& secret) {
  return bounded([&] { return verify_password(stored, secret); });
}

change sign_in::set_password(storage::user user, const std::string& password) {
  user.password_hash = hash(password);
  user.password_changed_us = storage::now_us();
  auto result = dir_.put(user);
  if (result == change::done)
    tokens_.revoke_user(user.id);
  return result;
}

bool sign_in::check_password(const storage::user& u, const std::string& password) {
  return bounded([&] {
    // Checked in the slot, so guesses queued at once count against the
    // lock; a locked user is refused after a check's time all the same.
    if (locked(u.id)) {
      burn_verify_time(password);
      return false;
    }
    if (!verify_password(u.password_hash, password)) {
      count_failure(u.id);
      return false;
    }
    forgive(u.id);
    return true;
  });
}

bool sign_in::locked(const std::string& user_id) {
  if (opts_.failure_attempts <= 0)
    return false;
  std::lock_guard lock(mutex_);
  auto it = failures_.find(user_id);
  return it != failures_.end() && it->second.locked_until > std::chrono::steady_clock::now();
}

void sign_in::count_failure(const std::string& user_id) {
  if (opts_.failure_attempts <= 0)
    return;
  std::lock_guard lock(mutex_);
  auto& f = failures_[user_id];
  if (++f.count >= opts_.failure_attempts) {
    f.locked_until = std::chrono::steady_clock::now() + opts_.duration;
    f.count = 0;
  }
}

void sign_in::forgive(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  failures_.erase(user_id);
}

std::optional<storage::user> sign_in::find_user(const user_ref& ref) const {
  if (!ref.id.empty())
    return dir_.user(ref.id);
  auto domain_id = ref.domain_id;
  if (domain_id.empty()) {
    auto d = dir_.domain_named(ref.domain_name);
    if (!d)
      return std::nullopt;
    domain_id = d->id;
  }
  return dir_.user_named(ref.name, domain_id);
}

sign_in_result sign_in::authenticate(const auth_request& req) {
  if (req.methods.empty())
    return refuse(400, "Invalid input for field 'identity': 'methods' is a required property");
  token_payload p;
  std::int64_t expires = 0;
  sign_in_result r;
  // Before anything is read: a revocation while the secret is checked
  // (a password change, a disable) must revoke the token made here.
  auto began = storage::now_us() - 1;
  const auto& method = req.methods.front();
  if (method == "password")
    r = by_password(req, &p);
  else if (method == "token")
    r = by_token(req, &p, &expires);
  else if (method == "application_credential")
    r = by_app_credential(req, &p, &expires);
  else
    return refuse(401, "Attempted to authenticate with an unsupported method.");
  if (r.status != 201)
    return r;
  r.token = tokens_.issue(&p, expires, began);
  r.payload = std::move(p);
  return r;
}

sign_in_result sign_in::by_password(const auth_request& req, token_payload* p) {
  auto u = find_user(req.user);
  if (!u) {
    bounded([&] {
      burn_verify_time(req.password);
      return 0;
    });
    return refuse();
  }
  if (!check_password(*u, req.password))
    return refuse();
  if (!u->enabled)
    return refuse();
  if (auto d = dir_.domain(u->domain_id); !d || !d->enabled)
    return refuse();
  p->user_id = u->id;
  p->methods = {"password"};
  return scope(req, *u, p);
}

sign_in_result sign_in::by_token(const auth_request& req, token_payload* p, std::int64_t* expires) {
  auto old = tokens_.validate(req.token);
  if (!old) // Keystone's TokenNotFound; a token that no longer works is no secret
    return refuse(404, "Could not find token: " + req.token + ".");
  if (!old->app_cred_id.empty())
    return refuse(403, "You are not authorized to perform the requested action: a token made "
                       "from an application credential cannot be rescoped.");
  auto u = dir_.user(old->user_id);
  if (!u || !u->enabled)
    return refuse();
  p->user_id = u->id;
  p->methods = old->methods;
  if (!has(p->methods, "token"))
    p->methods.push_back("token");
  p->parent_audit_id = old->parent_audit_id.empty() ? old->audit_id : old->parent_audit_id;
  *expires = old->expires_us; // a rescoped token lives no longer than the one it came from
  if (req.wants == auth_request::scope::none
      && (!old->project_id.empty() || !old->domain_id.empty())) {
    // No scope asked: the same scope again.
    auth_request same = req;
    same.wants =
      old->project_id.empty() ? auth_request::scope::domain : auth_request::scope::project;
    same.project_id = old->project_id;
    same.domain_id = old->domain_id;
    return scope(same, *u, p);
  }
  return scope(req, *u, p);
}

sign_in_result sign_in::by_app_credential(const auth_request& req, token_payload* p,
                                          std::int64_t* expires) {
  std::optional<storage::application_credential> cred;
  if (!req.app_cred_id.empty()) {
    cred = dir_.application_credential(req.app_cred_id);
  } else if (auto u = find_user(req.user)) {
    for (auto& c : dir_.application_credentials(u->id))
      if (c.name == req.app_cred_name)
        cred = c;
  }
  if (!cred) {
    bounded([&] {
      burn_verify_time(req.app_cred_secret);
      return 0;
    });
    return refuse();
  }
  if (!verify(cred->secret_hash, req.app_cred_secret))
    return refuse();
  if (cred->expires_us != 0 && cred->expires_us <= storage::now_us())
    return refuse();
  if (req.wants != auth_request::scope::none)
    return refuse(401, unauthorized);
  auto u = dir_.user(cred->user_id);
  auto project = dir_.project(cred->project_id);
  if (!u || !u->enabled || !project || !project->enabled)
    return refuse();
  for (auto& domain_id : {u->domain_id, project->domain_id})
    if (auto d = dir_.domain(domain_id); !d || !d->enabled)
      return refuse();
  // The credential's roles that the user still holds on its project,
  // directly or implied.
  std::vector<std::string> held;
  for (auto& id : dir_.role_ids_on(u->id, project->id, ""))
    if (auto role = dir_.role(id))
      held.push_back(role->name);
  held = with_implied(std::move(held));
  std::vector<std::string> names;
  for (auto& id : cred->role_ids)
    if (auto role = dir_.role(id); role && has(held, role->name))
      names.push_back(role->name);
  if (names.empty())
    return refuse();
  p->user_id = u->id;
  p->project_id = project->id;
  p->methods = {"application_credential"};
  p->app_cred_id = cred->id;
  p->roles = with_implied(std::move(names));
  *expires = cred->expires_us;
  sign_in_result ok;
  return ok;
}

sign_in_result sign_in::scope(const auth_request& req, const storage::user& u, token_payload* p) {
  auto wants = req.wants;
  auto project_id = req.project_id;
  if (wants == auth_request::scope::none && !u.default_project_id.empty()) {
    // Keystone scopes to the default project when it could; else unscoped.
    auto home = dir_.project(u.default_project_id);
    auto home_domain = home ? dir_.domain(home->domain_id) : std::nullopt;
    if (home && home->enabled && home_domain && home_domain->enabled
        && !dir_.role_ids_on(u.id, home->id, "").empty()) {
      wants = auth_request::scope::project;
      project_id = home->id;
    }
  }
  std::vector<std::string> role_ids;
  if (wants == auth_request::scope::project) {
    std::optional<storage::project> project;
    if (!project_id.empty()) {
      project = dir_.project(project_id);
    } else {
      auto domain_id = req.project_domain_id;
      if (domain_id.empty())
        if (auto d = dir_.domain_named(req.project_domain_name))
          domain_id = d->id;
      project = dir_.project_named(req.project_name, domain_id);
    }
    if (!project || !project->enabled)
      return refuse();
    if (auto d = dir_.domain(project->domain_id); !d || !d->enabled)
      return refuse();
    role_ids = dir_.role_ids_on(u.id, project->id, "");
    p->project_id = project->id;
  } else if (wants == auth_request::scope::domain) {
    auto d =
      req.domain_id.empty() ? dir_.domain_named(req.domain_name) : dir_.domain(req.domain_id);
    if (!d || !d->enabled)
      return refuse();
    role_ids = dir_.role_ids_on(u.id, "", d->id);
    p->domain_id = d->id;
  } else {
    return {}; // unscoped: no roles
  }
  std::vector<std::string> names;
  for (auto& id : role_ids)
    if (auto role = dir_.role(id))
      names.push_back(role->name);
  if (names.empty())
    return refuse(); // no role there: no access
  p->roles = with_implied(std::move(names));
  return {};
}

} // namespace nimbus::identity
