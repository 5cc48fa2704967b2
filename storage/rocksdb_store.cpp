// The RocksDB store. One database per store directory; every key space is a
// one-byte prefix in the default column family (see write_batch.h), which
// keeps a cell's store to one set of files and one WAL.
#include <filesystem>
#include <memory>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/group_committer.h"
#include "storage/store.h"

namespace nimbus::storage {
namespace {

std::string prefixed(key_space space, std::string_view key) {
  std::string out;
  out.reserve(key.size() + 1);
  out.push_back(static_cast<char>(space));
  out.append(key);
  return out;
}

std::error_code to_error(const rocksdb::Status& s) {
  if (s.ok())
    return {};
  if (s.IsNotFound())
    return errc::not_found;
  if (s.IsCorruption())
    return errc::corruption;
  if (s.IsInvalidArgument())
    return errc::invalid_argument;
  return errc::io_error;
}

class rocksdb_store final : public store {
public:
  /// A read-only store (a tool looking at a store a running service holds)
  /// answers every write with errc::invalid_argument.
  rocksdb_store(std::unique_ptr<rocksdb::DB> db, bool read_only)
      : db_(std::move(db)), read_only_(read_only),
        committer_([this](const write_batch& b) { return commit(b, true); }) {}

  ~rocksdb_store() override {
    committer_.stop();
    db_->Close();
  }

  std::error_code get(key_space space, std::string_view key, std::string* value) const override {
    return to_error(db_->Get(rocksdb::ReadOptions{}, prefixed(space, key), value));
  }

  std::error_code scan(key_space space, std::string_view prefix, const scan_fn& fn) const override {
    auto start = prefixed(space, prefix);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}));
    for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
      auto k = it->key();
      k.remove_prefix(1);
      if (!fn(std::string_view{k.data(), k.size()},
              std::string_view{it->value().data(), it->value().size()}))
        break;
    }
    return to_error(it->status());
  }

  void write_async(write_batch batch, done_fn done) override {
    if (read_only_) {
      if (done)
        done(errc::invalid_argument);
      return;
    }
    committer_.submit(std::move(batch), std::move(done));
  }

  std::error_code apply_unsynced(const write_batch& batch) override { return commit(batch, false); }

  std::uint64_t commit_count() const override { return committer_.commits(); }

private:
  std::error_code commit(const write_batch& batch, bool sync) {
    if (read_only_)
      return errc::invalid_argument;
    rocksdb::WriteBatch wb;
    for (auto& op : batch.ops()) {
      auto key = prefixed(op.space, op.key);
      if (op.erase)
        wb.Delete(key);
      else
        wb.Put(key, op.value);
    }
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return to_error(db_->Write(wo, &wb));
  }

  std::unique_ptr<rocksdb::DB> db_;
  bool read_only_;
  group_committer committer_;
};

} // namespace

std::unique_ptr<store> open_rocksdb_store(const rocksdb_options& opts, std::error_code* ec) {
  *ec = {};
  std::error_code fs_ec;
  if (!opts.read_only && opts.create_if_missing)
    std::filesystem::create_directories(opts.path, fs_ec); // RocksDB makes only the last component
  if (fs_ec) {
    *ec = errc::io_error;
    return nullptr;
  }
  rocksdb::Options options;
  options.create_if_missing = opts.create_if_missing;
  options.max_background_jobs = 2;
  options.keep_log_file_num = 2;
  options.max_log_file_size = 1 << 20;
  rocksdb::DB* raw = nullptr;
  auto status = opts.read_only ? rocksdb::DB::OpenForReadOnly(options, opts.path, &raw)
                               : rocksdb::DB::Open(options, opts.path, &raw);
  if (!status.ok()) {
    *ec = to_error(status);
    if (!*ec)
      *ec = errc::io_error;
    return nullptr;
  }
  return std::make_unique<rocksdb_store>(std::unique_ptr<rocksdb::DB>(raw), opts.read_only);
}

} // namespace nimbus::storage
