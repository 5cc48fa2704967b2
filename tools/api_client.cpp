#include "tools/api_client.h"

#include <cstring>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

namespace nimbus::tools {

http_reply post_json(const std::string& host, int port, const std::string& path,
                     const std::string& json, const std::string& token) {
  http_reply reply;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0)
    return reply;
  int fd = -1;
  for (auto* a = found; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0)
    return reply;
  std::string request =
    "POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port)
    + "\r\nX-Auth-Token: " + token
    + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
    + std::to_string(json.size()) + "\r\n\r\n" + json;
  for (std::size_t sent = 0; sent < request.size();) {
    auto n = send(fd, request.data() + sent, request.size() - sent, 0);
    if (n <= 0) {
      close(fd);
      return reply;
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
    response.append(buf, static_cast<std::size_t>(n));
  close(fd);
  auto head_end = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos)
    return reply;
  reply.status = std::atoi(response.c_str() + response.find(' ') + 1);
  reply.body = response.substr(head_end + 4);
  return reply;
}

} // namespace nimbus::tools
