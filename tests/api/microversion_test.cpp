#include <doctest/doctest.h>

#include "api/microversion.h"

using namespace nimbus::api;

TEST_CASE("microversion headers: none, legacy, new, latest, garbage") {
  std::string raw;
  auto v = requested_version("", "", &raw);
  REQUIRE(v);
  CHECK(v->text() == "2.1");
  v = requested_version("", "2.37", &raw);
  REQUIRE(v);
  CHECK(v->text() == "2.37");
  v = requested_version("compute 2.60", "2.37", &raw); // the new header wins
  CHECK(v->text() == "2.60");
  v = requested_version("volume 3.0, compute 2.53", "", &raw);
  CHECK(v->text() == "2.53");
  v = requested_version("compute latest", "", &raw);
  CHECK(v->text() == max_version.text());
  v = requested_version("", "2.999", &raw);
  REQUIRE(v);
  CHECK_FALSE(in_range(*v));
  CHECK(raw == "2.999");
  CHECK_FALSE(requested_version("", "two", &raw));
  CHECK(in_range({2, 93}));
  CHECK_FALSE(in_range({2, 0}));
  CHECK_FALSE(in_range({3, 1}));
}
