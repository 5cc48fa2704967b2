#pragma once
// Deadlines for requests to actors of this process, without a CAF timer per
// request. In CAF 0.17 every request timeout is a message scheduled on the
// clock thread (a wake-up to set it, another when it fires), and requests
// inside a process are on the path of every boot. So an actor keeps one
// deadline_queue with one limit, adds an entry per request it makes to an
// actor of its own process, and on a tick of its own (one outstanding, only
// while entries wait) expires what is due. Requests to other processes keep
// CAF's timeout (see deadline_for below): a peer can hang or vanish.
//
// Contract: not thread-safe (its actor owns it). Entries run out in the
// order added, which is the order of their deadlines because the queue has
// one limit. An entry answered first is settled and never expires; settled
// entries are dropped as they reach the front.
#include <chrono>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

namespace nimbus {

class deadline_queue {
public:
  using clock = std::chrono::steady_clock;

  /// One wait. settle() is true for whoever comes first: the answer or the
  /// deadline (which then calls expired(); it must not throw).
  struct entry {
    virtual ~entry() = default;
    virtual void expired() = 0;
    bool settle() { return !std::exchange(settled_, true); }
    bool settled() const { return settled_; }

  private:
    bool settled_ = false;
  };

  explicit deadline_queue(clock::duration limit) : limit_(limit) {}

  clock::duration limit() const { return limit_; }

  /// Adds `e`, due one limit after `now`. True if the owner must start its
  /// tick (nothing was waiting, so no tick is outstanding).
  bool add(std::shared_ptr<entry> e, clock::time_point now = clock::now()) {
    while (!waiting_.empty() && waiting_.front().second->settled())
      waiting_.pop_front();
    waiting_.emplace_back(now + limit_, std::move(e));
    return !std::exchange(ticking_, true);
  }

  /// Expires every entry due by `now` that is not settled. True if entries
  /// still wait: the owner ticks again; false, and the tick stops.
  bool expire_due(clock::time_point now = clock::now()) {
    std::vector<std::shared_ptr<entry>> due;
    while (!waiting_.empty()
           && (waiting_.front().second->settled() || waiting_.front().first <= now)) {
      if (waiting_.front().second->settle())
        due.push_back(std::move(waiting_.front().second));
      waiting_.pop_front();
    }
    ticking_ = !waiting_.empty();
    for (auto& e : due) // after the queue is consistent: expired() may add
      e->expired();
    return ticking_;
  }

  std::size_t size() const { return waiting_.size(); }

private:
  clock::duration limit_;
  std::deque<std::pair<clock::time_point, std::shared_ptr<entry>>> waiting_;
  bool ticking_ = false;
};

} // namespace nimbus
