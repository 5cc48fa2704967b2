// The aggregate filters the API cell runs: Nova's extra spec operators,
// AggregateInstanceExtraSpecsFilter and AggregateMultiTenancyIsolation.
#include <doctest/doctest.h>

#include "actors/scheduler/extra_spec_ops.h"
#include "compute/aggregate_filters.h"

using namespace nimbus;
using compute::aggregate_filters;
using compute::allowed_hosts;
using scheduler::extra_spec_matches;

namespace {

storage::aggregate aggregate_of(std::vector<std::string> hosts,
                                std::map<std::string, std::string> metadata) {
  storage::aggregate a;
  a.hosts = std::move(hosts);
  a.metadata = std::move(metadata);
  return a;
}

const std::vector<std::string> hosts{"h1", "h2", "h3"};

} // namespace

TEST_CASE("extra spec operators, as Nova's extra_specs_ops") {
  CHECK(extra_spec_matches("true", "true"));
  CHECK_FALSE(extra_spec_matches("false", "true"));
  CHECK(extra_spec_matches("8", "= 4")); // at least
  CHECK_FALSE(extra_spec_matches("2", "= 4"));
  CHECK(extra_spec_matches("4.0", "== 4"));
  CHECK(extra_spec_matches("3", "!= 4"));
  CHECK(extra_spec_matches("4", ">= 4"));
  CHECK(extra_spec_matches("4", "<= 4"));
  CHECK_FALSE(extra_spec_matches("x", ">= 4")); // not a number: no match
  CHECK(extra_spec_matches("abc", "s== abc"));
  CHECK(extra_spec_matches("abc", "s!= abd"));
  CHECK(extra_spec_matches("abc", "s< abd"));
  CHECK(extra_spec_matches("abd", "s> abc"));
  CHECK(extra_spec_matches("ssd,nvme", "<in> nvme"));
  CHECK(extra_spec_matches("ssd,nvme", "<all-in> ssd nvme"));
  CHECK_FALSE(extra_spec_matches("ssd", "<all-in> ssd nvme"));
  CHECK(extra_spec_matches("b", "<or> a <or> b <or> c"));
  CHECK_FALSE(extra_spec_matches("d", "<or> a <or> b"));
  CHECK_FALSE(extra_spec_matches("x", "<in>")); // an operator without operand
}

TEST_CASE("AggregateInstanceExtraSpecsFilter: unscoped and scoped specs must match an aggregate") {
  aggregate_filters on;
  on.instance_extra_specs = true;
  std::vector<storage::aggregate> aggs{aggregate_of({"h1"}, {{"ssd", "true"}}),
                                       aggregate_of({"h2"}, {{"ssd", "false"}})};
  auto ssd = allowed_hosts(on, aggs, hosts, {{"ssd", "true"}}, "p");
  REQUIRE(ssd);
  CHECK(*ssd == std::vector<std::string>{"h1"}); // h3 is in no aggregate: it fails
  auto scoped =
    allowed_hosts(on, aggs, hosts, {{"aggregate_instance_extra_specs:ssd", "false"}}, "p");
  REQUIRE(scoped);
  CHECK(*scoped == std::vector<std::string>{"h2"});
  // Other scopes are other filters' (hw:, quota:, ...): nothing is ruled out.
  CHECK_FALSE(allowed_hosts(on, aggs, hosts, {{"hw:cpu_policy", "dedicated"}}, "p"));
  CHECK_FALSE(allowed_hosts(on, aggs, hosts, {}, "p"));
  auto none = allowed_hosts(on, aggs, hosts, {{"gpu", "true"}}, "p");
  REQUIRE(none);
  CHECK(none->empty());
  CHECK_FALSE(allowed_hosts({}, aggs, hosts, {{"ssd", "true"}}, "p")); // not enabled
}

TEST_CASE("AggregateMultiTenancyIsolation: isolated hosts take only their projects") {
  aggregate_filters on;
  on.tenant_isolation = true;
  std::vector<storage::aggregate> aggs{
    aggregate_of({"h1"}, {{"filter_tenant_id", "p1, p2"}}),
    aggregate_of({"h2"}, {{"filter_tenant_id_2", "p3"}, {"other", "x"}})};
  auto p1 = allowed_hosts(on, aggs, hosts, {}, "p1");
  REQUIRE(p1);
  CHECK(*p1 == std::vector<std::string>{"h1", "h3"});
  auto p3 = allowed_hosts(on, aggs, hosts, {}, "p3");
  REQUIRE(p3);
  CHECK(*p3 == std::vector<std::string>{"h2", "h3"});
  auto stranger = allowed_hosts(on, aggs, hosts, {}, "p9");
  REQUIRE(stranger);
  CHECK(*stranger == std::vector<std::string>{"h3"});
  // No aggregate isolates anyone: nothing is ruled out.
  CHECK_FALSE(allowed_hosts(on, {aggregate_of({"h1"}, {{"ssd", "true"}})}, hosts, {}, "p9"));
}

TEST_CASE("aggregate filter names in enabled_filters") {
  auto f = compute::aggregate_filters_of(
    {"ComputeFilter", "AggregateInstanceExtraSpecsFilter", "AggregateMultiTenancyIsolation"});
  CHECK(f.instance_extra_specs);
  CHECK(f.tenant_isolation);
  CHECK_FALSE(compute::aggregate_filters_of({"ComputeFilter"}).any());
}
