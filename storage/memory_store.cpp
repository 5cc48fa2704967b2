// The in-memory store: one ordered map per key space behind a mutex, with the
// same group committer as the RocksDB store so batching behaves the same.
#include <map>
#include <memory>
#include <shared_mutex>

#include "storage/group_committer.h"
#include "storage/store.h"

namespace nimbus::storage {
namespace {

class memory_store final : public store {
public:
  memory_store() : committer_([this](const write_batch& b) { return apply(b); }) {}
  ~memory_store() override { committer_.stop(); }

  std::error_code get(key_space space, std::string_view key, std::string* value) const override {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    auto table = tables_.find(space);
    if (table == tables_.end())
      return errc::not_found;
    auto it = table->second.find(std::string{key});
    if (it == table->second.end())
      return errc::not_found;
    *value = it->second;
    return {};
  }

  std::error_code scan(key_space space, std::string_view prefix, const scan_fn& fn) const override {
    // Copy out the matching range so the callback may call back into the store.
    std::vector<std::pair<std::string, std::string>> rows;
    {
      std::shared_lock<std::shared_mutex> lock(mutex_);
      auto table = tables_.find(space);
      if (table == tables_.end())
        return {};
      for (auto it = table->second.lower_bound(std::string{prefix});
           it != table->second.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
        rows.emplace_back(it->first, it->second);
    }
    for (auto& [k, v] : rows)
      if (!fn(k, v))
        break;
    return {};
  }

  void write_async(write_batch batch, done_fn done) override {
    committer_.submit(std::move(batch), std::move(done));
  }

  std::error_code apply_unsynced(const write_batch& batch) override { return apply(batch); }

  std::uint64_t commit_count() const override { return committer_.commits(); }

private:
  std::error_code apply(const write_batch& batch) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    for (auto& op : batch.ops()) {
      auto& table = tables_[op.space];
      if (op.erase)
        table.erase(op.key);
      else
        table[op.key] = op.value;
    }
    return {};
  }

  mutable std::shared_mutex mutex_;
  std::map<key_space, std::map<std::string, std::string>> tables_;
  group_committer committer_;
};

} // namespace

std::unique_ptr<store> make_memory_store() { return std::make_unique<memory_store>(); }

} // namespace nimbus::storage
