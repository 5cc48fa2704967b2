#pragma once
// A minimal blocking HTTP/1.1 client for nimbus-manage's calls to a running
// API (plain TCP, one request per connection, Content-Length bodies).
#include <string>

namespace nimbus::tools {

struct http_reply {
  int status = 0; // 0: no answer
  std::string body;
};

/// POSTs `json` to http://host:port/path with the noauth2 `token`.
http_reply post_json(const std::string& host, int port, const std::string& path,
                     const std::string& json, const std::string& token);

} // namespace nimbus::tools
