// policy.yaml: rule overrides by name, read as oslo.policy reads them.
#include <doctest/doctest.h>

#include <fstream>

#include "policy/nova_defaults.h"
#include "policy/policy_file.h"
#include "tests/support/temp_dir.h"

using namespace nimbus::policy;

namespace {

std::string write_file(const nimbus::test::temp_dir& dir, const std::string& text) {
  auto path = dir.path() + "/policy.yaml";
  std::ofstream(path) << text;
  return path;
}

} // namespace

TEST_CASE("a missing policy file is no overrides") {
  nimbus::test::temp_dir dir;
  std::string why;
  auto rules = read_policy_file(dir.path() + "/absent.yaml", &why);
  REQUIRE(rules);
  CHECK(rules->empty());
}

TEST_CASE("overrides replace the default of their name") {
  nimbus::test::temp_dir dir;
  std::string why;
  auto path = write_file(dir, "# reader may create\n"
                              "\"os_compute_api:servers:create\": \"role:reader\"\n"
                              "os_compute_api:os-services:list: '@'\n"
                              "empty_rule: \"\"\n");
  auto overrides = read_policy_file(path, &why);
  REQUIRE_MESSAGE(overrides, why);
  CHECK(overrides->size() == 3);
  auto set = make_rule_set(*overrides, &why);
  REQUIRE_MESSAGE(set, why);
  credentials reader;
  reader.user_id = "u";
  reader.project_id = "p";
  reader.roles = {"reader"};
  CHECK(set->allows("os_compute_api:servers:create", reader, {{"project_id", "p"}}));
  CHECK(set->allows("os_compute_api:os-services:list", reader, {}));
  CHECK_FALSE(set->allows("os_compute_api:servers:delete", reader, {{"project_id", "p"}}));
}

TEST_CASE("a policy file that is not a mapping of strings is refused with why") {
  nimbus::test::temp_dir dir;
  for (auto text : {"- a\n- b\n", "rule: [1, 2]\n", "rule: {a: b}\n", "\"unclosed: x\n"}) {
    INFO(text);
    std::string why;
    CHECK_FALSE(read_policy_file(write_file(dir, text), &why));
    CHECK(why.find("policy.yaml") != std::string::npos);
  }
}

TEST_CASE("an override that does not parse is refused naming its rule") {
  std::string why;
  CHECK_FALSE(make_rule_set({{"os_compute_api:servers:index", "role:reader and or"}}, &why));
  CHECK(why.find("os_compute_api:servers:index") != std::string::npos);
}
