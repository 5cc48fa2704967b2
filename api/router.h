#pragma once
// Routes (method, path pattern) to handlers. A pattern is a path whose
// segments are literals or "{}" (captured, in order, into `params`). Among
// matching patterns the one with the fewest captures wins, so
// /servers/detail beats /servers/{}.
#include <functional>
#include <string>
#include <vector>

#include "api/http_types.h"

namespace nimbus::api {

using params = std::vector<std::string>;
/// Answers at once.
using handler_fn = std::function<api_response(const api_request&, const params&)>;
/// Answers through `reply`, now or later from another thread, without
/// blocking. The request stays valid for as long as `reply` is held.
using async_handler_fn = std::function<void(const api_request&, const params&, reply_fn reply)>;

class router {
public:
  void add(std::string method, const std::string& pattern, handler_fn fn);
  void add_async(std::string method, const std::string& pattern, async_handler_fn fn);
  /// 404 when no pattern matches the path, 405 when one matches but not the method.
  void dispatch(const api_request& req, reply_fn reply) const;
  /// Whether some route matches the path (any method).
  bool knows(const std::vector<std::string>& path) const;

private:
  struct route {
    std::string method;
    std::vector<std::string> segments;
    int captures = 0;
    async_handler_fn fn;
  };
  static bool match(const route& r, const std::vector<std::string>& path, params* out);
  std::vector<route> routes_;
};

} // namespace nimbus::api
