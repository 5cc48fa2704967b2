#pragma once
// Errors that actors answer with, as caf::error values of category "nimbus"
// carrying a message meant for the API user (Nova's wording).
#include <cstdint>
#include <string>

#include <caf/error.hpp>

namespace nimbus {

enum class errc : std::uint8_t {
  none = 0,
  not_found = 1,     // 404
  conflict = 2,      // 409: the instance's state does not allow it
  bad_request = 3,   // 400
  no_valid_host = 4, // the scheduler found no host (ends in cell0)
  timeout = 5,       // a peer did not answer in time
  internal = 6,      // 500
  unavailable = 7,   // a cell or host is down
  forbidden = 8,     // 403: policy or a lock says no
  unsupported = 9,   // 501: the hypervisor cannot do it
};

/// Builds an error of category "nimbus" with a user-facing message.
caf::error make_error(errc code, std::string message);

/// The nimbus error code of `err`; errc::timeout for CAF's request timeouts,
/// errc::unavailable for lost peers, errc::internal for anything else.
errc code_of(const caf::error& err);

/// The user-facing message of `err` (empty if it carries none).
std::string message_of(const caf::error& err);

/// Nova's 409 text for an action the instance's state does not allow.
std::string invalid_state_message(const std::string& action, const std::string& uuid,
                                  const std::string& attribute, const std::string& state);

} // namespace nimbus
