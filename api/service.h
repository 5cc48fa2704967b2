#pragma once
// The request pipeline of the compute API and of the image API: request
// ids, microversion negotiation, authentication, routing, the headers every
// response carries, and a log line per request. Thread-safe: HTTP threads
// call handle() concurrently; handle() returns before the response may be
// ready, which goes to `reply` (see router.h). No HTTP library here.
#include <memory>

#include "api/http_types.h"
#include "api/router.h"

namespace nimbus::api {

class compute_service {
public:
  explicit compute_service(compute::compute_api& compute);
  /// Fills req.request_id, req.version and req.ctx, then answers.
  void handle(api_request req, reply_fn reply) const;

private:
  router routes_;
};

class image_service {
public:
  explicit image_service(compute::compute_api& compute);
  void handle(api_request req, reply_fn reply) const;

private:
  router routes_;
};

} // namespace nimbus::api
