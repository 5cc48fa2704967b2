#pragma once
// Instance actions (os-instance-actions) as the compute API shows them.
#include <nlohmann/json.hpp>

#include "api/views/server_view.h"

namespace nimbus::api {

nlohmann::json action_brief(const storage::instance_action& a, const view_context& v);
nlohmann::json action_detail(const storage::instance_action& a, const std::string& project_id,
                             const view_context& v);

} // namespace nimbus::api
