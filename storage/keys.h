#pragma once
// Every key of every record, built in this one place.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace nimbus::storage::keys {

inline std::string instance(std::string_view uuid) { return std::string{uuid}; }
inline std::string mapping(std::string_view instance_uuid) { return std::string{instance_uuid}; }
inline std::string cell(std::string_view cell_uuid) { return std::string{cell_uuid}; }
inline std::string host(std::string_view host_name) { return std::string{host_name}; }
inline std::string flavor(std::string_view flavor_id) { return std::string{flavor_id}; }
inline std::string image(std::string_view image_id) { return std::string{image_id}; }

/// Instance actions sort by instance, then start time, then request id, so a
/// prefix scan on actions_of(uuid) yields one instance's actions oldest first.
inline std::string actions_of(std::string_view instance_uuid) {
  return std::string{instance_uuid} + '/';
}
inline std::string action(std::string_view instance_uuid, std::int64_t start_us,
                          std::string_view request_id) {
  char stamp[24];
  std::snprintf(stamp, sizeof stamp, "%020lld/", static_cast<long long>(start_us));
  return actions_of(instance_uuid) + stamp + std::string{request_id};
}

/// Migrations sort by instance, then id: migrations_of(uuid) is one
/// server's, oldest first.
inline std::string migrations_of(std::string_view instance_uuid) {
  return std::string{instance_uuid} + '/';
}
inline std::string migration(std::string_view instance_uuid, std::int64_t id) {
  char n[24];
  std::snprintf(n, sizeof n, "%020lld", static_cast<long long>(id));
  return migrations_of(instance_uuid) + n;
}

/// A deleted server's place in the purge queue: by deletion time, so the
/// ones due come first.
inline std::string purge(std::int64_t deleted_us, std::string_view instance_uuid) {
  char stamp[24];
  std::snprintf(stamp, sizeof stamp, "%020lld/", static_cast<long long>(deleted_us));
  return stamp + std::string{instance_uuid};
}

/// Key pairs sort by user, then name: keypairs_of(user) is one user's.
inline std::string keypairs_of(std::string_view user_id) { return std::string{user_id} + '/'; }
inline std::string keypair(std::string_view user_id, std::string_view name) {
  return keypairs_of(user_id) + std::string{name};
}

/// A private flavor's project: by flavor, then project.
inline std::string flavor_access(std::string_view flavor_id, std::string_view project_id) {
  return std::string{flavor_id} + '/' + std::string{project_id};
}

/// A quota limit: by scope (a class's, a project's, a user's within a
/// project), then resource, so one scope's limits sort together.
inline std::string quota_class_scope(std::string_view class_name) {
  return "c/" + std::string{class_name} + '/';
}
inline std::string quota_project_scope(std::string_view project_id) {
  return "p/" + std::string{project_id} + '/';
}
inline std::string quota_user_scope(std::string_view project_id, std::string_view user_id) {
  return "u/" + std::string{project_id} + '/' + std::string{user_id} + '/';
}
inline std::string quota_limit(std::string_view scope, std::string_view resource) {
  return std::string{scope} + std::string{resource};
}

/// Domains, projects, users, roles and application credentials: by id.
inline std::string identity(std::string_view id) { return std::string{id}; }
/// A role assignment: user, then scope, then role, so one user's sort together.
inline std::string assignment(std::string_view user_id, std::string_view project_id,
                              std::string_view domain_id, std::string_view role_id) {
  auto scope = project_id.empty() ? "d/" + std::string{domain_id} : "p/" + std::string{project_id};
  return std::string{user_id} + '/' + scope + '/' + std::string{role_id};
}
/// Revocations sort by the time before which they revoke.
inline std::string revocation(std::int64_t issued_before_us, std::string_view discriminator) {
  char stamp[24];
  std::snprintf(stamp, sizeof stamp, "%020lld/", static_cast<long long>(issued_before_us));
  return stamp + std::string{discriminator};
}

/// Aggregates by id, zero-padded so that they sort in creation order.
inline std::string aggregate(std::int32_t id) {
  char text[16];
  std::snprintf(text, sizeof text, "%010d", id);
  return text;
}

/// meta key space
constexpr std::string_view initialized = "initialized"; // first start of all-in-one done
constexpr std::string_view next_ids = "next_ids";       // counters for small integer ids
constexpr std::string_view next_migration_id = "next_migration_id"; // a cell's migration ids
constexpr std::string_view next_keypair_id = "next_keypair_id";     // the API cell's key pairs
constexpr std::string_view next_aggregate_id = "next_aggregate_id"; // the API cell's aggregates

} // namespace nimbus::storage::keys
