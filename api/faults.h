#pragma once
// Nova's fault bodies: {"itemNotFound": {"code": 404, "message": "..."}}.
// One place maps a fault kind to its status and wrapper name.
#include <string>

#include "api/http_types.h"
#include "compute/outcome.h"

namespace nimbus::api {

api_response fault_response(int status, const std::string& message);
api_response fault_response(const compute::fault& f);
/// HTTP's reason phrase of `status` ("Not Found"), as Keystone and Glance
/// title their errors.
const char* reason_phrase(int status);
/// The HTTP status of a facade fault.
int status_of(compute::fault_kind kind);

inline api_response bad_request(const std::string& message) { return fault_response(400, message); }
inline api_response not_found(const std::string& message) { return fault_response(404, message); }
inline api_response forbidden_by_policy(const std::string& rule) {
  return fault_response(403, "Policy doesn't allow " + rule + " to be performed.");
}

} // namespace nimbus::api
