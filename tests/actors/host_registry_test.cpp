// A cell's host registry: hosts join by reporting, operators change and
// delete their services, and a deleted host that reports again is new.
#include <doctest/doctest.h>

#include "actors/conductor/host_registry.h"

using namespace nimbus;

namespace {

host_report report_of(const std::string& host) {
  host_report r;
  r.node.host = host;
  r.node.vcpus = 8;
  r.node.memory_mb = 8192;
  r.node.local_gb = 100;
  return r;
}

} // namespace

TEST_CASE("host registry: a deleted service is forgotten, and its host joins again as new") {
  conductor::host_registry hosts;
  storage::write_batch batch;
  CHECK(hosts.on_report(report_of("h1"), host_actor{}, 1'000'000, batch));
  auto services = hosts.services(1'000'000, std::chrono::seconds(60));
  REQUIRE(services.size() == 1);
  auto uuid = services[0].service.uuid;
  CHECK(hosts.host_of(uuid) == "h1");

  service_change disable;
  disable.set_status = true;
  disable.disabled = true;
  disable.disabled_reason = "maintenance";
  storage::write_batch changed;
  CHECK(hosts.change(uuid, disable, changed) == "h1");
  CHECK_FALSE(hosts.schedulable("h1"));

  storage::write_batch removed;
  CHECK(hosts.remove("no-such-uuid", removed).empty());
  CHECK(removed.empty());
  CHECK(hosts.remove(uuid, removed) == "h1");
  CHECK_FALSE(removed.empty()); // the service and compute node deletes
  CHECK(hosts.services(1'000'000, std::chrono::seconds(60)).empty());
  CHECK(hosts.host_of(uuid).empty());
  CHECK(hosts.schedulable("h1")); // unknown hosts are not held back

  storage::write_batch again;
  CHECK(hosts.on_report(report_of("h1"), host_actor{}, 2'000'000, again)); // joined
  auto rejoined = hosts.services(2'000'000, std::chrono::seconds(60));
  REQUIRE(rejoined.size() == 1);
  CHECK(rejoined[0].service.uuid != uuid);
  CHECK_FALSE(rejoined[0].service.disabled);
}
