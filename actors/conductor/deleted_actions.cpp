#include "actors/conductor/deleted_actions.h"

#include <vector>

#include "storage/keys.h"

namespace nimbus::conductor {

using storage::key_space;
namespace keys = storage::keys;

void queue_actions_for_purge(const std::string& uuid, std::int64_t deleted_us,
                             storage::write_batch& b) {
  b.put(key_space::purge_queue, keys::purge(deleted_us, uuid), "");
}

void erase_actions(const storage::store& s, const std::string& uuid, storage::write_batch& b) {
  s.scan(key_space::instance_actions, keys::actions_of(uuid),
         [&](std::string_view key, std::string_view) {
           b.erase(key_space::instance_actions, std::string{key});
           return true;
         });
}

std::size_t purge_due(const storage::store& s, std::int64_t cutoff_us, std::size_t limit,
                      storage::write_batch& b) {
  // Queue keys sort by deletion time: the first one not yet due ends the walk.
  auto first_not_due = keys::purge(cutoff_us, "");
  std::vector<std::string> due;
  s.scan(key_space::purge_queue, "", [&](std::string_view key, std::string_view) {
    if (due.size() >= limit || key >= first_not_due)
      return false;
    due.emplace_back(key);
    return true;
  });
  for (auto& key : due) {
    erase_actions(s, key.substr(key.find('/') + 1), b);
    b.erase(key_space::purge_queue, key);
  }
  return due.size();
}

} // namespace nimbus::conductor
