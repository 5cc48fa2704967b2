#pragma once
// The request pipeline of the compute API and of the image API: request
// ids, microversion negotiation, authentication, routing, the headers every
// response carries, and a log line per request. Thread-safe: HTTP threads
// call handle() concurrently; handle() returns before the response may be
// ready, which goes to `reply` (see router.h). No HTTP library here.
#include <memory>

#include "api/authenticator.h"
#include "api/http_server.h"
#include "api/http_types.h"
#include "api/router.h"
#include "policy/rule.h"

namespace nimbus::network {
class network_book;
} // namespace nimbus::network

namespace nimbus::api {

// Both keep references to what they are given: it must outlive them.
class compute_service {
public:
  compute_service(compute::compute_api& compute, const authenticator& auth,
                  const policy::rule_set& rules);
  /// Fills req.request_id, req.version, req.creds and req.ctx, then answers.
  void handle(api_request req, reply_fn reply) const;
  /// Every route, for the tests that hold each to a policy rule.
  std::vector<router::entry> routes() const { return routes_.table(); }

private:
  const authenticator& auth_;
  const policy::rule_set& rules_;
  router routes_;
};

class image_service {
public:
  image_service(compute::compute_api& compute, const authenticator& auth);
  void handle(api_request req, reply_fn reply) const;
  /// Where the listener puts a request's body (http_server.h's
  /// spool_policy): an upload to an image the token's holder may fill goes
  /// to a staging file of at most [image] image_size_cap bytes; anything
  /// else stays in memory.
  std::optional<body_spool> spool_for(const api_request& head) const;

private:
  const authenticator& auth_;
  compute::image_catalog& catalog_;
  router routes_;
};

/// The Neutron v2.0 subset (docs/NETWORKS.md), on its own port.
class network_service {
public:
  network_service(network::network_book& book, const authenticator& auth);
  void handle(api_request req, reply_fn reply) const;

private:
  const authenticator& auth_;
  router routes_;
};

} // namespace nimbus::api
