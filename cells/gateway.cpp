#include "cells/gateway.h"

#include <deque>
#include <mutex>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/logger.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/protocol/type_ids.h"

namespace nimbus::cells {

// Jobs wait here rather than in messages: a std::function is no message type.
// One run_atom is in flight while jobs are waiting, so a burst of calls costs
// one wake-up of the actor, not one each.
struct gateway::queue {
  std::mutex mutex;
  std::deque<job> jobs;
  bool poked = false;

  std::deque<job> take() {
    std::lock_guard<std::mutex> lock(mutex);
    poked = false;
    return std::exchange(jobs, {});
  }
};

namespace {

caf::behavior gateway_impl(caf::event_based_actor* self, std::shared_ptr<gateway::queue> q) {
  return {
    [self, q](run_atom) {
      for (auto& j : q->take())
        j(self);
    },
  };
}

} // namespace

gateway::gateway(caf::actor_system& sys) : queue_(std::make_shared<queue>()) {
  actor_ = sys.spawn(gateway_impl, queue_);
}

gateway::~gateway() {
  {
    std::lock_guard<std::mutex> lock(queue_->mutex);
    queue_->jobs.clear();
  }
  // Wait for the actor to end: a job's callbacks may still be running, and
  // they use what the gateway's owner is about to destroy.
  {
    caf::scoped_actor self{actor_.home_system()};
    self->send_exit(actor_, caf::exit_reason::user_shutdown);
    self->wait_for(actor_);
  }
  caf::logger::set_current_actor_system(nullptr);
}

void gateway::run(job j) {
  bool poke = false;
  {
    std::lock_guard<std::mutex> lock(queue_->mutex);
    queue_->jobs.push_back(std::move(j));
    poke = !std::exchange(queue_->poked, true);
  }
  if (poke) {
    caf::anon_send(actor_, run_atom_v);
    // A foreign thread that sent keeps a reference to CAF's logger, and
    // ~actor_system would wait for it forever (STACK.md §1).
    caf::logger::set_current_actor_system(nullptr);
  }
}

} // namespace nimbus::cells
