#pragma once
// An HTTP request and response as the handlers see them: no Beast or Asio
// types, so only http_server.cpp pays for their headers.
#include <functional>
#include <map>
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

struct api_response {
  int status = 200;
  std::string body; // JSON text; empty for no body
  header_map headers;
};

/// Where a request's response goes; called exactly once, from any thread.
using reply_fn = std::function<void(api_response)>;

} // namespace nimbus::api
