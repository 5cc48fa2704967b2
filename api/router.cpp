#include "api/router.h"

#include <sstream>

#include "api/authorization.h"
#include "api/faults.h"

namespace nimbus::api {

void router::add(std::string method, const std::string& pattern, access who, handler_fn fn) {
  add_async(std::move(method), pattern, std::move(who),
            [fn = std::move(fn)](const api_request& req, const params& p, const reply_fn& reply) {
              reply(fn(req, p));
            });
}

void router::add_async(std::string method, const std::string& pattern, access who,
                       async_handler_fn fn) {
  route r;
  r.method = std::move(method);
  r.pattern = pattern;
  r.who = std::move(who);
  std::stringstream ss(pattern);
  std::string seg;
  while (std::getline(ss, seg, '/'))
    if (!seg.empty()) {
      r.captures += seg == "{}" ? 1 : 0;
      r.segments.push_back(seg);
    }
  r.fn = std::move(fn);
  routes_.push_back(std::move(r));
}

bool router::match(const route& r, const std::vector<std::string>& path, params* out) {
  if (r.segments.size() != path.size())
    return false;
  out->clear();
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (r.segments[i] == "{}")
      out->push_back(path[i]);
    else if (r.segments[i] != path[i])
      return false;
  }
  return true;
}

bool router::knows(const std::vector<std::string>& path) const {
  params p;
  for (auto& r : routes_)
    if (match(r, path, &p))
      return true;
  return false;
}

api_response router::refusal(int status, const std::string& message) const {
  return fault_ ? fault_(status, message) : fault_response(status, message);
}

std::vector<router::entry> router::table() const {
  std::vector<entry> out;
  out.reserve(routes_.size());
  for (auto& r : routes_)
    out.push_back({r.method, r.pattern, r.who});
  return out;
}

// "DELETE /images/": the method's route takes an id, and the id is empty.
// Nova's and Glance's routers answer 404 there, not 405.
bool router::names_empty_id(const api_request& req) const {
  if (!req.trailing_slash)
    return false;
  auto with_id = req.path;
  with_id.emplace_back();
  params p;
  for (auto& r : routes_)
    if (r.method == req.method && !r.segments.empty() && r.segments.back() == "{}"
        && match(r, with_id, &p))
      return true;
  return false;
}

void router::dispatch(const api_request& req, reply_fn reply) const {
  const route* best = nullptr;
  params best_params, p;
  bool path_known = false;
  for (auto& r : routes_) {
    if (!match(r, req.path, &p))
      continue;
    path_known = true;
    if (r.method != req.method)
      continue;
    if (!best || r.captures < best->captures) {
      best = &r;
      best_params = p;
    }
  }
  if (best && best->who.when == access::scope::caller
      && !allowed(req, best->who.rules.front(), own_target(req)))
    reply(fault_ ? fault_(403, "You are not authorized to perform the requested action: "
                                 + best->who.rules.front() + ".")
                 : forbidden_by_policy(best->who.rules.front()));
  else if (best)
    best->fn(req, best_params, std::move(reply));
  else if (path_known && !names_empty_id(req))
    reply(refusal(405, "The method specified is not allowed for this resource."));
  else
    reply(refusal(404, "The resource could not be found."));
}

} // namespace nimbus::api
