// ?name= patterns from any client: searched as Python's re.search would,
// in linear time, refused when too long or not a regular expression.
#include <doctest/doctest.h>

#include <string>

#include "compute/name_filter.h"

using nimbus::compute::name_filter;

TEST_CASE("name filter: a pattern is searched for anywhere in the name") {
  std::string why;
  auto f = name_filter::compile("web-[0-9]+$", &why);
  REQUIRE(f);
  CHECK(f->matches("prod-web-12"));
  CHECK_FALSE(f->matches("web-12a"));
}

TEST_CASE("name filter: anchored, as ?ip= matches (re.match), with the parameter's name") {
  std::string why;
  auto f = name_filter::compile("10\\.1\\.", &why, "ip", true);
  REQUIRE(f);
  CHECK(f->matches("10.1.0.5"));
  CHECK_FALSE(f->matches("110.1.0.5")); // anywhere would match
  CHECK_FALSE(name_filter::compile("(", &why, "ip", true));
  CHECK(why.find("query parameters ip.") != std::string::npos);
}

TEST_CASE("name filter: catastrophic patterns answer at once, bad ones are refused") {
  std::string why;
  auto f = name_filter::compile("(a|a)*b", &why);
  REQUIRE(f);
  CHECK_FALSE(f->matches(std::string(100000, 'a'))); // a backtracking engine never returns
  CHECK_FALSE(name_filter::compile("(", &why));
  CHECK(why.find("is not a 'regex'") != std::string::npos);
  CHECK_FALSE(name_filter::compile(std::string(name_filter::max_pattern_size + 1, 'a'), &why));
  CHECK(why.find("too long") != std::string::npos);
  CHECK_FALSE(name_filter::compile(std::string(20000, '('), &why));
}
