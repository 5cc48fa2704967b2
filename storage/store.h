#pragma once
// The key-value store every cell (and the API cell) keeps its records in.
//
// Contract, for every implementation:
// - Thread-safe: any method may be called from any thread at any time.
// - write() applies a batch atomically. It returns once the batch is durable
//   (on disk for RocksDB); concurrent writers share one fsync (group commit).
// - write_async() does the same without blocking the caller: `done` runs on
//   the store's committer thread once the batch is durable (or failed). Use it
//   from actor threads, which must never wait for an fsync.
// - apply_unsynced() applies a batch atomically at once, without waiting for
//   durability: a crash may lose it. Only for records that can be rebuilt.
// - Reads see every write whose call has returned (or whose `done` has run).
// - scan() visits keys in byte order; the callback returns false to stop.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "storage/errc.h"
#include "storage/write_batch.h"

namespace nimbus::storage {

using scan_fn = std::function<bool(std::string_view key, std::string_view value)>;
using done_fn = std::function<void(std::error_code)>;

class store {
public:
  virtual ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  /// Returns errc::not_found when there is no record under `key`.
  virtual std::error_code get(key_space space, std::string_view key, std::string* value) const = 0;
  virtual std::error_code scan(key_space space, std::string_view prefix,
                               const scan_fn& fn) const = 0;
  virtual void write_async(write_batch batch, done_fn done) = 0;
  virtual std::error_code apply_unsynced(const write_batch& batch) = 0;

  /// Blocking durable write; never call it on an actor's thread.
  std::error_code write(write_batch batch);

  /// How many group commits (fsyncs) this store has made: for tests and
  /// benchmarks that check batching.
  virtual std::uint64_t commit_count() const = 0;

protected:
  store() = default;
};

struct rocksdb_options {
  std::string path;       // directory; parents are created as needed
  bool read_only = false; // open without the lock, for tools reading a live store
  bool create_if_missing = true;
};

/// Opens (and creates) a RocksDB store. On failure returns null and sets *ec.
std::unique_ptr<store> open_rocksdb_store(const rocksdb_options& opts, std::error_code* ec);

/// An in-memory store with the same contract, for tests and fake runs.
std::unique_ptr<store> make_memory_store();

} // namespace nimbus::storage
