#include "api/keystone_faults.h"

#include <nlohmann/json.hpp>

#include "api/faults.h"

namespace nimbus::api {

api_response keystone_error(int status, const std::string& message) {
  nlohmann::json body = {
    {"error", {{"code", status}, {"message", message}, {"title", reason_phrase(status)}}}};
  api_response r{status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
  if (status == 401)
    r.headers["www-authenticate"] = "Keystone uri=\"\"";
  return r;
}

api_response keystone_unauthorized() {
  return keystone_error(401, "The request you have made requires authentication.");
}

} // namespace nimbus::api
