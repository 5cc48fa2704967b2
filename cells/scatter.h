#pragma once
// One request to many actors, answered together, from inside an actor (the
// gateway, the super conductor). Internal to cells/. Single-threaded by
// construction: every callback runs in `self`.
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <caf/duration.hpp>
#include <caf/error.hpp>

namespace nimbus::cells {

template <class Result>
using gathered = std::vector<std::optional<Result>>;

namespace detail {

// Sends send(i) for every i < n and calls `then` once each has answered,
// failed or timed out.
template <class Result, class Send>
void scatter_by(std::size_t n, Send send, std::function<void(gathered<Result>)> then) {
  struct state {
    gathered<Result> out;
    std::size_t left;
    std::function<void(gathered<Result>)> then;
    void one_done() {
      if (--left == 0)
        then(std::move(out));
    }
  };
  if (n == 0)
    return then({});
  auto st = std::make_shared<state>(state{gathered<Result>(n), n, std::move(then)});
  for (std::size_t i = 0; i < n; ++i)
    send(i).then(
      [st, i](Result& r) {
        st->out[i] = std::move(r);
        st->one_done();
      },
      [st](caf::error&) { st->one_done(); });
}

} // namespace detail

/// Sends `xs...` to every target and calls `then` once every one answered,
/// failed or timed out; an entry stays empty for each that did not answer.
/// Every target gets `timeout`, actors of this process too: one slow cell
/// costs a list at most that (a timer per target per scatter; lists are not
/// the hot path).
template <class Result, class Self, class Handle, class... Ts>
void scatter(Self* self, const std::vector<Handle>& targets, caf::timespan timeout,
             std::function<void(gathered<Result>)> then, const Ts&... xs) {
  detail::scatter_by<Result>(
    targets.size(),
    [&](std::size_t i) { return self->request(targets[i], caf::duration{timeout}, xs...); },
    std::move(then));
}

/// As scatter, with a payload of its own for each target: sends
/// (atom, payloads[i]) to targets[i].
template <class Result, class Self, class Handle, class Atom, class Payload>
void scatter_each(Self* self, const std::vector<Handle>& targets, caf::timespan timeout, Atom atom,
                  const std::vector<Payload>& payloads,
                  std::function<void(gathered<Result>)> then) {
  detail::scatter_by<Result>(
    targets.size(),
    [&](std::size_t i) {
      return self->request(targets[i], caf::duration{timeout}, atom, payloads[i]);
    },
    std::move(then));
}

} // namespace nimbus::cells
