#include "api/glance_faults.h"

#include <nlohmann/json.hpp>

#include "api/faults.h"

namespace nimbus::api {

api_response glance_error(int status, const std::string& message) {
  return glance_error(status, message, "");
}

api_response glance_error(int status, const std::string& explanation, const std::string& detail) {
  nlohmann::json body = {{"message", explanation + "<br /><br />\n" + detail + "\n\n"},
                         {"code", std::to_string(status) + " " + reason_phrase(status)},
                         {"title", reason_phrase(status)}};
  return {status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

api_response glance_error(const compute::fault& f) {
  return glance_error(status_of(f.kind), f.message);
}

} // namespace nimbus::api
