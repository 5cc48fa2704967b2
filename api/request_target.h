#pragma once
// The request target of an HTTP request line ("/v2.1/servers?name=a%20b")
// into decoded path segments and query parameters. Total: any bytes give a
// result, never an exception; a '%' not followed by two hex digits stays as
// it is (as Python's urllib.parse.unquote, which Nova's stack uses, leaves it).
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::api {

struct request_target {
  std::vector<std::string> path; // decoded segments, without empty ones
  std::multimap<std::string, std::string> query;
  bool trailing_slash = false; // the path ends in '/' (after at least one segment)
};

/// Percent-decodes `text`; with `plus_is_space` a '+' decodes to ' ' (query strings).
std::string percent_decode(std::string_view text, bool plus_is_space);

request_target parse_request_target(std::string_view target);

/// Percent-encodes a query component: everything but RFC 3986's unreserved
/// characters.
std::string percent_encode(std::string_view text);

/// "k=v&k2=v2" of `query` (encoded), leaving out the keys in `skip`.
std::string query_string(const std::multimap<std::string, std::string>& query,
                         const std::vector<std::string>& skip);

} // namespace nimbus::api
