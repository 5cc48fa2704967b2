// oslo.policy's rule language as Nova's defaults and policy.yaml use it.
#include <doctest/doctest.h>

#include "policy/rule.h"

using namespace nimbus::policy;

namespace {

credentials member_of(const std::string& project) {
  credentials c;
  c.user_id = "alice";
  c.project_id = project;
  c.roles = {"member", "reader"};
  return c;
}

credentials admin() {
  credentials c;
  c.user_id = "root";
  c.project_id = "admin-project";
  c.roles = {"Admin"}; // role names compare in any case
  c.is_admin_project = true;
  return c;
}

rule_set nova_like() {
  rule_set s;
  std::string why;
  REQUIRE(s.set("context_is_admin", "role:admin", &why));
  REQUIRE(s.set("admin_or_owner", "is_admin:True or project_id:%(project_id)s", &why));
  REQUIRE(s.set("project_member_api", "role:member and project_id:%(project_id)s", &why));
  REQUIRE(s.set("project_reader_or_admin",
                "(role:reader and project_id:%(project_id)s) or rule:context_is_admin", &why));
  REQUIRE(s.set("os_compute_api:servers:create", "rule:project_member_api", &why));
  REQUIRE(s.set("os_compute_api:servers:index", "rule:project_reader_or_admin", &why));
  REQUIRE(s.set("os_compute_api:servers:index:get_all_tenants", "rule:context_is_admin", &why));
  REQUIRE(s.set("os_compute_api:os-flavor-manage:create", "rule:context_is_admin", &why));
  return s;
}

} // namespace

TEST_CASE("policy: project scoping and roles, as Nova's defaults") {
  auto s = nova_like();
  target own{{"project_id", "p1"}}, other{{"project_id", "p2"}};
  CHECK(s.allows("os_compute_api:servers:create", member_of("p1"), own));
  CHECK_FALSE(s.allows("os_compute_api:servers:create", member_of("p1"), other));
  CHECK(s.allows("os_compute_api:servers:index", member_of("p1"), own));
  CHECK_FALSE(s.allows("os_compute_api:servers:index", member_of("p1"), other));
  CHECK(s.allows("os_compute_api:servers:index", admin(), other));
  CHECK_FALSE(s.allows("os_compute_api:servers:index:get_all_tenants", member_of("p1"), own));
  CHECK(s.allows("os_compute_api:servers:index:get_all_tenants", admin(), own));
  CHECK_FALSE(s.allows("os_compute_api:os-flavor-manage:create", member_of("p1"), {}));
  // A reader who is not a member reads but does not create.
  credentials reader = member_of("p1");
  reader.roles = {"reader"};
  CHECK(s.allows("os_compute_api:servers:index", reader, own));
  CHECK_FALSE(s.allows("os_compute_api:servers:create", reader, own));
}

TEST_CASE("policy: operators, precedence, always and never") {
  rule_set s;
  std::string why;
  auto check = [&](const std::string& text, const credentials& c, const target& t = {}) {
    REQUIRE(s.set("r", text, &why));
    return s.allows("r", c, t);
  };
  auto m = member_of("p1");
  CHECK(check("", m)); // an empty rule allows
  CHECK(check("@", m));
  CHECK_FALSE(check("!", m));
  CHECK(check("not role:admin", m));
  CHECK_FALSE(check("not role:member", m));
  // not > and > or: "!" or (role:member and not role:admin)
  CHECK(check("! or role:member and not role:admin", m));
  CHECK_FALSE(check("(! or role:member) and role:admin", m));
  CHECK(check("((role:member))", m));
  CHECK(check("user_id:%(user_id)s", m, {{"user_id", "alice"}}));
  CHECK_FALSE(check("user_id:%(user_id)s", m, {})); // no such target field
  CHECK(check("'alice':%(user_id)s", m, {{"user_id", "alice"}}));
  CHECK(check("is_admin_project:True", admin()));
  CHECK_FALSE(check("is_admin_project:True", m));
  CHECK_FALSE(check("nonsense_key:x", m)); // a credential that does not exist
}

TEST_CASE("policy: text that is not a rule is refused with why") {
  std::string why;
  for (auto text : {"role:admin or", "(role:admin", "role:admin)", "and role:admin", "admin",
                    "role:a or or role:b", ":x"}) {
    CAPTURE(text);
    why.clear();
    CHECK_FALSE(rule::parse(text, &why));
    CHECK_FALSE(why.empty());
  }
}

TEST_CASE("policy: unknown rules and loops of rules deny") {
  rule_set s;
  std::string why;
  REQUIRE(s.set("a", "rule:b", &why));
  REQUIRE(s.set("b", "rule:a", &why));
  REQUIRE(s.set("c", "rule:missing or role:member", &why));
  auto m = member_of("p1");
  CHECK_FALSE(s.allows("a", m, {}));
  CHECK_FALSE(s.allows("nowhere", m, {}));
  CHECK(s.allows("c", m, {})); // the unknown branch denies, the other allows
  CHECK(s.has("a"));
  CHECK_FALSE(s.has("nowhere"));
  // policy.yaml overrides a default by name
  REQUIRE(s.set("c", "!", &why));
  CHECK_FALSE(s.allows("c", m, {}));
}
