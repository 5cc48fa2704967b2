#pragma once
// Forwards every call to a wrapped store, failing, holding or dropping writes
// on request (cf. hypervisor/fault_injecting_driver.h): how tests put a
// failing disk, a slow fsync or a crash between two writes under the actors
// that own stores. Reads always see the wrapped store as it is.
//
// A crash is simulated by crash_after(n): n more writes go through, every
// later one is dropped and never answered, as if the process had died right
// after the n-th. The test then "restarts" by building its owners anew on
// inner(), which holds exactly what was durable.
//
// Thread-safe, like every store.
#include <deque>
#include <memory>
#include <mutex>

#include "storage/store.h"

namespace nimbus::storage {

class fault_injecting_store final : public store {
public:
  explicit fault_injecting_store(std::shared_ptr<store> inner) : inner_(std::move(inner)) {}

  /// The next `times` writes fail with `ec` and change nothing.
  void fail_next_writes(int times = 1, std::error_code ec = errc::io_error);
  /// From now on writes wait, neither applied nor answered, until
  /// release_writes() passes them on in the order they came.
  void hold_writes();
  void release_writes();
  std::size_t held() const;
  /// After `writes` more writes, every write is dropped unanswered.
  void crash_after(int writes);
  bool crashed() const;
  /// Writes that reached the wrapped store.
  std::uint64_t writes_passed() const;

  const std::shared_ptr<store>& inner() const { return inner_; }

  std::error_code get(key_space space, std::string_view key, std::string* value) const override {
    return inner_->get(space, key, value);
  }
  std::error_code scan(key_space space, std::string_view prefix, const scan_fn& fn) const override {
    return inner_->scan(space, prefix, fn);
  }
  void write_async(write_batch batch, done_fn done) override;
  std::error_code apply_unsynced(const write_batch& batch) override;
  std::uint64_t commit_count() const override { return inner_->commit_count(); }

private:
  enum class verdict { pass, fail, hold, drop };
  // Decides what becomes of the next write (the caller holds mutex_).
  verdict next(std::error_code* ec);

  struct held_write {
    write_batch batch;
    done_fn done;
  };
  std::shared_ptr<store> inner_;
  mutable std::mutex mutex_; // guards what follows
  std::deque<std::error_code> failures_;
  bool holding_ = false;
  std::deque<held_write> held_;
  int crash_in_ = -1; // writes left before the crash; -1: none armed
  std::uint64_t passed_ = 0;
};

} // namespace nimbus::storage
