#pragma once
// One request to many actors, answered together, from inside an actor (the
// gateway): the asynchronous twin of blocking.h's scatter_gather. Internal
// to cells/. Single-threaded by construction: every callback runs in `self`.
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "cells/wait_limit.h"

namespace nimbus::cells {

template <class Result>
using gathered = std::vector<std::optional<Result>>;

/// Sends (atom, payloads[i]) to targets[i] and calls `then` once every one
/// answered, failed or timed out; an entry stays empty for each that did not
/// answer.
template <class Result, class Handle, class Atom, class Payload>
void scatter_each(caf::event_based_actor* self, const std::vector<Handle>& targets,
                  caf::timespan timeout, Atom atom, const std::vector<Payload>& payloads,
                  std::function<void(gathered<Result>)> then) {
  struct state {
    gathered<Result> out;
    std::size_t left;
    std::function<void(gathered<Result>)> then;
    void one_done() {
      if (--left == 0)
        then(std::move(out));
    }
  };
  if (targets.empty())
    return then({});
  auto st = std::make_shared<state>(state{gathered<Result>(targets.size()), targets.size(), std::move(then)});
  for (std::size_t i = 0; i < targets.size(); ++i)
    self->request(targets[i], wait_limit(self->system(), targets[i], timeout), atom, payloads[i])
      .then(
        [st, i](Result& r) {
          st->out[i] = std::move(r);
          st->one_done();
        },
        [st](caf::error&) { st->one_done(); });
}

/// As scatter_each, with the same payload for every target.
template <class Result, class Handle, class Atom, class Payload>
void scatter(caf::event_based_actor* self, const std::vector<Handle>& targets, caf::timespan timeout,
             Atom atom, const Payload& payload, std::function<void(gathered<Result>)> then) {
  scatter_each<Result>(self, targets, timeout, atom, std::vector<Payload>(targets.size(), payload),
                       std::move(then));
}

} // namespace nimbus::cells
