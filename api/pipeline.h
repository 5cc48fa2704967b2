#pragma once
// What every service's request pipeline shares (compute, image, identity):
// routing that turns an exception into the service's 500, not a crash or a
// hang, and the one log line per request (never a token or a password).
#include <chrono>

#include "api/http_types.h"
#include "api/router.h"

namespace nimbus::api {

/// The service's answer to an exception a handler let out (logged by the
/// pipeline with the request id).
using internal_error_fn = api_response (*)();

/// Routes `req`; an exception thrown before the handler replied is logged
/// and answered with internal_error().
void guarded_dispatch(const router& routes, const api_request& req, const reply_fn& reply,
                      internal_error_fn internal_error);

/// "<request id> <user id or -> <method> <path> <status> <ms>ms".
void log_request(const api_request& req, const api_response& resp,
                 std::chrono::steady_clock::time_point start);

} // namespace nimbus::api
