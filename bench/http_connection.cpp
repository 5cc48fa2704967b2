#include "bench/http_connection.h"

#include <cstring>
#include <strings.h>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace nimbus::bench {

http_connection::~http_connection() {
  if (fd_ >= 0)
    close(fd_);
}

bool http_connection::connect() {
  if (fd_ >= 0)
    close(fd_);
  fd_ = -1;
  buf_.clear();
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host_.c_str(), std::to_string(port_).c_str(), &hints, &found) != 0)
    return false;
  for (auto* a = found; a && fd_ < 0; a = a->ai_next) {
    fd_ = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd_ >= 0 && ::connect(fd_, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  freeaddrinfo(found);
  if (fd_ >= 0) {
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd_ >= 0;
}

bool http_connection::send_all(const std::string& data) {
  for (std::size_t sent = 0; sent < data.size();) {
    auto n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool http_connection::fill() {
  char tmp[16384];
  auto n = recv(fd_, tmp, sizeof tmp, 0);
  if (n <= 0)
    return false;
  buf_.append(tmp, static_cast<std::size_t>(n));
  return true;
}

bool http_connection::read_response(response* out) {
  std::size_t head_end;
  while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos)
    if (!fill())
      return false;
  auto head = buf_.substr(0, head_end);
  buf_.erase(0, head_end + 4);
  auto sp = head.find(' ');
  out->status = sp == std::string::npos ? 0 : std::atoi(head.c_str() + sp + 1);
  long length = -1;
  bool chunked = false;
  std::size_t pos = 0;
  while ((pos = head.find("\r\n", pos)) != std::string::npos) {
    pos += 2;
    if (strncasecmp(head.c_str() + pos, "content-length:", 15) == 0)
      length = std::atol(head.c_str() + pos + 15);
    if (strncasecmp(head.c_str() + pos, "transfer-encoding:", 18) == 0
        && head.find("chunked", pos) != std::string::npos)
      chunked = true;
  }
  out->body.clear();
  if (chunked) {
    for (;;) {
      std::size_t eol;
      while ((eol = buf_.find("\r\n")) == std::string::npos)
        if (!fill())
          return false;
      auto size = std::strtoul(buf_.c_str(), nullptr, 16);
      buf_.erase(0, eol + 2);
      while (buf_.size() < size + 2)
        if (!fill())
          return false;
      out->body.append(buf_, 0, size);
      buf_.erase(0, size + 2);
      if (size == 0)
        return true;
    }
  }
  if (length < 0)
    length = 0;
  while (buf_.size() < static_cast<std::size_t>(length))
    if (!fill())
      return false;
  out->body = buf_.substr(0, static_cast<std::size_t>(length));
  buf_.erase(0, static_cast<std::size_t>(length));
  return true;
}

response http_connection::request(const std::string& method, const std::string& path,
                                  const std::string& body, const std::string& extra_headers) {
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: " + host_ + ":"
                    + std::to_string(port_) + "\r\nX-Auth-Token: " + token_ + "\r\n"
                    + extra_headers;
  if (!body.empty())
    req +=
      "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0 && !connect())
      continue;
    response r;
    if (send_all(req) && read_response(&r))
      return r;
    close(fd_);
    fd_ = -1;
  }
  return {};
}

} // namespace nimbus::bench
