#pragma once
// The contract every hypervisor backend follows (cf. Nova's ComputeDriver).
// It speaks in domains; a driver knows nothing of instances, cells or actors.
//
// - Not thread-safe unless an implementation says so: each host actor owns
//   exactly one driver and calls it from one thread at a time.
// - Calls block until the hypervisor has done the work; callers keep them off
//   shared scheduler threads.
// - No exceptions escape: every call returns a std::error_code (errc.h).
#include <chrono>
#include <string>
#include <system_error>
#include <vector>

#include "hypervisor/errc.h"
#include "hypervisor/types.h"

namespace nimbus::hypervisor {

class driver {
public:
  virtual ~driver();
  driver(const driver&) = delete;
  driver& operator=(const driver&) = delete;

  /// Defines the domain and starts it. errc::already_exists if a domain of
  /// that name is defined. On failure no partial domain is left behind.
  virtual std::error_code spawn(const domain_spec& spec) = 0;
  /// Stops the domain (if running) and removes its definition.
  /// errc::not_found if there is no such domain.
  virtual std::error_code destroy(const std::string& name) = 0;
  /// Shuts the domain off. A domain already off is not an error.
  virtual std::error_code power_off(const std::string& name) = 0;
  /// Starts a defined domain that is off. A running domain is not an error.
  virtual std::error_code power_on(const std::string& name) = 0;
  /// Restarts a running domain: soft (guest shutdown + start) or hard (reset).
  /// errc::invalid_state if the domain is not running.
  virtual std::error_code reboot(const std::string& name, bool hard) = 0;
  /// Freezes a running domain in memory (power state paused).
  /// errc::invalid_state if it is not running.
  virtual std::error_code pause(const std::string& name) = 0;
  /// Lets a paused domain run again. errc::invalid_state if it is not paused.
  virtual std::error_code unpause(const std::string& name) = 0;
  /// Saves a running domain's memory and stops it (libvirt's managed save;
  /// power state shutdown, as Nova's libvirt driver reports a suspended
  /// guest). errc::invalid_state if it is not running.
  virtual std::error_code suspend(const std::string& name) = 0;
  /// Starts a suspended domain from its saved memory (a domain that is off
  /// without a save just boots). A running domain is not an error.
  virtual std::error_code resume(const std::string& name) = 0;
  /// Restarts the domain on a rescue system, keeping its own disk attached.
  /// Until drivers have disks (the hypervisor issue) both drivers restart
  /// the domain and remember that it is rescued; unrescue restarts it back.
  virtual std::error_code rescue(const std::string& name) = 0;
  virtual std::error_code unrescue(const std::string& name) = 0;
  /// Sends a non-maskable interrupt (Nova's trigger_crash_dump).
  /// errc::invalid_state if not running; errc::unsupported where the
  /// hypervisor has no NMI (libvirt's test driver).
  virtual std::error_code inject_nmi(const std::string& name) = 0;
  /// Sets a guest user's password through the guest agent. errc::unsupported
  /// where there is no agent (libvirt's test driver, guests without one).
  virtual std::error_code set_admin_password(const std::string& name, const std::string& user,
                                             const std::string& password) = 0;
  /// The domain's serial console log, oldest line first, ending with a
  /// newline. Both drivers keep one per domain while it is defined (the fake
  /// and libvirt's test driver write the lines a booting guest would).
  virtual std::error_code get_console_output(const std::string& name, std::string* out) = 0;
  virtual std::error_code get_power_state(const std::string& name, power_state* out) = 0;

  // The root disk's snapshot chain (docs/SNAPSHOTS.md): points named by the
  // caller's ids, oldest first, each a frozen copy-on-write layer holding
  // what changed since the point before it. errc::not_found for a domain or
  // point that is not; drivers without disks keep the chain in memory.

  /// The disk as it is now becomes point `point`; later writes go to a new
  /// layer above it. Works on a running domain. errc::already_exists for an
  /// id in use.
  virtual std::error_code create_point(const std::string& name, const std::string& point) = 0;
  /// The disk reads again as it did when `point` was made; what was written
  /// since, and every later point, is gone (as ZFS's rollback -r). A running
  /// domain is stopped for it and started again.
  virtual std::error_code revert_to_point(const std::string& name, const std::string& point) = 0;
  /// Merges `point` into the layer above it (the next point, or the disk as
  /// it is now): that layer reads the same, the point's own layer goes. A
  /// running domain keeps running: libvirt saves its memory and restores it
  /// around the merge (the guest pauses meanwhile, it does not reboot).
  virtual std::error_code remove_point(const std::string& name, const std::string& point) = 0;
  /// Every point with the size of its layer on disk.
  virtual std::error_code list_points(const std::string& name, std::vector<chain_point>* out) = 0;
  /// Writes the disk (`point` empty: as it is now; else as it was at that
  /// point) to `path` as one standalone qcow2. A running domain is saved
  /// and restored around it (Nova's cold snapshot).
  virtual std::error_code export_disk(const std::string& name, const std::string& point,
                                      const std::string& path) = 0;
  /// Every domain defined on this host.
  virtual std::error_code list_domains(std::vector<domain_info>* out) = 0;
  /// The network interfaces the domain has, as its definition says (for
  /// libvirt: the <interface> elements of its XML), in order.
  virtual std::error_code list_interfaces(const std::string& name,
                                          std::vector<interface_spec>* out) = 0;
  virtual std::error_code get_host_resources(host_resources* out) = 0;
  /// Removes the host's cached images that no domain uses and none has used
  /// for `min_age` (Nova's remove_unused_base_images); returns their ids.
  /// Drivers without an image cache remove nothing.
  virtual std::vector<std::string> remove_unused_images(std::chrono::seconds min_age) = 0;

protected:
  driver() = default;
};

} // namespace nimbus::hypervisor
