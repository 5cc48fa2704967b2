// Request targets from any bytes a client sends: decoded, never a throw.
#include <doctest/doctest.h>

#include "api/request_target.h"

using namespace nimbus::api;

TEST_CASE("request target: paths and queries are split, then decoded") {
  auto t = parse_request_target("/v2.1//servers/a%20b?name=x%2By+z&limit=5&flag&=v");
  REQUIRE(t.path.size() == 3);
  CHECK(t.path[2] == "a b");
  CHECK(t.query.find("name")->second == "x+y z");
  CHECK(t.query.find("limit")->second == "5");
  CHECK(t.query.count("flag") == 1);
  CHECK(t.query.find("")->second == "v");
}

TEST_CASE("request target: a bad escape stays as it was sent") {
  CHECK(percent_decode("%ZZ%", false) == "%ZZ%");
  CHECK(percent_decode("%2", false) == "%2");
  CHECK(percent_decode("%FF", false) == "\xff");
  auto t = parse_request_target("/?x=%ZZ&y=%");
  CHECK(t.path.empty());
  CHECK(t.query.find("x")->second == "%ZZ");
  CHECK(t.query.find("y")->second == "%");
}

TEST_CASE("a target's trailing slash is noted, not a segment") {
  CHECK(nimbus::api::parse_request_target("/v2.1/os-simple-tenant-usage/?start=x").trailing_slash);
  CHECK_FALSE(nimbus::api::parse_request_target("/v2.1/os-simple-tenant-usage?x=/").trailing_slash);
  CHECK_FALSE(nimbus::api::parse_request_target("/").trailing_slash);
  CHECK(nimbus::api::parse_request_target("/v2.1//").path.size() == 1);
}
