#include <doctest/doctest.h>

#include "api/router.h"
#include "api/validation.h"

using namespace nimbus::api;

TEST_CASE("values print as Python prints them in Nova's messages") {
  auto body = parse_body(R"({"name": "x", "n": 1, "f": 1.0, "ok": true, "v": null, "l": ["a"]})");
  REQUIRE(body);
  CHECK(python_repr(*body) == "{'name': 'x', 'n': 1, 'f': 1.0, 'ok': True, 'v': None, 'l': ['a']}");
  CHECK(python_str(ordered_json("none")) == "none");
  CHECK(python_repr(ordered_json("it's")) == "\"it's\"");
  CHECK(
    invalid_input("networks", ordered_json("none"), "'none' is not of type 'array'")
    == "Invalid input for field/attribute networks. Value: none. 'none' is not of type 'array'");
  CHECK_FALSE(parse_body("{\"server\": {\"name\": \"x\","));
}

TEST_CASE("routes: literals beat captures, unknown paths 404, wrong methods 405") {
  router r;
  r.add("GET", "/v2.1/servers/{}", access::open(), [](const api_request&, const params& p) {
    return api_response{200, "show " + p[0], {}};
  });
  r.add("GET", "/v2.1/servers/detail", access::open(), [](const api_request&, const params&) {
    return api_response{200, "detail", {}};
  });
  r.add_async("DELETE", "/v2.1/servers/{}", access::open(),
              [](const api_request&, const params& p, const reply_fn& reply) {
                reply(api_response{204, "later " + p[0], {}});
              });
  auto dispatch = [&](const api_request& req) {
    api_response out{0, "no reply", {}};
    r.dispatch(req, [&](api_response resp) { out = std::move(resp); });
    return out;
  };
  api_request req;
  req.method = "GET";
  req.path = {"v2.1", "servers", "detail"};
  CHECK(dispatch(req).body == "detail");
  req.path = {"v2.1", "servers", "abc"};
  CHECK(dispatch(req).body == "show abc");
  req.method = "DELETE";
  CHECK(dispatch(req).body == "later abc");
  req.method = "PUT";
  CHECK(dispatch(req).status == 405);
  req.path = {"v2.1", "nothing"};
  CHECK(dispatch(req).status == 404);
}

TEST_CASE("routes: a caller rule is checked before the handler, with Nova's 403") {
  router r;
  int ran = 0;
  r.add("GET", "/v2.1/os-services", access::own("os_compute_api:os-services:list"),
        [&](const api_request&, const params&) {
          ++ran;
          return api_response{200, "services", {}};
        });
  nimbus::policy::rule_set rules;
  std::string why;
  REQUIRE(rules.set("os_compute_api:os-services:list", "role:admin", &why));
  api_request req;
  req.method = "GET";
  req.path = {"v2.1", "os-services"};
  req.creds.project_id = "p";
  req.creds.roles = {"member", "reader"};
  api_response out;
  auto answer = [&](api_response resp) { out = std::move(resp); };
  r.dispatch(req, answer); // no rules at all: refused
  CHECK(out.status == 403);
  req.policy = &rules;
  r.dispatch(req, answer);
  CHECK(out.status == 403);
  CHECK(out.body.find("Policy doesn't allow os_compute_api:os-services:list to be performed.")
        != std::string::npos);
  CHECK(ran == 0);
  req.creds.roles = {"admin"};
  r.dispatch(req, answer);
  CHECK(out.status == 200);
  CHECK(ran == 1);
}

TEST_CASE("bodies nested deeper than max_body_depth are refused before they are parsed") {
  CHECK(nesting_depth(R"({"a": [1, {"b": []}]})") == 4);
  CHECK(nesting_depth(R"({"a": "[[[[{{{{"})") == 1); // brackets inside strings do not count
  CHECK(nesting_depth(R"({"a": "\"[[["})") == 1);    // nor after an escaped quote
  CHECK(nesting_depth("]]]]") == 0);                 // not JSON: some number, no failure
  auto nested = [](std::size_t levels) {
    return "{\"server\": " + std::string(levels, '[') + std::string(levels, ']') + "}";
  };
  CHECK(parse_body(nested(max_body_depth - 1)));
  CHECK_FALSE(parse_body(nested(max_body_depth)));
  CHECK_FALSE(parse_body(nested(200000))); // a stack overflow in the parser before the cap
}
