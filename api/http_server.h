#pragma once
// HTTP/1.1 listeners (Boost.Beast on Asio) in front of request handlers. The
// only place that includes Beast and Asio, which are costly to compile.
//
// What a client can make a listener spend is bounded: a request must arrive
// whole within client_timeout, an idle keep-alive connection is closed after
// keepalive_timeout, headers and bodies have size limits (answered 400 / 413
// in Nova's fault format), and connections beyond max_connections are closed
// as they are accepted. A request Nimbus has not answered within
// request_timeout is answered 503. Nothing a client sends throws out of the
// listener.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/http_types.h"

namespace nimbus::api {

/// Takes a request and answers it through the reply_fn, now or later, from
/// any thread. A second call of the reply_fn is ignored.
using request_handler = std::function<void(api_request, reply_fn)>;

/// Where a request's body goes instead of memory: a new file of at most
/// `limit` bytes (more is answered 413).
struct body_spool {
  std::string path;
  std::uint64_t limit = 0;
  api_response over_limit; // the answer to a longer body
};

/// Looks at a request's head (no body yet) and says whether its body is
/// spooled to a file (an image upload); nullopt: it is read into memory,
/// within max_request_body_size.
using spool_policy = std::function<std::optional<body_spool>(const api_request& head)>;

/// What one listener allows its clients. Defaults are nimbus.conf's.
struct http_limits {
  int threads = 4;                            // [api] workers
  std::size_t max_request_body_size = 114688; // [api] max_request_body_size (bytes)
  std::size_t max_header_size = 16384;        // [api] max_header_size (bytes, all headers)
  std::chrono::seconds client_timeout{60};    // [api] client_timeout: to send one request
  std::chrono::seconds keepalive_timeout{60}; // [api] keepalive_timeout: idle between requests
  std::size_t max_connections = 4096;         // [api] max_connections
  std::chrono::seconds request_timeout{180};  // [api] request_timeout: for Nimbus to answer
};

class http_server {
public:
  /// Listens on http://<host>:<port>/ and hands every request to `handler`.
  http_server(std::string host, int port, http_limits limits, request_handler handler);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Spools the bodies `policy` chooses to files (before open()). A spooled
  /// body may take as long as it needs while data keeps coming: the
  /// client_timeout applies to each read, as it does to each write of a
  /// file response.
  void spool_bodies(spool_policy policy);
  /// Binds the port and starts the threads. Returns false with *error set if
  /// it cannot.
  bool open(std::string* error);
  /// Stops accepting and serving; replies still to come are dropped.
  void close();
  /// Connections open now (for tests and logs).
  std::size_t connections() const;

  struct impl; // what the connections share (http_server.cpp)

private:
  std::shared_ptr<impl> impl_;
};

/// Raises the soft limit of open files to the hard limit, so that
/// max_connections is what bounds the listeners. Returns the new soft limit.
std::size_t raise_open_files_limit();

} // namespace nimbus::api
