#pragma once
// What drivers speak in: domains, their power states and a host's resources.
#include <cstdint>
#include <string>
#include <vector>

namespace nimbus::hypervisor {

/// Nova's power_state values, which the API shows as integers.
enum class power_state : std::int32_t {
  nostate = 0,
  running = 1,
  paused = 3,
  shutdown = 4,
  crashed = 6,
  suspended = 7,
};

/// The calls on one existing domain that change its power state, as a value
/// (a host actor takes them in one message; apply() in domain_op.h runs one).
enum class domain_op : std::uint8_t {
  power_off,
  power_on,
  reboot_soft,
  reboot_hard,
  pause,
  unpause,
  suspend,
  resume,
  rescue,
  unrescue,
  inject_nmi,
};

/// The calls on a domain's root-disk snapshot chain (docs/SNAPSHOTS.md), as
/// a value (a host actor takes them in one message).
enum class chain_op : std::uint8_t {
  list,         // the points and their sizes
  create,       // freeze the disk as a new point
  revert,       // the disk goes back to a point (the domain keeps its power state)
  remove,       // merge a point into its neighbour
  export_image, // a standalone qcow2 of the disk (or of a point) at a path
};

/// One point of a chain as the host has it: its layer's size on disk.
struct chain_point {
  std::string id;
  std::int64_t size_bytes = 0;
};

/// A domain to create: the driver's view of an instance.
/// One network interface of a domain: a port of the network service,
/// plugged into its network's bridge on the host (tagged when vlan > 0).
struct interface_spec {
  std::string mac_address;
  std::string bridge;
  std::int32_t vlan = 0;
  std::string port_id; // names the host device (tap + its first 11 characters, as Nova's)
};

struct domain_spec {
  std::string name; // unique on the host, e.g. instance-0000002a
  std::string uuid;
  std::int32_t vcpus = 1;
  std::int32_t memory_mb = 512;
  std::int32_t disk_gb = 1;
  /// The image of the root disk (a copy-on-write overlay on the host's
  /// cached copy of it), and an AMI-style image's kernel and ramdisk images
  /// (Glance's kernel_id / ramdisk_id) for a direct kernel boot; empty:
  /// none. Drivers without disks ignore them.
  std::string image_id = {};
  std::string kernel_id = {};
  std::string ramdisk_id = {};
  /// The storage pool the root disk goes in (volumes_<tier>).
  std::string disk_pool = {};
  /// A moved server's disk: a standalone qcow2 (written by the source host's
  /// export_disk) that becomes the root disk, moved into the pool and grown
  /// to disk_gb, instead of a new overlay on the image. Empty: none.
  std::string root_from = {};
  /// Its network interfaces, in order. Drivers without networks ignore them.
  std::vector<interface_spec> interfaces = {};
};

struct domain_info {
  std::string name;
  std::string uuid;
  power_state state = power_state::nostate;
};

/// One storage pool of a host (a libvirt storage pool), in whole GB.
struct pool_info {
  std::string name;
  std::int64_t capacity_gb = 0;
  std::int64_t allocation_gb = 0;
};

struct host_resources {
  std::int32_t vcpus = 0;
  std::int64_t memory_mb = 0;
  std::int64_t local_gb = 0;
  std::string hypervisor_type; // e.g. QEMU, TEST, fake
  std::int64_t hypervisor_version = 0;
  std::string hypervisor_hostname;
  std::string cpu_arch = "x86_64";
  std::string cpu_model;
  std::string cpu_vendor = "Intel";
  std::int32_t sockets = 1;
  std::int32_t cores = 1;
  std::int32_t threads = 1;
  /// The host's storage pools (the tiers' volumes_<tier>, and any other).
  std::vector<pool_info> pools;
};

} // namespace nimbus::hypervisor
