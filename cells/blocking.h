#pragma once
// Calling actors from threads that are not CAF's (the HTTP threads), waiting
// for the answer: one request, or one request to many actors answered
// together. Each call spawns a blocking actor and holds the thread; the calls
// a boot storm makes go through gateway.h instead. Internal to cells/.
// Every call ends by dropping the thread's reference to CAF's logger, without
// which ~actor_system waits forever for foreign threads that outlive it
// (STACK.md §1).
#include <optional>
#include <vector>

#include <caf/logger.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/protocol/errors.h"
#include "cells/outcome.h"
#include "cells/wait_limit.h"

namespace nimbus::cells {

inline fault to_fault(const caf::error& err, caf::actor_system& sys) {
  auto text = message_of(err);
  switch (code_of(err)) {
    case errc::not_found: return {fault_kind::not_found, text};
    case errc::conflict: return {fault_kind::conflict, text};
    case errc::bad_request: return {fault_kind::bad_request, text};
    case errc::timeout:
    case errc::unavailable: return {fault_kind::unavailable, "The cell did not answer in time."};
    default:
      return {fault_kind::internal, text.empty() ? sys.render(err) : text};
  }
}

/// Sends `xs...` to `target` and waits up to `timeout` for a `Result`.
template <class Result, class Handle, class... Ts>
outcome<Result> call(caf::actor_system& sys, const Handle& target, caf::timespan timeout,
                     Ts&&... xs) {
  outcome<Result> out;
  {
    caf::scoped_actor self{sys};
    self->request(target, wait_limit(sys, target, timeout), std::forward<Ts>(xs)...)
      .receive([&](Result& r) { out.value = std::move(r); },
               [&](caf::error& err) { out.error = to_fault(err, sys); });
  }
  caf::logger::set_current_actor_system(nullptr);
  return out;
}

/// Sends `xs...` to every target at once and collects the answers within
/// `timeout`; an entry stays empty for a target that failed or did not answer.
template <class Result, class Handle, class... Ts>
std::vector<std::optional<Result>> scatter_gather(caf::actor_system& sys,
                                                  const std::vector<Handle>& targets,
                                                  caf::timespan timeout, const Ts&... xs) {
  std::vector<std::optional<Result>> out(targets.size());
  {
    caf::scoped_actor self{sys};
    using handle_t = decltype(self->request(targets.front(), timeout, xs...));
    std::vector<handle_t> pending;
    pending.reserve(targets.size());
    for (auto& t : targets)
      pending.push_back(self->request(t, wait_limit(sys, t, timeout), xs...));
    for (std::size_t i = 0; i < pending.size(); ++i)
      pending[i].receive([&](Result& r) { out[i] = std::move(r); }, [](caf::error&) {});
  }
  caf::logger::set_current_actor_system(nullptr);
  return out;
}

/// As scatter_gather, with a payload of its own for each target: sends
/// (atom, payloads[i]) to targets[i].
template <class Result, class Handle, class Atom, class Payload>
std::vector<std::optional<Result>> scatter_gather_each(caf::actor_system& sys,
                                                       const std::vector<Handle>& targets,
                                                       caf::timespan timeout, Atom atom,
                                                       const std::vector<Payload>& payloads) {
  std::vector<std::optional<Result>> out(targets.size());
  {
    caf::scoped_actor self{sys};
    using handle_t = decltype(self->request(targets.front(), timeout, atom, payloads.front()));
    std::vector<handle_t> pending;
    pending.reserve(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i)
      pending.push_back(self->request(targets[i], wait_limit(sys, targets[i], timeout), atom, payloads[i]));
    for (std::size_t i = 0; i < pending.size(); ++i)
      pending[i].receive([&](Result& r) { out[i] = std::move(r); }, [](caf::error&) {});
  }
  caf::logger::set_current_actor_system(nullptr);
  return out;
}

} // namespace nimbus::cells
