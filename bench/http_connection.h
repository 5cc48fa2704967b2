#pragma once
// A keep-alive HTTP/1.1 connection for load generators: one request at a
// time, Content-Length or chunked bodies, reconnects once on a broken link.
// Not thread-safe: one per client thread.
#include <string>

namespace nimbus::bench {

struct response {
  int status = 0; // 0: the request failed
  std::string body;
};

class http_connection {
public:
  http_connection(std::string host, int port, std::string token)
      : host_(std::move(host)), port_(port), token_(std::move(token)) {}
  ~http_connection();
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  response request(const std::string& method, const std::string& path, const std::string& body = {},
                   const std::string& extra_headers = {});

private:
  bool connect();
  bool send_all(const std::string& data);
  bool read_response(response* out);
  bool fill();

  std::string host_;
  int port_;
  std::string token_;
  int fd_ = -1;
  std::string buf_;
};

} // namespace nimbus::bench
