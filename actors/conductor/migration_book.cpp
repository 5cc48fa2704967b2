#include "actors/conductor/migration_book.h"

#include "storage/keys.h"
#include "storage/record_io.h"

namespace nimbus::conductor {

using storage::key_space;
using storage::migration_status;
namespace keys = storage::keys;

namespace {

void stage_migration(storage::write_batch& b, const storage::migration& m) {
  storage::stage(b, key_space::migrations, keys::migration(m.instance_uuid, m.id), m);
}

// Where a move a restart cut short stands now (unchanged if it was at rest).
migration_status after_restart(migration_status s) {
  switch (s) {
  case migration_status::confirming:
  case migration_status::reverting:
    return migration_status::finished;
  case migration_status::finished:
    return s;
  default:
    return storage::in_progress(s) ? migration_status::error : s;
  }
}

bool awaits_source_cleanup(const storage::migration& m) {
  return m.migration_type == storage::migration_type::evacuation
         && m.status == migration_status::done;
}

} // namespace

void migration_book::load(const storage::store& s, storage::write_batch& fixes) {
  std::string counter;
  if (!s.get(key_space::meta, keys::next_migration_id, &counter))
    next_id_ = std::stoll(counter);
  for (auto& m : read_migrations(s, {})) {
    auto settled = after_restart(m.status);
    if (settled != m.status) {
      m.status = settled;
      stage_migration(fixes, m);
    }
    if (storage::in_progress(m.status))
      open_[m.instance_uuid] = m;
    if (awaits_source_cleanup(m))
      evacuated_[m.uuid] = m;
    if (m.id >= next_id_)
      next_id_ = m.id + 1;
  }
}

const storage::migration* migration_book::open_of(const std::string& instance_uuid) const {
  auto it = open_.find(instance_uuid);
  return it == open_.end() ? nullptr : &it->second;
}

std::vector<storage::migration> migration_book::open() const {
  std::vector<storage::migration> out;
  out.reserve(open_.size());
  for (auto& [uuid, m] : open_)
    out.push_back(m);
  return out;
}

std::int64_t migration_book::next_id(storage::write_batch& b) {
  auto id = next_id_++;
  b.put(key_space::meta, std::string{keys::next_migration_id}, std::to_string(next_id_));
  return id;
}

void migration_book::save(const storage::migration& m, storage::write_batch& b) {
  stage_migration(b, m);
  if (storage::in_progress(m.status))
    open_[m.instance_uuid] = m;
  else if (auto it = open_.find(m.instance_uuid); it != open_.end() && it->second.uuid == m.uuid)
    open_.erase(it);
  if (awaits_source_cleanup(m))
    evacuated_[m.uuid] = m;
  else
    evacuated_.erase(m.uuid);
}

std::vector<storage::migration> migration_book::evacuated_from(const std::string& host) const {
  std::vector<storage::migration> out;
  for (auto& [uuid, m] : evacuated_)
    if (m.source_compute == host)
      out.push_back(m);
  return out;
}

std::optional<storage::migration> migration_book::forget(const std::string& instance_uuid,
                                                         const storage::store& s,
                                                         storage::write_batch& b) {
  s.scan(key_space::migrations, keys::migrations_of(instance_uuid),
         [&](std::string_view key, std::string_view) {
           b.erase(key_space::migrations, std::string{key});
           return true;
         });
  for (auto e = evacuated_.begin(); e != evacuated_.end();)
    e = e->second.instance_uuid == instance_uuid ? evacuated_.erase(e) : std::next(e);
  auto it = open_.find(instance_uuid);
  if (it == open_.end())
    return std::nullopt;
  auto m = it->second;
  open_.erase(it);
  return m;
}

std::vector<storage::migration> read_migrations(const storage::store& s,
                                                const std::string& instance_uuid) {
  return storage::read_all<storage::migration>(
    s, key_space::migrations, instance_uuid.empty() ? "" : keys::migrations_of(instance_uuid));
}

} // namespace nimbus::conductor
