// ComputeCapabilitiesFilter and ImagePropertiesFilter in the engine.
#include <doctest/doctest.h>

#include "actors/scheduler/placement_engine.h"
#include "storage/records.h"

using namespace nimbus::scheduler;

namespace {

host_capabilities caps(const std::string& type, const std::string& arch, std::int64_t version) {
  nimbus::storage::compute_node node;
  node.hypervisor_type = type;
  node.hypervisor_version = version;
  node.cpu_info = "{\"arch\": \"" + arch + "\", \"topology\": {\"cores\": 4}}";
  return capabilities_of(node);
}

} // namespace

TEST_CASE("capability and image filters keep to the hosts that have what is asked") {
  placement_engine e({});
  e.update_host("qemu-x86", 8, 8192, 100, 1, caps("QEMU", "x86_64", 8002000));
  e.update_host("qemu-arm", 8, 8192, 100, 1, caps("QEMU", "aarch64", 6000000));
  placement_hints arm;
  arm.capabilities = capability_specs({{"capabilities:cpu_info:arch", "aarch64"}, {"ssd", "x"}});
  REQUIRE(arm.capabilities.size() == 1); // unscoped non-attributes are ignored
  auto c = e.select("u1", {1, 64, 1}, {}, 2, arm);
  REQUIRE(c);
  CHECK(c->host == "qemu-arm");
  placement_hints image;
  image.image = image_needs_of({{"architecture", "amd64"}, {"img_hv_type", "kvm"}});
  c = e.select("u2", {1, 64, 1}, {}, 2, image);
  REQUIRE(c);
  CHECK(c->host == "qemu-x86");
  image.image =
    image_needs_of({{"hw_architecture", "x86_64"}, {"img_hv_requested_version", ">= 9.0"}});
  CHECK_FALSE(e.select("u3", {1, 64, 1}, {}, 2, image)); // 8.2 is too old
  image.image = image_needs_of({{"hw_architecture", "ppc64le"}});
  CHECK_FALSE(e.select("u4", {1, 64, 1}, {}, 2, image));
}
