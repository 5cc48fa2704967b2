#include "storage/fault_injecting_store.h"

namespace nimbus::storage {

void fault_injecting_store::fail_next_writes(int times, std::error_code ec) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (int i = 0; i < times; ++i)
    failures_.push_back(ec);
}

void fault_injecting_store::hold_writes() {
  std::lock_guard<std::mutex> lock(mutex_);
  holding_ = true;
}

void fault_injecting_store::release_writes() {
  // Writes that come while the held ones are passed on wait behind them:
  // the order writes were submitted in is the order they reach the store.
  for (;;) {
    held_write w;
    std::error_code ec;
    verdict v;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (held_.empty()) {
        holding_ = false;
        return;
      }
      w = std::move(held_.front());
      held_.pop_front();
      holding_ = false; // decide for this write as if it came now
      v = next(&ec);
      holding_ = true;
    }
    if (v == verdict::pass)
      inner_->write_async(std::move(w.batch), std::move(w.done));
    else if (v == verdict::fail && w.done)
      w.done(ec);
  }
}

std::size_t fault_injecting_store::held() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return held_.size();
}

void fault_injecting_store::crash_after(int writes) {
  std::lock_guard<std::mutex> lock(mutex_);
  crash_in_ = writes;
}

bool fault_injecting_store::crashed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return crash_in_ == 0;
}

std::uint64_t fault_injecting_store::writes_passed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return passed_;
}

fault_injecting_store::verdict fault_injecting_store::next(std::error_code* ec) {
  if (crash_in_ == 0)
    return verdict::drop;
  if (holding_)
    return verdict::hold;
  if (!failures_.empty()) {
    *ec = failures_.front();
    failures_.pop_front();
    return verdict::fail;
  }
  if (crash_in_ > 0)
    --crash_in_;
  ++passed_;
  return verdict::pass;
}

void fault_injecting_store::write_async(write_batch batch, done_fn done) {
  std::error_code ec;
  verdict v;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    v = next(&ec);
    if (v == verdict::hold) {
      held_.push_back({std::move(batch), std::move(done)});
      return; // answered on release
    }
  }
  switch (v) {
  case verdict::pass:
    inner_->write_async(std::move(batch), std::move(done));
    break;
  case verdict::fail:
    if (done)
      done(ec);
    break;
  case verdict::hold: // returned above
  case verdict::drop: // never answered
    break;
  }
}

std::error_code fault_injecting_store::apply_unsynced(const write_batch& batch) {
  std::error_code ec;
  verdict v;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    v = next(&ec);
  }
  switch (v) {
  case verdict::pass:
  case verdict::hold: // unsynced writes do not wait for a disk
    return inner_->apply_unsynced(batch);
  case verdict::fail:
    return ec;
  case verdict::drop:
    return {}; // the caller believes it; the crash took it
  }
  return {};
}

} // namespace nimbus::storage
