#include "api/faults.h"

#include <nlohmann/json.hpp>

namespace nimbus::api {
namespace {

const char* wrapper_name(int status) {
  switch (status) {
  case 400:
    return "badRequest";
  case 401:
    return "unauthorized";
  case 403:
    return "forbidden";
  case 404:
    return "itemNotFound";
  case 405:
    return "badMethod";
  case 409:
    return "conflictingRequest";
  case 413:
    return "overLimit";
  case 415:
    return "badMediaType";
  case 501:
    return "notImplemented";
  case 503:
    return "serviceUnavailable";
  default:
    return "computeFault";
  }
}

} // namespace

int status_of(compute::fault_kind kind) {
  switch (kind) {
  case compute::fault_kind::not_found:
    return 404;
  case compute::fault_kind::conflict:
    return 409;
  case compute::fault_kind::bad_request:
    return 400;
  case compute::fault_kind::forbidden:
    return 403;
  case compute::fault_kind::unavailable:
    return 503;
  case compute::fault_kind::not_implemented:
    return 501;
  case compute::fault_kind::too_large:
    return 413;
  case compute::fault_kind::gone:
    return 410;
  case compute::fault_kind::internal:
    return 500;
  }
  return 500;
}

const char* reason_phrase(int status) {
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
  case 410:
    return "Gone";
  case 413:
    return "Request Entity Too Large";
  case 415:
    return "Unsupported Media Type";
  case 416:
    return "Requested Range Not Satisfiable";
  case 501:
    return "Not Implemented";
  case 503:
    return "Service Unavailable";
  default:
    return "Internal Server Error";
  }
}

api_response fault_response(int status, const std::string& message) {
  nlohmann::json body;
  body[wrapper_name(status)] = {{"code", status}, {"message", message}};
  // A message may quote what the client sent, bytes that are not UTF-8
  // included: those print as U+FFFD rather than fail the dump.
  return {status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

api_response fault_response(const compute::fault& f) {
  return fault_response(status_of(f.kind), f.message);
}

} // namespace nimbus::api
