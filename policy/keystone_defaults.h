#pragma once
// Keystone's default policy for the identity API Nimbus serves, in the
// shape of nova_defaults.h: the same rule language, the same policy.yaml
// overrides by name. Nimbus has no system scope: where Keystone says
// "admin on the system", an admin role anywhere is meant (as Keystone's
// legacy "admin_required" did).
#include <vector>

#include "policy/nova_defaults.h"

namespace nimbus::policy {

/// Base rules first, then one per call, named as Keystone names them
/// (identity:create_user, ...).
const std::vector<default_rule>& keystone_defaults();

} // namespace nimbus::policy
