#include "hypervisor/driver.h"

namespace nimbus::hypervisor {

driver::~driver() = default;

} // namespace nimbus::hypervisor
