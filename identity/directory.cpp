#include "identity/directory.h"

#include <algorithm>

#include "storage/ids.h"
#include "storage/keys.h"
#include "storage/record_io.h"

namespace nimbus::identity {

using storage::key_space;

struct directory::records {
  std::map<std::string, storage::domain> domains;
  std::map<std::string, storage::project> projects;
  std::map<std::string, storage::user> users;
  std::map<std::string, storage::role> roles;
  std::map<std::string, storage::role_assignment> assignments; // by keys::assignment()
  std::map<std::string, storage::application_credential> credentials;
  std::map<std::string, storage::revocation> revocations; // by keys::revocation()
};

namespace {

std::string key_of(const storage::role_assignment& a) {
  return storage::keys::assignment(a.user_id, a.project_id, a.domain_id, a.role_id);
}

std::string key_of(const storage::revocation& r) {
  return storage::keys::revocation(r.issued_before_us, r.audit_id + "/" + r.user_id + "/"
                                                         + r.project_id + "/" + r.app_cred_id + "/"
                                                         + r.domain_id);
}

template <class Map, class Pred>
std::optional<typename Map::mapped_type> find_if_value(const Map& m, Pred pred) {
  for (auto& [id, v] : m)
    if (pred(v))
      return v;
  return std::nullopt;
}

template <class Map>
std::optional<typename Map::mapped_type> find_value(const Map& m, const std::string& id) {
  auto it = m.find(id);
  if (it == m.end())
    return std::nullopt;
  return it->second;
}

template <class Map>
std::vector<typename Map::mapped_type> values(const Map& m) {
  std::vector<typename Map::mapped_type> out;
  out.reserve(m.size());
  for (auto& [id, v] : m)
    out.push_back(v);
  return out;
}

// Erases, from `r` and in `batch`, the assignments `pred` picks.
template <class Pred>
void erase_assignments(directory::records& r, storage::write_batch& batch, Pred pred) {
  for (auto it = r.assignments.begin(); it != r.assignments.end();)
    if (pred(it->second)) {
      batch.erase(key_space::role_assignments, it->first);
      it = r.assignments.erase(it);
    } else {
      ++it;
    }
}

void erase_user_in(directory::records& r, storage::write_batch& batch, const std::string& id) {
  erase_assignments(r, batch, [&](auto& a) { return a.user_id == id; });
  for (auto it = r.credentials.begin(); it != r.credentials.end();)
    if (it->second.user_id == id) {
      batch.erase(key_space::app_credentials, it->first);
      it = r.credentials.erase(it);
    } else {
      ++it;
    }
  r.users.erase(id);
  batch.erase(key_space::users, storage::keys::identity(id));
}

void erase_project_in(directory::records& r, storage::write_batch& batch, const std::string& id) {
  erase_assignments(r, batch, [&](auto& a) { return a.project_id == id; });
  r.projects.erase(id);
  batch.erase(key_space::projects, storage::keys::identity(id));
}

} // namespace

std::string new_id() {
  auto id = storage::random_uuid();
  id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
  return id;
}

directory::directory(std::shared_ptr<storage::store> store) : store_(std::move(store)) {
  auto r = std::make_shared<records>();
  const auto& s = *store_;
  for (auto& d : storage::read_all<storage::domain>(s, key_space::domains))
    r->domains[d.id] = d;
  for (auto& p : storage::read_all<storage::project>(s, key_space::projects))
    r->projects[p.id] = p;
  for (auto& u : storage::read_all<storage::user>(s, key_space::users))
    r->users[u.id] = u;
  for (auto& x : storage::read_all<storage::role>(s, key_space::roles))
    r->roles[x.id] = x;
  for (auto& a : storage::read_all<storage::role_assignment>(s, key_space::role_assignments))
    r->assignments[key_of(a)] = a;
  for (auto& c : storage::read_all<storage::application_credential>(s, key_space::app_credentials))
    r->credentials[c.id] = c;
  for (auto& v : storage::read_all<storage::revocation>(s, key_space::revocations))
    r->revocations[key_of(v)] = v;
  records_ = std::move(r);
}

std::shared_ptr<const directory::records> directory::now() const {
  std::shared_lock lock(mutex_);
  return records_;
}

change directory::write(const std::function<change(records&, storage::write_batch&)>& edit) {
  std::lock_guard writing(write_mutex_);
  auto next = std::make_shared<records>(*now());
  storage::write_batch batch;
  auto result = edit(*next, batch);
  if (result != change::done)
    return result;
  if (store_->write(std::move(batch)))
    return change::failed;
  std::unique_lock lock(mutex_);
  records_ = std::move(next);
  return change::done;
}

std::optional<storage::domain> directory::domain(const std::string& id) const {
  return find_value(now()->domains, id);
}
std::optional<storage::domain> directory::domain_named(const std::string& name) const {
  return find_if_value(now()->domains, [&](auto& d) { return d.name == name; });
}
std::vector<storage::domain> directory::domains() const { return values(now()->domains); }
std::optional<storage::project> directory::project(const std::string& id) const {
  return find_value(now()->projects, id);
}
std::optional<storage::project> directory::project_named(const std::string& name,
                                                         const std::string& domain_id) const {
  return find_if_value(now()->projects,
                       [&](auto& p) { return p.name == name && p.domain_id == domain_id; });
}
std::vector<storage::project> directory::projects() const { return values(now()->projects); }
std::optional<storage::user> directory::user(const std::string& id) const {
  return find_value(now()->users, id);
}
std::optional<storage::user> directory::user_named(const std::string& name,
                                                   const std::string& domain_id) const {
  return find_if_value(now()->users,
                       [&](auto& u) { return u.name == name && u.domain_id == domain_id; });
}
std::vector<storage::user> directory::users() const { return values(now()->users); }
std::optional<storage::role> directory::role(const std::string& id) const {
  return find_value(now()->roles, id);
}
std::optional<storage::role> directory::role_named(const std::string& name) const {
  return find_if_value(now()->roles, [&](auto& r) { return r.name == name; });
}
std::vector<storage::role> directory::roles() const { return values(now()->roles); }
std::vector<storage::role_assignment> directory::assignments() const {
  return values(now()->assignments);
}

std::vector<std::string> directory::role_ids_on(const std::string& user_id,
                                                const std::string& project_id,
                                                const std::string& domain_id) const {
  auto r = now();
  auto prefix = storage::keys::assignment(user_id, project_id, domain_id, "");
  std::vector<std::string> out;
  for (auto it = r->assignments.lower_bound(prefix);
       it != r->assignments.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    out.push_back(it->second.role_id);
  return out;
}

std::optional<storage::application_credential>
directory::application_credential(const std::string& id) const {
  return find_value(now()->credentials, id);
}
std::vector<storage::application_credential>
directory::application_credentials(const std::string& user_id) const {
  std::vector<storage::application_credential> out;
  for (auto& [id, c] : now()->credentials)
    if (c.user_id == user_id)
      out.push_back(c);
  return out;
}
std::vector<storage::revocation> directory::revocations() const {
  return values(now()->revocations);
}

change directory::put(const storage::domain& d) {
  return write([&](records& r, storage::write_batch& batch) {
    for (auto& [id, other] : r.domains)
      if (other.name == d.name && id != d.id)
        return change::conflict;
    r.domains[d.id] = d;
    storage::stage(batch, key_space::domains, storage::keys::identity(d.id), d);
    return change::done;
  });
}

change directory::put(const storage::project& p) {
  return write([&](records& r, storage::write_batch& batch) {
    if (!r.domains.count(p.domain_id))
      return change::not_found;
    for (auto& [id, other] : r.projects)
      if (other.name == p.name && other.domain_id == p.domain_id && id != p.id)
        return change::conflict;
    r.projects[p.id] = p;
    storage::stage(batch, key_space::projects, storage::keys::identity(p.id), p);
    return change::done;
  });
}

change directory::put(const storage::user& u) {
  return write([&](records& r, storage::write_batch& batch) {
    if (!r.domains.count(u.domain_id))
      return change::not_found;
    for (auto& [id, other] : r.users)
      if (other.name == u.name && other.domain_id == u.domain_id && id != u.id)
        return change::conflict;
    r.users[u.id] = u;
    storage::stage(batch, key_space::users, storage::keys::identity(u.id), u);
    return change::done;
  });
}

change directory::put(const storage::role& x) {
  return write([&](records& r, storage::write_batch& batch) {
    for (auto& [id, other] : r.roles)
      if (other.name == x.name && id != x.id)
        return change::conflict;
    r.roles[x.id] = x;
    storage::stage(batch, key_space::roles, storage::keys::identity(x.id), x);
    return change::done;
  });
}

change directory::put(const storage::application_credential& c) {
  return write([&](records& r, storage::write_batch& batch) {
    if (!r.users.count(c.user_id))
      return change::not_found;
    for (auto& [id, other] : r.credentials)
      if (other.name == c.name && other.user_id == c.user_id && id != c.id)
        return change::conflict;
    r.credentials[c.id] = c;
    storage::stage(batch, key_space::app_credentials, storage::keys::identity(c.id), c);
    return change::done;
  });
}

change directory::grant(const storage::role_assignment& a) {
  return write([&](records& r, storage::write_batch& batch) {
    bool scope_exists =
      a.project_id.empty() ? r.domains.count(a.domain_id) > 0 : r.projects.count(a.project_id) > 0;
    if (!r.users.count(a.user_id) || !r.roles.count(a.role_id) || !scope_exists)
      return change::not_found;
    auto key = key_of(a);
    r.assignments[key] = a;
    storage::stage(batch, key_space::role_assignments, key, a);
    return change::done;
  });
}

change directory::revoke(const storage::role_assignment& a) {
  return write([&](records& r, storage::write_batch& batch) {
    auto key = key_of(a);
    if (!r.assignments.erase(key))
      return change::not_found;
    batch.erase(key_space::role_assignments, key);
    return change::done;
  });
}

change directory::add(const storage::revocation& v) {
  return write([&](records& r, storage::write_batch& batch) {
    auto key = key_of(v);
    r.revocations[key] = v;
    storage::stage(batch, key_space::revocations, key, v);
    return change::done;
  });
}

change directory::forget_revocations_before(std::int64_t us) {
  return write([&](records& r, storage::write_batch& batch) {
    for (auto it = r.revocations.begin();
         it != r.revocations.end() && it->second.issued_before_us < us;) {
      batch.erase(key_space::revocations, it->first);
      it = r.revocations.erase(it);
    }
    return change::done;
  });
}

change directory::erase_domain(const std::string& id) {
  return write([&](records& r, storage::write_batch& batch) {
    if (!r.domains.erase(id))
      return change::not_found;
    batch.erase(key_space::domains, storage::keys::identity(id));
    erase_assignments(r, batch, [&](auto& a) { return a.domain_id == id; });
    std::vector<std::string> users, projects;
    for (auto& [uid, u] : r.users)
      if (u.domain_id == id)
        users.push_back(uid);
    for (auto& [pid, p] : r.projects)
      if (p.domain_id == id)
        projects.push_back(pid);
    for (auto& uid : users)
      erase_user_in(r, batch, uid);
    for (auto& pid : projects)
      erase_project_in(r, batch, pid);
    return change::done;
  });
}

change directory::erase_project(const std::string& id) {
  return write([&](records& r, storage::write_batch& batch) {
    if (!r.projects.count(id))
      return change::not_found;
    erase_project_in(r, batch, id);
    return change::done;
  });
}

change directory::erase_user(const std::string& id) {
  return write([&](records& r, storage::write_batch& batch) {
    if (!r.users.count(id))
      return change::not_found;
    erase_user_in(r, batch, id);
    return change::done;
  });
}

change directory::erase_role(const std::string& id) {
  return write([&](records& r, storage::write_batch& batch) {
    if (!r.roles.erase(id))
      return change::not_found;
    batch.erase(key_space::roles, storage::keys::identity(id));
    erase_assignments(r, batch, [&](auto& a) { return a.role_id == id; });
    return change::done;
  });
}

change directory::erase_application_credential(const std::string& id) {
  return write([&](records& r, storage::write_batch& batch) {
    if (!r.credentials.erase(id))
      return change::not_found;
    batch.erase(key_space::app_credentials, storage::keys::identity(id));
    return change::done;
  });
}

} // namespace nimbus::identity
