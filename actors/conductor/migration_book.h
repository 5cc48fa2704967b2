#pragma once
// A cell's migrations: the open move of each server in memory (the one not
// ended yet: under way, or finished and waiting for confirmResize or
// revertResize), every move on disk, and the counter of their ids. Plain
// C++; the conductor owns one and stages its writes.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/records.h"
#include "storage/store.h"

namespace nimbus::conductor {

class migration_book {
public:
  /// Reads the cell's migrations. Moves a restart cut short are settled
  /// (and the fixes staged in `fixes`): one that was ending (confirming,
  /// reverting) is finished again, to be confirmed or reverted anew; one
  /// before its destination had the server is in error (the instance's own
  /// reconcile leaves it where its record says).
  void load(const storage::store& s, storage::write_batch& fixes);

  /// The open move of a server; nullptr if none.
  const storage::migration* open_of(const std::string& instance_uuid) const;
  /// Every open move.
  std::vector<storage::migration> open() const;

  /// An id for a new migration; the counter is staged in `b`.
  std::int64_t next_id(storage::write_batch& b);

  /// Keeps `m` as saved (staged in `b`): open while in progress.
  void save(const storage::migration& m, storage::write_batch& b);

  /// The evacuations away from `host` whose domain it may still hold (done,
  /// not completed): Nova's compute destroys those domains when it starts.
  std::vector<storage::migration> evacuated_from(const std::string& host) const;

  /// The server is gone: its migrations go too (erases staged in `b`).
  /// Returns its open move, whose claim on the source must be released.
  std::optional<storage::migration> forget(const std::string& instance_uuid,
                                           const storage::store& s, storage::write_batch& b);

private:
  std::unordered_map<std::string, storage::migration> open_; // by instance uuid
  /// Evacuations done whose source has not cleaned up: by migration uuid.
  std::unordered_map<std::string, storage::migration> evacuated_;
  std::int64_t next_id_ = 1;
};

/// Every migration of the cell (`instance_uuid` empty) or of one server,
/// by server, then oldest first.
std::vector<storage::migration> read_migrations(const storage::store& s,
                                                const std::string& instance_uuid);

} // namespace nimbus::conductor
