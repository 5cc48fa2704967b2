#pragma once
// What a host is, beyond its size, for the filters that compare it with a
// request: ComputeCapabilitiesFilter (a flavor's `capabilities:` extra specs
// against the host's attributes) and ImagePropertiesFilter (an image's
// architecture, hypervisor type, vm mode and hypervisor version against the
// instances the host supports). Plain data and functions, no CAF.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nimbus::storage {
struct compute_node;
}

namespace nimbus::scheduler {

struct host_state;

struct host_capabilities {
  std::string hypervisor_type; // as libvirt names it: "QEMU", "Test"; "fake"
  std::int64_t hypervisor_version =
    0; // libvirt's number: major * 1,000,000 + minor * 1,000 + micro
  /// cpu_info flattened: "arch", "model", "vendor", "topology:cores", ...;
  /// a list's items joined with ','.
  std::map<std::string, std::string> cpu_info;
};

/// A compute node's capabilities (its cpu_info JSON read).
host_capabilities capabilities_of(const storage::compute_node& node);

/// The value of a capability a flavor names: `path` is the key without
/// "capabilities:" ("hypervisor_type", "cpu_info:arch", "free_ram_mb",
/// ...); nullopt for one the host does not have.
std::optional<std::string> capability(const host_state& h, const std::string& path);

/// The flavor extra specs ComputeCapabilitiesFilter checks, keyed by
/// capability path: the `capabilities:` ones, and unscoped ones that name
/// a host attribute (as Nova, for old flavors).
std::vector<std::pair<std::string, std::string>>
capability_specs(const std::map<std::string, std::string>& extra_specs);

/// What an image asks of a host (ImagePropertiesFilter), canonical; each
/// empty: anything.
struct image_needs {
  std::string arch;              // hw_architecture / architecture
  std::string hypervisor_type;   // img_hv_type / hypervisor_type
  std::string vm_mode;           // hw_vm_mode / vm_mode
  std::string requested_version; // img_hv_requested_version, ">=6.0,<8"
  bool empty() const { return arch.empty() && hypervisor_type.empty() && vm_mode.empty(); }
};
image_needs image_needs_of(const std::map<std::string, std::string>& image_properties);

/// Whether one of the instance types the host supports (its arch, and i686
/// on x86_64; its hypervisor type, QEMU also as kvm; hvm) has what the image
/// needs, at a hypervisor version the image accepts.
bool supports_image(const host_capabilities& caps, const image_needs& needs);

} // namespace nimbus::scheduler
