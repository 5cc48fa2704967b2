#include "storage/instance_states.h"

#include <array>

namespace nimbus::storage {
namespace {

// One table per enum, in enum order: the name of each value, and the reverse
// lookup by a scan (a handful of entries; records are decoded at load only).
constexpr std::array<std::string_view, 12> vm_state_names{
  "building", "active",  "stopped",           "error",       "unknown", "paused", "suspended",
  "rescued",  "shelved", "shelved_offloaded", "soft-delete", "resized"};
constexpr std::array<std::string_view, 33> task_state_names{"",
                                                            "scheduling",
                                                            "spawning",
                                                            "powering-off",
                                                            "powering-on",
                                                            "rebooting",
                                                            "rebooting_hard",
                                                            "deleting",
                                                            "pausing",
                                                            "unpausing",
                                                            "suspending",
                                                            "resuming",
                                                            "rescuing",
                                                            "unrescuing",
                                                            "shelving",
                                                            "shelving_offloading",
                                                            "unshelving",
                                                            "updating_password",
                                                            "rebuilding",
                                                            "soft-deleting",
                                                            "restoring",
                                                            "resize_prep",
                                                            "resize_migrating",
                                                            "resize_migrated",
                                                            "resize_finish",
                                                            "resize_reverting",
                                                            "resize_confirming",
                                                            "migrating",
                                                            "snapshotting",
                                                            "reverting_snapshot",
                                                            "deleting_snapshot",
                                                            "image_snapshot",
                                                            "image_backup"};
constexpr std::array<std::string_view, 33> server_action_names{
  "create",         "stop",           "start",
  "reboot",         "delete",         "pause",
  "unpause",        "suspend",        "resume",
  "lock",           "unlock",         "rescue",
  "unrescue",       "shelve",         "shelveOffload",
  "unshelve",       "changePassword", "trigger_crash_dump",
  "resetState",     "rebuild",        "createImage",
  "delete",         "restore",        "resize",
  "confirmResize",  "revertResize",   "migrate",
  "live-migration", "evacuate",       "createBackup",
  "createSnapshot", "revertSnapshot", "deleteSnapshot"};
constexpr std::array<std::string_view, 4> migration_type_names{"migration", "resize",
                                                               "live-migration", "evacuation"};
constexpr std::array<std::string_view, 17> migration_status_names{
  "accepted",       "queued",   "preparing",  "running",   "pre-migrating", "migrating",
  "post-migrating", "finished", "confirming", "confirmed", "reverting",     "reverted",
  "completed",      "done",     "error",      "failed",    "cancelled"};
// A value added to an enum needs its name here.
static_assert(vm_state_names.size() == static_cast<std::size_t>(vm_state::resized) + 1);
static_assert(task_state_names.size() == static_cast<std::size_t>(task_state::image_backup) + 1);
static_assert(server_action_names.size()
              == static_cast<std::size_t>(server_action::delete_snapshot) + 1);
static_assert(migration_type_names.size()
              == static_cast<std::size_t>(migration_type::evacuation) + 1);
static_assert(migration_status_names.size()
              == static_cast<std::size_t>(migration_status::cancelled) + 1);

template <class Enum, std::size_t N>
std::optional<Enum> named(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name)
      return static_cast<Enum>(i);
  return std::nullopt;
}

template <std::size_t N, class Enum>
std::string_view name_of(const std::array<std::string_view, N>& names, Enum e) {
  auto i = static_cast<std::size_t>(e);
  return i < N ? names[i] : std::string_view{"?"};
}

} // namespace

std::string_view nova_name(vm_state s) { return name_of(vm_state_names, s); }
std::string_view nova_name(task_state s) { return name_of(task_state_names, s); }
std::string_view nova_name(server_action a) { return name_of(server_action_names, a); }
std::string_view nova_name(migration_type t) { return name_of(migration_type_names, t); }
std::string_view nova_name(migration_status s) { return name_of(migration_status_names, s); }

bool in_progress(migration_status s) {
  switch (s) {
  case migration_status::confirmed:
  case migration_status::reverted:
  case migration_status::completed:
  case migration_status::done:
  case migration_status::error:
  case migration_status::failed:
  case migration_status::cancelled:
    return false;
  default:
    return true;
  }
}

std::optional<vm_state> vm_state_named(std::string_view name) {
  return named<vm_state>(vm_state_names, name);
}
std::optional<task_state> task_state_named(std::string_view name) {
  return named<task_state>(task_state_names, name);
}
std::optional<server_action> server_action_named(std::string_view name) {
  return named<server_action>(server_action_names, name);
}
std::optional<migration_type> migration_type_named(std::string_view name) {
  return named<migration_type>(migration_type_names, name);
}
std::optional<migration_status> migration_status_named(std::string_view name) {
  return named<migration_status>(migration_status_names, name);
}

} // namespace nimbus::storage
