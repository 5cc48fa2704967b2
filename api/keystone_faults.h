#pragma once
// Keystone's error bodies: {"error": {"code": 404, "message": "...",
// "title": "Not Found"}}; a 401 also carries WWW-Authenticate, as
// Keystone's does.
#include <string>

#include "api/http_types.h"

namespace nimbus::api {

api_response keystone_error(int status, const std::string& message);

/// 401 with Keystone's message for a request without a valid token.
api_response keystone_unauthorized();

} // namespace nimbus::api
