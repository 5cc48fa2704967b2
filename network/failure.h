#pragma once
// What the network service answers when it refuses: an HTTP status and
// Neutron's error type and message (api/neutron_faults.h makes the body).
#include <optional>
#include <string>
#include <utility>

namespace nimbus::network {

struct failure {
  int status = 400;
  std::string type; // Neutron's exception name: NetworkNotFound, InvalidInput, ...
  std::string message;
};

/// A value, or why there is none.
template <class T>
struct result {
  std::optional<T> value;
  failure error;

  bool ok() const { return value.has_value(); }
  static result of(T v) { return {std::move(v), {}}; }
  static result fail(failure f) { return {std::nullopt, std::move(f)}; }
};

inline failure not_found(const std::string& type, const std::string& message) {
  return {404, type, message};
}
inline failure conflict(const std::string& type, const std::string& message) {
  return {409, type, message};
}
/// Neutron's InvalidInput: "Invalid input for operation: <message>."
inline failure invalid_input(const std::string& message) {
  auto text = "Invalid input for operation: " + message;
  if (text.back() != '.')
    text += '.';
  return {400, "InvalidInput", text};
}
inline failure bad_request(const std::string& message) { return {400, "BadRequest", message}; }

} // namespace nimbus::network
