#pragma once
// HTTP listeners (cpprestsdk) in front of request handlers. The only place
// that includes cpprest, which is costly to compile and defines macros that
// break other headers.
#include <functional>
#include <memory>
#include <string>

#include "api/http_types.h"

namespace nimbus::api {

/// Takes a request and answers it through the reply_fn, now or later, from
/// any thread.
using request_handler = std::function<void(api_request, reply_fn)>;

/// Sets the number of cpprest's I/O threads (its default is 40). Call once,
/// before any listener opens; later calls do nothing.
void init_http_threads(int threads);

class http_server {
public:
  /// Listens on http://<host>:<port>/ and hands every request to `handler`.
  http_server(std::string host, int port, request_handler handler);
  ~http_server();

  /// Binds the port. Returns false with *error set if it cannot.
  bool open(std::string* error);
  void close();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace nimbus::api
