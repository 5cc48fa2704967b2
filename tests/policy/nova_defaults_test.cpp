// Nova's default policy: who may do what, by role and project, as the
// secure-RBAC defaults say.
#include <doctest/doctest.h>

#include <set>

#include "policy/nova_defaults.h"

using namespace nimbus::policy;

namespace {

// Keystone's implied roles are expanded by whoever builds the credentials.
credentials holder(const std::string& project, std::vector<std::string> roles) {
  credentials c;
  c.user_id = "u-" + project;
  c.project_id = project;
  c.roles = std::move(roles);
  return c;
}

const credentials admin = holder("admin-project", {"admin", "member", "reader"});
const credentials member = holder("p1", {"member", "reader"});
const credentials reader = holder("p1", {"reader"});
const credentials stranger = holder("p2", {"member", "reader"});

rule_set defaults() {
  std::string why;
  auto set = make_rule_set({}, &why);
  REQUIRE_MESSAGE(set, why);
  return *set;
}

} // namespace

TEST_CASE("nova defaults: every rule parses, names are unique, rule: references resolve") {
  std::set<std::string> names;
  for (auto& r : nova_defaults()) {
    CAPTURE(r.name);
    CHECK(names.insert(r.name).second);
    std::string why;
    CHECK(rule::parse(r.check, &why));
    std::string check = r.check;
    for (auto at = check.find("rule:"); at != std::string::npos; at = check.find("rule:", at + 1)) {
      auto end = check.find(' ', at);
      auto ref = check.substr(at + 5, end == std::string::npos ? std::string::npos : end - at - 5);
      CHECK_MESSAGE(defaults().has(ref), ref);
    }
  }
}

TEST_CASE("nova defaults: a server's readers, members, admins and strangers") {
  auto s = defaults();
  target server{{"project_id", "p1"}, {"user_id", "u-p1"}};
  for (auto* rule : {"os_compute_api:servers:show", "os_compute_api:os-instance-actions:list"}) {
    CAPTURE(rule);
    CHECK(s.allows(rule, reader, server));
    CHECK(s.allows(rule, member, server));
    CHECK(s.allows(rule, admin, server));
    CHECK_FALSE(s.allows(rule, stranger, server));
  }
  for (auto* rule : {"os_compute_api:servers:stop", "os_compute_api:servers:delete",
                     "os_compute_api:servers:reboot"}) {
    CAPTURE(rule);
    CHECK_FALSE(s.allows(rule, reader, server));
    CHECK(s.allows(rule, member, server));
    CHECK(s.allows(rule, admin, server));
    CHECK_FALSE(s.allows(rule, stranger, server));
  }
  for (auto* rule :
       {"os_compute_api:servers:index:get_all_tenants", "os_compute_api:os-flavor-manage:create",
        "os_compute_api:os-hypervisors:list", "os_compute_api:os-services:list",
        "os_compute_api:os-extended-server-attributes"}) {
    CAPTURE(rule);
    CHECK_FALSE(s.allows(rule, member, server));
    CHECK(s.allows(rule, admin, {}));
  }
  CHECK(s.allows("os_compute_api:limits", reader, {}));
}

TEST_CASE("nova defaults: a policy.yaml overrides a rule by name, and a bad one is refused") {
  std::string why;
  auto set = make_rule_set({{"os_compute_api:servers:create", "rule:context_is_admin"}}, &why);
  REQUIRE(set);
  target own{{"project_id", "p1"}};
  CHECK_FALSE(set->allows("os_compute_api:servers:create", member, own));
  CHECK(set->allows("os_compute_api:servers:create", admin, own));
  CHECK_FALSE(make_rule_set({{"os_compute_api:servers:create", "role:admin or"}}, &why));
  CHECK(why.rfind("policy rule os_compute_api:servers:create: ", 0) == 0);
}
