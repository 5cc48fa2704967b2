// docs/POLICY.md lists every default rule as the code has it: the page
// operators write their policy.yaml from cannot drift from the defaults.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "policy/keystone_defaults.h"
#include "policy/nova_defaults.h"

TEST_CASE("docs/POLICY.md lists every default rule with its default") {
  std::ifstream in(std::string(NIMBUS_SOURCE_DIR) + "/docs/POLICY.md");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = text.str();
  for (auto* defaults : {&nimbus::policy::nova_defaults(), &nimbus::policy::keystone_defaults()})
    for (auto& r : *defaults) {
      auto row = std::string("| `") + r.name + "` | `" + r.check + "` |";
      CHECK_MESSAGE(doc.find(row) != std::string::npos, row);
    }
}
