#include "storage/group_committer.h"

namespace nimbus::storage {

group_committer::group_committer(commit_fn commit)
    : commit_(std::move(commit)), thread_([this] { run(); }) {}

group_committer::~group_committer() { stop(); }

void group_committer::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && !thread_.joinable())
      return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
    thread_.join();
}

void group_committer::submit(write_batch batch, done_fn done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(batch), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  if (done)
    done(errc::closed);
}

std::uint64_t group_committer::commits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return commits_;
}

std::size_t group_committer::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

void group_committer::run() {
  std::vector<pending> taken;
  write_batch merged;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return; // stopping, and nothing left to commit
      taken.swap(queue_);
    }
    merged.clear();
    for (auto& p : taken)
      merged.append(p.batch);
    auto ec = merged.empty() ? std::error_code{} : commit_(merged);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++commits_;
    }
    for (auto& p : taken)
      if (p.done)
        p.done(ec);
    taken.clear();
  }
}

} // namespace nimbus::storage
