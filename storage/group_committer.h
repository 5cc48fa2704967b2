#pragma once
// Group commit: one durable commit covers every batch that arrived while the
// previous commit ran. Writers hand batches to a dedicated committer thread,
// so no caller (least of all an actor thread) waits for an fsync itself.
//
// Contract: `done` callbacks run on the committer thread, in submission order,
// after the batch is durable. Batches committed together are applied in
// submission order within one atomic commit. Destruction commits what is
// queued, then stops; submit() after stop() answers errc::closed.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/store.h"

namespace nimbus::storage {

class group_committer {
public:
  using commit_fn = std::function<std::error_code(const write_batch&)>;

  explicit group_committer(commit_fn commit);
  ~group_committer();
  group_committer(const group_committer&) = delete;
  group_committer& operator=(const group_committer&) = delete;

  void submit(write_batch batch, done_fn done);
  void stop();

  std::uint64_t commits() const;
  /// Batches waiting for the next commit (for tests).
  std::size_t queued() const;

private:
  struct pending {
    write_batch batch;
    done_fn done;
  };
  void run();

  commit_fn commit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<pending> queue_;
  bool stopping_ = false;
  std::uint64_t commits_ = 0;
  std::thread thread_;
};

} // namespace nimbus::storage
