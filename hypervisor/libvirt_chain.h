#pragma once
// The snapshot chain of a real libvirt domain's root disk (docs/SNAPSHOTS.md):
// the driver contract's create / revert / remove / list / export of points
// for domains whose disks are qcow2 files. disk_chain.h does the work on the
// files (qemu-img); this adds libvirt's side: a live external snapshot for a
// running guest, the domain's definition following its disk, and a guest
// stopped or saved around what a running qemu must not see. Internal to the
// libvirt driver (includes libvirt's headers). Not thread-safe: its driver
// guards it.
#include <string>
#include <system_error>
#include <vector>

#include <libvirt/libvirt.h>

#include "hypervisor/types.h"

namespace nimbus::hypervisor {

class libvirt_chain {
public:
  /// Manifests go in `state_dir`/chains; domains are redefined through `conn`.
  libvirt_chain(virConnectPtr conn, std::string state_dir)
      : conn_(conn), state_dir_(std::move(state_dir)) {}

  std::error_code create(virDomainPtr dom, const std::string& name, const std::string& point);
  std::error_code revert(virDomainPtr dom, const std::string& name, const std::string& point);
  std::error_code remove(virDomainPtr dom, const std::string& name, const std::string& point);
  std::vector<chain_point> list(const std::string& name) const;
  std::error_code export_disk(virDomainPtr dom, const std::string& name, const std::string& point,
                              const std::string& path);
  /// The layer the guest writes to, where it has points ("" otherwise): a
  /// re-created domain's disk.
  std::string active_disk(const std::string& name) const;
  /// Removes the points' layers and the manifest (the domain is destroyed).
  void forget(const std::string& name);

private:
  std::string manifest(const std::string& name) const;
  std::error_code point_disk_at(virDomainPtr dom, const std::string& from, const std::string& to);
  std::error_code saved_state_follows(virDomainPtr dom);

  virConnectPtr conn_;
  std::string state_dir_;
};

} // namespace nimbus::hypervisor
