#pragma once
// What the cells layer answers the API with: a value or a fault. No CAF here,
// so the API's translation units stay free of it.
#include <optional>
#include <string>
#include <utility>

namespace nimbus::compute {

enum class fault_kind {
  not_found,       // 404 itemNotFound
  conflict,        // 409 conflictingRequest
  bad_request,     // 400 badRequest
  forbidden,       // 403 forbidden
  unavailable,     // 503: a cell did not answer
  not_implemented, // 501: the hypervisor cannot do it
  too_large,       // 413: past a size limit or a quota of bytes
  gone,            // 410: went while the call ran
  internal,        // 500 computeFault
};

struct fault {
  fault_kind kind = fault_kind::internal;
  std::string message;
};

template <class T>
struct outcome {
  T value{};
  std::optional<fault> error;

  bool ok() const { return !error; }
  static outcome failure(fault_kind kind, std::string message) {
    outcome o;
    o.error = fault{kind, std::move(message)};
    return o;
  }
  static outcome failure(fault f) { // NOLINT(performance-unnecessary-value-param): moved below
    outcome o;
    o.error = std::move(f);
    return o;
  }
};

/// For calls that answer nothing but success or a fault.
struct done {};

} // namespace nimbus::compute
