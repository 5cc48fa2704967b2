#pragma once
// Flavors as the compute API shows them, per microversion.
#include <nlohmann/json.hpp>

#include "api/views/server_view.h"

namespace nimbus::api {

nlohmann::json flavor_detail(const storage::flavor& f, const view_context& v);
nlohmann::json flavor_brief(const storage::flavor& f, const view_context& v);

} // namespace nimbus::api
