// Every route of the compute API is held to a policy rule (or declared
// open, where Nova has none), and to tests/api/route_access.json, the list
// the end-to-end walk calls as every persona: a route added without a
// decision on who may call it fails here.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "api/authenticator.h"
#include "api/service.h"
#include "compute/compute_api.h"
#include "policy/nova_defaults.h"

using namespace nimbus;

namespace {

nlohmann::json route_access() {
  std::ifstream in(std::string(NIMBUS_SOURCE_DIR) + "/tests/api/route_access.json");
  REQUIRE(in);
  return nlohmann::json::parse(in)["routes"];
}

// The service's routes; registering them asks nothing of the cells.
std::vector<api::router::entry> service_routes() {
  compute::compute_api compute(nullptr);
  auto auth = api::make_noauth2_authenticator();
  std::string why;
  auto rules = policy::make_rule_set({}, &why);
  REQUIRE(rules);
  api::compute_service service(compute, *auth, *rules);
  return service.routes();
}

} // namespace

TEST_CASE("every route names rules the policy has, or is open") {
  std::string why;
  auto rules = policy::make_rule_set({}, &why);
  REQUIRE(rules);
  auto routes = service_routes();
  REQUIRE(routes.size() > 20);
  for (auto& r : routes) {
    INFO(r.method << " " << r.pattern);
    if (r.who.when == api::access::scope::open) {
      CHECK(r.who.rules.empty());
      continue;
    }
    REQUIRE_FALSE(r.who.rules.empty());
    for (auto& name : r.who.rules)
      CHECK_MESSAGE(rules->has(name), name);
  }
}

TEST_CASE("the router's table is the walked list of routes, open ones alike") {
  std::set<std::tuple<std::string, std::string, bool>> served, listed;
  for (auto& r : service_routes())
    served.emplace(r.method, r.pattern, r.who.when == api::access::scope::open);
  for (auto& r : route_access())
    listed.emplace(r["method"].get<std::string>(), r["pattern"].get<std::string>(),
                   r.value("open", false));
  for (auto& route : served)
    CHECK_MESSAGE(listed.count(route), std::get<0>(route) << " " << std::get<1>(route)
                                                          << " is not in route_access.json");
  for (auto& route : listed)
    CHECK_MESSAGE(served.count(route),
                  std::get<0>(route) << " " << std::get<1>(route) << " is not served as listed");
}

TEST_CASE("an open route refuses nobody a token lets in, a ruled one lists every persona") {
  for (auto& r : route_access()) {
    INFO(r["method"].get<std::string>() << " " << r["pattern"].get<std::string>());
    if (r.value("open", false))
      continue;
    for (auto persona : {"admin", "member", "reader", "other"})
      CHECK_MESSAGE(r.contains(persona), persona);
  }
}
