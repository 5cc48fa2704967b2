#pragma once
// Runs a domain_op on a driver: the one place that maps the value to the
// driver's call.
#include <string>
#include <system_error>

#include "hypervisor/driver.h"

namespace nimbus::hypervisor {

std::error_code apply(driver& d, domain_op op, const std::string& name);

/// "pause", "reboot (hard)", ...: for logs and error messages.
const char* describe(domain_op op);

} // namespace nimbus::hypervisor
