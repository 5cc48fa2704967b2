#pragma once
// An HTTP request and response as the handlers see them: no Beast or Asio
// types, so only http_server.cpp pays for their headers.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/microversion.h"
#include "compute/compute_api.h"
#include "policy/rule.h"

namespace nimbus::api {

/// Header names are stored lower-case.
using header_map = std::map<std::string, std::string>;

struct api_request {
  std::string method;
  std::vector<std::string> path; // decoded segments, without empty ones
  std::multimap<std::string, std::string> query;
  /// The path ended in '/': an empty last segment, which a route with a
  /// trailing parameter (an id) may refuse as Nova's router does.
  bool trailing_slash = false;
  header_map headers;
  std::string body;
  /// Set instead of `body` when the listener spooled the body to a file (an
  /// image upload, http_server.h's spool_policy). The handler adopts the
  /// file or leaves it: the listener removes what is left once answered.
  std::string body_file;
  std::string base_url; // scheme://host:port as the client addressed us
  std::string request_id;
  microversion version;
  compute::request_context ctx;
  /// What the token says of its holder (roles with the implied ones), and
  /// the rules to judge it by: set by the service before routing.
  policy::credentials creds;
  const policy::rule_set* policy = nullptr;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string{} : it->second;
  }
  /// The first value of a query parameter, or "" if absent.
  std::string param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string{} : it->second;
  }
  bool has_param(const std::string& name) const { return query.count(name) > 0; }
};

/// A response body read from a file: `length` bytes from `offset`.
struct file_slice {
  std::string path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct api_response {
  int status = 200;
  std::string body; // JSON text (unless headers say another content-type); empty for no body
  header_map headers;
  /// Sent instead of `body` when set (an image download), streamed.
  std::optional<file_slice> file = std::nullopt;
};

/// Where a request's response goes; called exactly once, from any thread.
using reply_fn = std::function<void(api_response)>;

} // namespace nimbus::api
