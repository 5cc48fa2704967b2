#pragma once
// The instance actions of deleted servers. Nova lists them from microversion
// 2.21 (its rows are soft-deleted and stay until an operator archives them);
// a Nimbus cell keeps them for [DEFAULT] deleted_actions_retention after the
// delete, in a purge queue ordered by deletion time, and purges the ones due
// a few at a time. Plain C++: the conductor stages the writes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "storage/store.h"

namespace nimbus::conductor {

/// The server `uuid` is deleted at `deleted_us`: its actions stay, queued
/// for purging (staged in `b`).
void queue_actions_for_purge(const std::string& uuid, std::int64_t deleted_us,
                             storage::write_batch& b);

/// Stages in `b` the erase of every action of `uuid`.
void erase_actions(const storage::store& s, const std::string& uuid, storage::write_batch& b);

/// Stages in `b` the purge of at most `limit` servers deleted before
/// `cutoff_us`, oldest first: their actions and their places in the queue.
/// Returns how many.
std::size_t purge_due(const storage::store& s, std::int64_t cutoff_us, std::size_t limit,
                      storage::write_batch& b);

} // namespace nimbus::conductor
