#pragma once
// Servers as the compute API shows them, field by field per microversion
// (see ../shared/nova-samples and CLIENTS.md §5).
#include <string>

#include <nlohmann/json.hpp>

#include "api/microversion.h"
#include "storage/records.h"

namespace nimbus::api {

struct view_context {
  std::string base_url;
  microversion version;
  bool is_admin = false;
};

nlohmann::json server_detail(const storage::instance_record& r, const view_context& v);
/// An entry of /servers/detail: the detail, or the short down-cell record.
nlohmann::json server_listed(const storage::instance_record& r, const view_context& v);
/// The short form of list entries: id, name, links.
nlohmann::json server_brief(const storage::instance_record& r, const view_context& v);
/// The 202 body of a create.
nlohmann::json server_created(const storage::instance_record& r, const view_context& v);

} // namespace nimbus::api
