#pragma once
// The libvirt driver: a real hypervisor through one libvirt connection.
// `test:///<path>.xml` URIs run libvirt's in-process test driver on a node
// description (see write_test_node_xml); each such connection has private
// state. `qemu:///system` drives real KVM/QEMU guests.
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "hypervisor/driver.h"

namespace nimbus::hypervisor {

struct libvirt_options {
  std::string uri = "test:///default";
  /// Domain type in the XML; empty: "test" for test:// URIs, "kvm" otherwise.
  std::string domain_type;
  /// Name reported as hypervisor_hostname; empty: what libvirt reports.
  std::string hostname;
  /// libvirt reports no disk for a node: the host's disk in GB comes from here.
  std::int64_t local_gb = 1000;
  /// How long power_off waits for a clean guest shutdown before pulling the plug.
  std::int32_t shutdown_timeout_s = 60;
  /// Real hypervisors ([libvirt] virt_type): kvm, or qemu (TCG, no /dev/kvm).
  std::string virt_type = "kvm";
  /// Where image data is (<data_dir>/images: the image store's files) and
  /// where this host keeps its image cache, tier pools and console logs.
  /// Guests get disks only when both are set (and the URI is not test://).
  std::string image_dir = {};
  std::string state_dir = {};
};

/// Connects; on failure returns null and sets *ec to errc::connection_failed.
std::unique_ptr<driver> make_libvirt_driver(const libvirt_options& opts, std::error_code* ec);

/// Writes a libvirt test-driver node description for a simulated host with
/// `vcpus` CPUs, `memory_mb` of memory, `pools` as its storage pools and no
/// domains. Creates parent
/// directories. Returns errc::operation_failed if the file cannot be written.
std::error_code write_test_node_xml(const std::string& path, std::int32_t vcpus,
                                    std::int64_t memory_mb,
                                    const std::vector<pool_info>& pools = {});

/// Routes libvirt's own error printing to our log (debug level) instead of
/// stderr. Called by make_libvirt_driver; idempotent.
void route_libvirt_errors_to_log();

} // namespace nimbus::hypervisor
