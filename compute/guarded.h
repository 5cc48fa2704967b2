#pragma once
// The wrapper every compute_api call puts around its caller's callback.
// Internal to compute/.
#include <exception>

#include <spdlog/spdlog.h>

#include "compute/compute_api.h"

namespace nimbus::compute {

// A caller's callback runs inside the gateway's actor: one that throws
// answers its request with a 500 fault instead of ending that actor (and
// leaving the request unanswered).
template <class T>
reply<T> guarded(reply<T> then) {
  return [then = std::move(then)](outcome<T> out) {
    try {
      then(std::move(out));
    } catch (const std::exception& e) {
      spdlog::error("compute_api: a reply failed: {}", e.what());
      try {
        then(outcome<T>::failure(fault_kind::internal, "Unexpected API Error."));
      } catch (const std::exception&) {
      }
    }
  };
}

} // namespace nimbus::compute
