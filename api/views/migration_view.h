#pragma once
// Migrations as the compute API shows them: os-migrations and
// /servers/{id}/migrations, per microversion.
#include <nlohmann/json.hpp>

#include "api/views/server_view.h"

namespace nimbus::api {

/// One entry of GET /os-migrations (2.23 type and links, 2.59 uuid, 2.80
/// user and project).
nlohmann::json migration_entry(const storage::migration& m, const view_context& v);
/// One entry of GET /servers/{id}/migrations (2.23: in-progress live ones).
nlohmann::json server_migration_entry(const storage::migration& m, const view_context& v);

} // namespace nimbus::api
