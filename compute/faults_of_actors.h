#pragma once
// What an actor's error means to the API: the fault kinds of compute/outcome.h.
// Internal to compute/.
#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include "actors/protocol/errors.h"
#include "compute/outcome.h"

namespace nimbus::compute {

inline fault to_fault(const caf::error& err, caf::actor_system& sys) {
  auto text = message_of(err);
  switch (code_of(err)) {
  case errc::not_found:
    return {fault_kind::not_found, text};
  case errc::conflict:
    return {fault_kind::conflict, text};
  case errc::bad_request:
    return {fault_kind::bad_request, text};
  case errc::forbidden:
    return {fault_kind::forbidden, text};
  case errc::unsupported:
    return {fault_kind::not_implemented, text};
  case errc::timeout:
  case errc::unavailable:
    return {fault_kind::unavailable, "The cell did not answer in time."};
  default:
    return {fault_kind::internal, text.empty() ? sys.render(err) : text};
  }
}

} // namespace nimbus::compute
