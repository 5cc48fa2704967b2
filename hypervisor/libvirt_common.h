#pragma once
// What the libvirt driver's files share: handles that free themselves, XML
// text escaping, and the meaning of a failed call. Includes libvirt's
// headers: only hypervisor/libvirt_*.cpp include it.
#include <memory>
#include <string>
#include <system_error>

#include <libvirt/libvirt.h>

#include "hypervisor/types.h"

namespace nimbus::hypervisor {

struct domain_freer {
  void operator()(virDomainPtr d) const { virDomainFree(d); }
};
using domain_ptr = std::unique_ptr<virDomain, domain_freer>;

/// `in` with XML's special characters as entities.
std::string escape_xml(const std::string& in);

/// The <interface> elements of a domain's ports: each on its network's
/// bridge, tagged with its VLAN. With `only_existing_bridges` (a real
/// hypervisor, which refuses to start a domain on a missing bridge), ports
/// whose bridge the host does not have are left out, and logged.
std::string interfaces_xml(const domain_spec& spec, bool only_existing_bridges);

/// The interfaces a domain XML describes: each <interface>'s MAC, source
/// bridge and the port id its target device names (tap + 11 characters).
std::vector<interface_spec> interfaces_of(const std::string& domain_xml);

/// What the last failed libvirt call means for the driver contract:
/// errc::unsupported for "not supported", errc::operation_failed otherwise.
std::error_code last_failure();

/// The root disk's file of a defined domain, from its XML ("" for none).
std::string disk_of(virDomainPtr dom);

} // namespace nimbus::hypervisor
