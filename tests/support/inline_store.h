#pragma once
// An in-memory store whose writes are done before write_async returns (the
// memory store's group committer answers from a thread of its own). On CAF's
// deterministic scheduler an owner's commit completions then come in one
// order, every run.
#include <memory>

#include "storage/store.h"

namespace nimbus::test {

class inline_store final : public storage::store {
public:
  std::error_code get(storage::key_space space, std::string_view key,
                      std::string* value) const override {
    return inner_->get(space, key, value);
  }
  std::error_code scan(storage::key_space space, std::string_view prefix,
                       const storage::scan_fn& fn) const override {
    return inner_->scan(space, prefix, fn);
  }
  void write_async(storage::write_batch batch, storage::done_fn done) override {
    done(inner_->apply_unsynced(batch));
  }
  std::error_code apply_unsynced(const storage::write_batch& batch) override {
    return inner_->apply_unsynced(batch);
  }
  std::uint64_t commit_count() const override { return inner_->commit_count(); }

private:
  std::shared_ptr<storage::store> inner_ = storage::make_memory_store();
};

} // namespace nimbus::test
