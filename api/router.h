#pragma once
// Routes (method, path pattern) to handlers. A pattern is a path whose
// segments are literals or "{}" (captured, in order, into `params`). Among
// matching patterns the one with the fewest captures wins, so
// /servers/detail beats /servers/{}.
//
// Every route says who may call it (its `access`): there is no way to add
// one without, and table() lists them all, so a test can hold every route to
// a rule of the policy.
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

/// Who may call a route, by the policy's rule names (policy/nova_defaults.h).
struct access {
  enum class scope {
    open,   // no rule, as in Nova: version documents, flavor lists, the image proxy
    caller, // rules[0], checked before the handler on the caller's own project
    owner,  // the handler checks one of `rules` on the owner of what it acts on
  };
  scope when = scope::open;
  std::vector<std::string> rules;

  static access open() { return {}; }
  static access own(std::string rule) { return {scope::caller, {std::move(rule)}}; }
  static access owner(std::vector<std::string> rules) { return {scope::owner, std::move(rules)}; }
};

/// How the router words its own refusals (404, 405, 403): Nova's fault
/// body by default, Keystone's on the identity port.
using fault_fn = api_response (*)(int status, const std::string& message);

class router {
public:
  explicit router(fault_fn fault = nullptr) : fault_(fault) {}
  void add(std::string method, const std::string& pattern, access who, handler_fn fn);
  void add_async(std::string method, const std::string& pattern, access who, async_handler_fn fn);
  /// 404 when no pattern matches the path, 405 when one matches but not the
  /// method (404 when the path ends in '/' where the method takes an id),
  /// 403 when the route's caller rule refuses.
  void dispatch(const api_request& req, reply_fn reply) const;
  /// Whether some route matches the path (any method).
  bool knows(const std::vector<std::string>& path) const;

  struct entry {
    std::string method;
    std::string pattern;
    access who;
  };
  /// Every route, in the order added.
  std::vector<entry> table() const;

private:
  struct route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    int captures = 0;
    access who;
    async_handler_fn fn;
  };
  static bool match(const route& r, const std::vector<std::string>& path, params* out);
  bool names_empty_id(const api_request& req) const;
  api_response refusal(int status, const std::string& message) const;
  std::vector<route> routes_;
  fault_fn fault_;
};

} // namespace nimbus::api
