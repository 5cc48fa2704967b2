#pragma once
// The states of an instance and the actions on it, as enums. Nova's strings
// for them ("active", "powering-off", "stop", ...) exist only here and at
// the edges: the record codec (storage/records.cpp) and the API views.
// The rules that move an instance between states are in
// actors/instance/instance_states.h.
#include <cstdint>
#include <optional>
#include <string_view>

namespace nimbus::storage {

/// Where an instance rests (Nova's vm_state).
enum class vm_state : std::uint8_t {
  building,
  active,
  stopped,
  error,
  /// Not a state a cell records: the API cell's stand-in for a server whose
  /// cell does not answer (shown as status UNKNOWN from microversion 2.69).
  unknown,
  paused,
  suspended,
  rescued,
  shelved,
  /// Shelved and off its host: no domain, no claim, no host.
  shelved_offloaded,
  /// Deleted with [DEFAULT] reclaim_instance_interval set: restorable
  /// until the interval has passed.
  soft_deleted,
  /// Resized or cold-migrated onto its new host, the move not yet confirmed
  /// or reverted (Nova's VERIFY_RESIZE).
  resized,
};

/// What is in flight on an instance (Nova's task_state); none: nothing.
enum class task_state : std::uint8_t {
  none,
  scheduling,
  spawning,
  powering_off,
  powering_on,
  rebooting,
  rebooting_hard,
  deleting,
  pausing,
  unpausing,
  suspending,
  resuming,
  rescuing,
  unrescuing,
  shelving,
  shelving_offloading,
  unshelving,
  updating_password,
  rebuilding,
  soft_deleting,
  restoring,
  resize_prep,
  resize_migrating,
  resize_migrated,
  resize_finish,
  resize_reverting,
  resize_confirming,
  migrating, // live migration
  /// Nimbus's snapshot chain (docs/SNAPSHOTS.md): a point being made,
  /// the disk going back to one, a point being merged into its neighbour.
  snapshotting,
  reverting_snapshot,
  deleting_snapshot,
  image_snapshot, // createImage: the disk is being written out
  image_backup,   // createBackup: the same
};

/// An action on a server, as instance actions record it.
enum class server_action : std::uint8_t {
  create,
  stop,
  start,
  reboot,
  delete_server,
  pause,
  unpause,
  suspend,
  resume,
  lock,
  unlock,
  rescue,
  unrescue,
  shelve,
  shelve_offload,
  unshelve,
  change_password,
  trigger_crash_dump,
  reset_state,
  rebuild,
  create_image,
  /// A delete that keeps the server restorable; instance actions name it
  /// "delete", as Nova's do (so a record reads it back as delete_server).
  soft_delete,
  restore,
  resize,
  confirm_resize,
  revert_resize,
  migrate, // cold
  live_migration,
  evacuate,
  create_backup,
  /// Nimbus's snapshot chain (docs/SNAPSHOTS.md).
  create_snapshot,
  revert_snapshot,
  delete_snapshot,
};

/// How a server moves between hosts (Nova's migration_type).
enum class migration_type : std::uint8_t { migration, resize, live_migration, evacuation };

/// Where a move is (Nova's migration status strings). Cold moves go
/// pre-migrating, migrating, post-migrating, finished, then confirming,
/// confirmed or reverting, reverted; live ones accepted, queued, preparing,
/// running, completed; evacuations accepted, pre-migrating, done.
enum class migration_status : std::uint8_t {
  accepted,
  queued,
  preparing,
  running,
  pre_migrating,
  migrating,
  post_migrating,
  finished,
  confirming,
  confirmed,
  reverting,
  reverted,
  completed,
  done,
  error,
  failed,
  cancelled,
};

/// Whether a move in `s` is still under way (os-migrations' in-progress
/// set; finished counts: the server waits on its new host).
bool in_progress(migration_status s);

/// Nova's names: "active"; "" for task_state::none; "stop".
std::string_view nova_name(vm_state s);
std::string_view nova_name(task_state s);
std::string_view nova_name(server_action a);
std::string_view nova_name(migration_type t);
std::string_view nova_name(migration_status s);

/// The enum of one of Nova's names; nullopt for a name Nimbus does not know.
std::optional<vm_state> vm_state_named(std::string_view name);
std::optional<task_state> task_state_named(std::string_view name);
std::optional<server_action> server_action_named(std::string_view name);
std::optional<migration_type> migration_type_named(std::string_view name);
std::optional<migration_status> migration_status_named(std::string_view name);

} // namespace nimbus::storage
