#include "api/views/migration_view.h"

#include <algorithm>

#include "api/formats.h"

namespace nimbus::api {

using nlohmann::json;

namespace {

// Nova shows the flavors' internal integer ids; Nimbus's flavor ids are
// those integers when they are numbers, and otherwise have none (null).
json flavor_number(const std::string& id) {
  if (id.empty() || id.size() > 18
      || !std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c); }))
    return nullptr;
  return std::stoll(id);
}

bool live_in_progress(const storage::migration& m) {
  return m.migration_type == storage::migration_type::live_migration
         && storage::in_progress(m.status);
}

void add_owner_fields(json& out, const storage::migration& m, const view_context& v) {
  if (v.version.at_least(2, 59))
    out["uuid"] = m.uuid;
  if (v.version.at_least(2, 80)) {
    out["user_id"] = m.user_id;
    out["project_id"] = m.project_id;
  }
}

json common(const storage::migration& m) {
  return {{"created_at", iso_micros(m.created_us)},
          {"updated_at", iso_micros_or_null(m.updated_us)},
          {"dest_compute", string_or_null(m.dest_compute)},
          {"dest_host", string_or_null(m.dest_host)},
          {"dest_node", string_or_null(m.dest_node)},
          {"id", m.id},
          {"source_compute", string_or_null(m.source_compute)},
          {"source_node", string_or_null(m.source_node)},
          {"status", storage::nova_name(m.status)}};
}

} // namespace

json migration_entry(const storage::migration& m, const view_context& v) {
  auto out = common(m);
  out["instance_uuid"] = m.instance_uuid;
  out["old_instance_type_id"] = flavor_number(m.old_flavor_id);
  out["new_instance_type_id"] = flavor_number(m.new_flavor_id);
  if (v.version.at_least(2, 23)) {
    out["migration_type"] = storage::nova_name(m.migration_type);
    if (live_in_progress(m)) {
      auto href = "/servers/" + m.instance_uuid + "/migrations/" + std::to_string(m.id);
      out["links"] = json::array({{{"rel", "self"}, {"href", v.base_url + "/v2.1" + href}},
                                  {{"rel", "bookmark"}, {"href", v.base_url + href}}});
    }
  }
  add_owner_fields(out, m, v);
  return out;
}

json server_migration_entry(const storage::migration& m, const view_context& v) {
  auto out = common(m);
  out["server_uuid"] = m.instance_uuid;
  // The hypervisor's progress of a live migration; Nimbus's finish at once.
  for (auto* key : {"disk_processed_bytes", "disk_remaining_bytes", "disk_total_bytes",
                    "memory_processed_bytes", "memory_remaining_bytes", "memory_total_bytes"})
    out[key] = nullptr;
  add_owner_fields(out, m, v);
  return out;
}

} // namespace nimbus::api
