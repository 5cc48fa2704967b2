#include "actors/protocol/errors.h"

#include <caf/atom.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace nimbus {

namespace {
constexpr auto category = caf::atom("nimbus");
}

caf::error make_error(errc code, std::string message) {
  return caf::error(static_cast<std::uint8_t>(code), category,
                    caf::make_message(std::move(message)));
}

errc code_of(const caf::error& err) {
  if (!err)
    return errc::none;
  if (err.category() == category)
    return static_cast<errc>(err.code());
  if (err.category() == caf::atom("system")) {
    auto s = static_cast<caf::sec>(err.code());
    if (s == caf::sec::request_timeout)
      return errc::timeout;
    if (s == caf::sec::request_receiver_down || s == caf::sec::remote_linking_failed
        || s == caf::sec::cannot_connect_to_node)
      return errc::unavailable;
  }
  return errc::internal;
}

std::string message_of(const caf::error& err) {
  if (err && err.category() == category && err.context().match_elements<std::string>())
    return err.context().get_as<std::string>(0);
  return {};
}

std::string invalid_state_message(const std::string& action, const std::string& uuid,
                                  const std::string& attribute, const std::string& state) {
  return "Cannot '" + action + "' instance " + uuid + " while it is in " + attribute + " " + state;
}

} // namespace nimbus
