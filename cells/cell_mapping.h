#pragma once
// Well-known cells (cf. nova/objects/cell_mapping.py).
#include <string>

namespace nimbus::cells {

/// cell0's uuid is fixed, as in Nova: the cell of instances that never got a host.
inline const std::string cell0_uuid = "00000000-0000-0000-0000-000000000000";
inline const std::string cell0_name = "cell0";

} // namespace nimbus::cells
