#include "api/views/server_view.h"

#include "api/formats.h"
#include "cells/compute_api.h"

namespace nimbus::api {

using nlohmann::json;

namespace {

json flavor_of(const storage::instance_record& r, const view_context& v) {
  auto& f = r.flavor_copy;
  if (!v.version.at_least(2, 47))
    return {{"id", f.id}, {"links", bookmark_link(v.base_url, "flavors", f.id)}};
  json extra = json::object();
  for (auto& [k, val] : f.extra_specs)
    extra[k] = val;
  return {{"vcpus", f.vcpus},     {"ram", f.memory_mb},    {"disk", f.root_gb},
          {"ephemeral", f.ephemeral_gb}, {"swap", f.swap_mb}, {"original_name", f.name},
          {"extra_specs", extra}};
}

json fault_of(const storage::instance_record& r, const view_context& v) {
  json f = {{"code", r.fault.code},
            {"created", iso_seconds(r.fault.created_us)},
            {"message", r.fault.message}};
  if (v.is_admin)
    f["details"] = r.fault.details;
  return f;
}

} // namespace

namespace {

// Nova 2.69's record of a server whose cell does not answer: what the API
// cell knows. `full` for a show; lists carry id, status, tenant and created.
json down_cell_record(const storage::instance_record& r, const view_context& v, bool full) {
  json s = {{"id", r.uuid},
            {"status", "UNKNOWN"},
            {"tenant_id", r.project_id},
            {"created", iso_seconds(r.created_us)},
            {"links", self_links(v.base_url, "servers", r.uuid)}};
  if (!full)
    return s;
  s["user_id"] = r.user_id;
  s["image"] = {{"id", r.image_ref}, {"links", bookmark_link(v.base_url, "images", r.image_ref)}};
  s["flavor"] = flavor_of(r, v);
  s["OS-EXT-AZ:availability_zone"] = r.availability_zone;
  s["OS-EXT-STS:power_state"] = 0;
  if (v.version.at_least(2, 71))
    s["server_groups"] = json::array();
  return s;
}

} // namespace

json server_listed(const storage::instance_record& r, const view_context& v) {
  if (r.vm_state == cells::unknown_vm_state)
    return down_cell_record(r, v, false);
  return server_detail(r, v);
}

json server_detail(const storage::instance_record& r, const view_context& v) {
  if (r.vm_state == cells::unknown_vm_state)
    return down_cell_record(r, v, true);
  auto status = cells::server_status(r);
  json metadata = json::object();
  for (auto& [k, val] : r.metadata)
    metadata[k] = val;
  json s = {
    {"id", r.uuid},
    {"name", r.name},
    {"status", status},
    {"tenant_id", r.project_id},
    {"user_id", r.user_id},
    {"metadata", metadata},
    {"hostId", host_id(r.project_id, r.host)},
    {"image", {{"id", r.image_ref}, {"links", bookmark_link(v.base_url, "images", r.image_ref)}}},
    {"flavor", flavor_of(r, v)},
    {"created", iso_seconds(r.created_us)},
    {"updated", iso_seconds(r.updated_us)},
    {"addresses", json::object()},
    {"accessIPv4", ""},
    {"accessIPv6", ""},
    {"links", self_links(v.base_url, "servers", r.uuid)},
    {"OS-DCF:diskConfig", "MANUAL"},
  };
  if (status == "ACTIVE" || status == "BUILD")
    s["progress"] = 0;
  s["OS-EXT-AZ:availability_zone"] = r.availability_zone;
  s["config_drive"] = "";
  s["key_name"] = string_or_null(r.key_name);
  s["OS-SRV-USG:launched_at"] = iso_micros_or_null(r.launched_us);
  s["OS-SRV-USG:terminated_at"] = iso_micros_or_null(r.terminated_us);
  if (v.is_admin) {
    s["OS-EXT-SRV-ATTR:host"] = string_or_null(r.host);
    s["OS-EXT-SRV-ATTR:instance_name"] = r.instance_name;
    s["OS-EXT-SRV-ATTR:hypervisor_hostname"] = string_or_null(r.node);
    if (v.version.at_least(2, 3)) {
      s["OS-EXT-SRV-ATTR:reservation_id"] = r.reservation_id;
      s["OS-EXT-SRV-ATTR:launch_index"] = r.launch_index;
      s["OS-EXT-SRV-ATTR:hostname"] = r.name;
      s["OS-EXT-SRV-ATTR:kernel_id"] = "";
      s["OS-EXT-SRV-ATTR:ramdisk_id"] = "";
      s["OS-EXT-SRV-ATTR:root_device_name"] =
        r.launched_us ? json("/dev/sda") : json(nullptr);
      s["OS-EXT-SRV-ATTR:user_data"] = nullptr;
    }
  }
  s["OS-EXT-STS:task_state"] = string_or_null(r.task_state);
  s["OS-EXT-STS:vm_state"] = r.vm_state;
  s["OS-EXT-STS:power_state"] = r.power_state;
  s["os-extended-volumes:volumes_attached"] = json::array();
  if (r.fault.code != 0 && (status == "ERROR" || status == "DELETED"))
    s["fault"] = fault_of(r, v);
  if (v.version.at_least(2, 16) && v.is_admin)
    s["host_status"] = r.host.empty() ? "" : "UP";
  if (v.version.at_least(2, 9))
    s["locked"] = false;
  if (v.version.at_least(2, 19))
    s["description"] = string_or_null(r.description);
  if (v.version.at_least(2, 26)) {
    json tags = json::array();
    for (auto& t : r.tags)
      tags.push_back(t);
    s["tags"] = tags;
  }
  if (v.version.at_least(2, 63))
    s["trusted_image_certificates"] = nullptr;
  if (v.version.at_least(2, 71))
    s["server_groups"] = json::array();
  if (v.version.at_least(2, 73))
    s["locked_reason"] = nullptr;
  return s;
}

json server_brief(const storage::instance_record& r, const view_context& v) {
  if (r.vm_state == cells::unknown_vm_state)
    return {{"id", r.uuid}, {"status", "UNKNOWN"}, {"links", self_links(v.base_url, "servers", r.uuid)}};
  return {{"id", r.uuid}, {"name", r.name}, {"links", self_links(v.base_url, "servers", r.uuid)}};
}

json server_created(const storage::instance_record& r, const view_context& v) {
  return {{"id", r.uuid},
          {"links", self_links(v.base_url, "servers", r.uuid)},
          {"OS-DCF:diskConfig", "MANUAL"},
          {"security_groups", json::array({{{"name", "default"}}})},
          {"adminPass", r.admin_pass}};
}

} // namespace nimbus::api
