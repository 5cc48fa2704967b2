#include "compute/gateway.h"

#include <chrono>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/logger.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/common/deadline_for.h"
#include "actors/protocol/type_ids.h"

namespace nimbus::compute {

// Jobs wait here rather than in messages: a std::function is no message type.
// One run_atom is in flight while jobs are waiting, so a burst of calls costs
// one wake-up of the actor, not one each. The actor that runs them is here
// too, so that a new one can take over from one that died.
struct gateway::queue {
  caf::actor_system* sys = nullptr;
  std::mutex mutex; // guards what follows
  std::deque<job> jobs;
  bool poked = false;
  bool stopping = false;
  gateway::actor_type actor;

  // Deadlines: touched only on the gateway's actor (and by start_actor
  // before a new actor runs).
  std::optional<deadline_queue> deadlines;

  std::deque<job> take() {
    std::lock_guard<std::mutex> lock(mutex);
    poked = false;
    return std::exchange(jobs, {});
  }
};

namespace {

std::string what_of(const std::exception_ptr& eptr) {
  try {
    std::rethrow_exception(eptr);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

constexpr auto tick_interval = std::chrono::milliseconds(250);

gateway::actor_type::behavior_type gateway_impl(gateway::self_ptr self,
                                                const std::shared_ptr<gateway::queue>& q) {
  // A continuation that throws ends this actor (CAF 0.17 quits on any
  // exception); the queue's watcher then starts another.
  self->set_exception_handler([](caf::scheduled_actor*, std::exception_ptr& eptr) -> caf::error {
    spdlog::error("gateway: a continuation failed: {}", what_of(eptr));
    return caf::sec::runtime_error;
  });
  return {
    [self, q](caf::tick_atom) {
      if (q->deadlines->expire_due())
        self->delayed_send(self, tick_interval, caf::tick_atom_v);
    },
    [self, q](run_atom) {
      for (auto& j : q->take()) {
        try {
          j(self);
        } catch (const std::exception& e) { // one failing job takes no other with it
          spdlog::error("gateway: a job failed: {}", e.what());
        } catch (...) {
          spdlog::error("gateway: a job failed with an unknown exception");
        }
      }
    },
  };
}

// Spawns the actor that runs q's jobs, and a new one each time it dies
// while the gateway lives. Called without q->mutex: CAF runs an attached
// functor at once if the actor has ended already.
void start_actor(const std::shared_ptr<gateway::queue>& q) {
  auto actor = q->sys->spawn(gateway_impl, q);
  std::weak_ptr<gateway::queue> weak = q;
  actor->attach_functor([weak](const caf::error&) {
    auto q = weak.lock();
    if (!q)
      return;
    {
      std::lock_guard<std::mutex> lock(q->mutex);
      if (q->stopping)
        return;
    }
    spdlog::warn("gateway: its actor ended; starting another");
    start_actor(q);
  });
  gateway::actor_type poke;
  {
    std::lock_guard<std::mutex> lock(q->mutex);
    if (q->stopping) { // the gateway went while this one started
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
      return;
    }
    q->actor = actor;
    // A tick that restarts the deadlines of the one that died (its own tick
    // died with it); with none waiting it only stops the queue's tick.
    caf::anon_send(actor, caf::tick_atom_v);
    q->poked = !q->jobs.empty(); // jobs given to the one that died
    if (q->poked)
      poke = actor;
  }
  if (poke)
    caf::anon_send(poke, run_atom_v);
}

} // namespace

gateway::gateway(caf::actor_system& sys, caf::timespan call_limit)
    : queue_(std::make_shared<queue>()) {
  queue_->sys = &sys;
  queue_->deadlines.emplace(
    std::chrono::duration_cast<deadline_queue::clock::duration>(call_limit));
  start_actor(queue_);
}

gateway::~gateway() {
  actor_type actor;
  {
    std::lock_guard<std::mutex> lock(queue_->mutex);
    queue_->stopping = true;
    queue_->jobs.clear();
    actor = queue_->actor;
  }
  // Wait for the actor to end: a job's callbacks may still be running, and
  // they use what the gateway's owner is about to destroy.
  {
    caf::scoped_actor self{*queue_->sys};
    self->send_exit(actor, caf::exit_reason::user_shutdown);
    self->wait_for(actor);
  }
  caf::logger::set_current_actor_system(nullptr);
}

void gateway::expire_after(self_ptr self, std::shared_ptr<deadline> d) {
  if (queue_->deadlines->add(std::move(d)))
    self->delayed_send(self, tick_interval, caf::tick_atom_v);
}

caf::duration gateway::limit_for(self_ptr self, const caf::actor_addr& target,
                                 std::shared_ptr<deadline> d) {
  return deadline_for(self->system(), *queue_->deadlines, target, std::move(d),
                      [self] { self->delayed_send(self, tick_interval, caf::tick_atom_v); });
}

std::size_t gateway::test_queued() const {
  std::lock_guard<std::mutex> lock(queue_->mutex);
  return queue_->jobs.size();
}

void gateway::run(job j) {
  gateway::actor_type poke;
  {
    std::lock_guard<std::mutex> lock(queue_->mutex);
    queue_->jobs.push_back(std::move(j));
    if (!std::exchange(queue_->poked, true))
      poke = queue_->actor;
  }
  if (poke) {
    caf::anon_send(poke, run_atom_v);
    // A foreign thread that sent keeps a reference to CAF's logger, and
    // ~actor_system would wait for it forever (docs/STACK.md).
    caf::logger::set_current_actor_system(nullptr);
  }
}

} // namespace nimbus::compute
