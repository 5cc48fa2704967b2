#include "api/keystone_faults.h"

#include <nlohmann/json.hpp>

namespace nimbus::api {
namespace {

const char* title_of(int status) {
  switch (status) {
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 409:
    return "Conflict";
  case 413:
    return "Request Entity Too Large";
  case 503:
    return "Service Unavailable";
  default:
    return "Internal Server Error";
  }
}

} // namespace

api_response keystone_error(int status, const std::string& message) {
  nlohmann::json body = {
    {"error", {{"code", status}, {"message", message}, {"title", title_of(status)}}}};
  api_response r{status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
  if (status == 401)
    r.headers["www-authenticate"] = "Keystone uri=\"\"";
  return r;
}

api_response keystone_unauthorized() {
  return keystone_error(401, "The request you have made requires authentication.");
}

} // namespace nimbus::api
