#include "api/views/server_view.h"

#include <algorithm>

#include "api/formats.h"
#include "compute/compute_api.h"

namespace nimbus::api {

using nlohmann::json;

namespace {

// One {"rel": ..., "href": ...} of Nova's links.
void write_link(json_writer& w, const char* rel, const std::string& href) {
  w.begin_object().key("rel").value(rel).key("href").value(href).end_object();
}

void write_links(json_writer& w, const std::string& base, const std::string& kind,
                 const std::string& id) {
  w.begin_array();
  write_link(w, "self", base + "/v2.1/" + kind + "/" + id);
  write_link(w, "bookmark", base + "/" + kind + "/" + id);
  w.end_array();
}

void write_bookmark(json_writer& w, const std::string& base, const std::string& kind,
                    const std::string& id) {
  w.begin_array();
  write_link(w, "bookmark", base + "/" + kind + "/" + id);
  w.end_array();
}

void write_string_map(json_writer& w, const std::map<std::string, std::string>& m) {
  w.begin_object();
  for (auto& [k, val] : m)
    w.key(k).value(val);
  w.end_object();
}

void write_flavor(json_writer& w, const storage::instance_record& r, const view_context& v) {
  auto& f = r.flavor_copy;
  w.begin_object();
  if (!v.version.at_least(2, 47)) {
    w.key("id").value(f.id).key("links");
    write_bookmark(w, v.base_url, "flavors", f.id);
  } else {
    w.key("vcpus")
      .value(f.vcpus)
      .key("ram")
      .value(f.memory_mb)
      .key("disk")
      .value(f.root_gb)
      .key("ephemeral")
      .value(f.ephemeral_gb)
      .key("swap")
      .value(f.swap_mb)
      .key("original_name")
      .value(f.name)
      .key("extra_specs");
    write_string_map(w, f.extra_specs);
  }
  w.end_object();
}

void write_image(json_writer& w, const storage::instance_record& r, const view_context& v) {
  w.begin_object().key("id").value(r.image_ref).key("links");
  write_bookmark(w, v.base_url, "images", r.image_ref);
  if (v.version.at_least(2, 98)) {
    w.key("properties");
    write_string_map(w, r.image_properties);
  }
  w.end_object();
}

// The networks a server's ports are on, in the order first met, each with
// its addresses (Nova's `addresses`).
std::vector<std::pair<std::string, std::vector<const storage::server_vif*>>>
by_network(const storage::instance_record& r) {
  std::vector<std::pair<std::string, std::vector<const storage::server_vif*>>> out;
  for (auto& v : r.vifs) {
    auto it =
      std::find_if(out.begin(), out.end(), [&](auto& e) { return e.first == v.network_name; });
    if (it == out.end())
      it = out.insert(out.end(), {v.network_name, {}});
    it->second.push_back(&v);
  }
  return out;
}

// `extended`: with the address's type and MAC (Nova's extend_address,
// off in the PUT and rebuild answers before 2.75).
void write_addresses(json_writer& w, const storage::instance_record& r, bool extended = true) {
  w.begin_object();
  for (auto& [name, vifs] : by_network(r)) {
    w.key(name).begin_array();
    for (auto* v : vifs)
      for (auto& ip : v->ips) {
        w.begin_object()
          .key("version")
          .value(ip.find(':') == std::string::npos ? 4 : 6)
          .key("addr")
          .value(ip);
        if (extended)
          w.key("OS-EXT-IPS:type")
            .value("fixed")
            .key("OS-EXT-IPS-MAC:mac_addr")
            .value(v->mac_address);
        w.end_object();
      }
    w.end_array();
  }
  w.end_object();
}

void write_micros_or_null(json_writer& w, std::int64_t us) {
  if (us == 0)
    w.null();
  else
    w.value(iso_micros(us));
}

// Nova 2.69's record of a server whose cell does not answer: what the API
// cell knows. `full` for a show; lists carry id, status, tenant and created.
void write_down_cell_record(json_writer& w, const storage::instance_record& r,
                            const view_context& v, bool full) {
  w.begin_object()
    .key("id")
    .value(r.uuid)
    .key("status")
    .value("UNKNOWN")
    .key("tenant_id")
    .value(r.project_id)
    .key("created")
    .value(iso_seconds(r.created_us))
    .key("links");
  write_links(w, v.base_url, "servers", r.uuid);
  if (full) {
    w.key("user_id").value(r.user_id).key("image");
    write_image(w, r, v);
    w.key("flavor");
    write_flavor(w, r, v);
    w.key("OS-EXT-AZ:availability_zone")
      .value(r.availability_zone)
      .key("OS-EXT-STS:power_state")
      .value(0);
    if (v.version.at_least(2, 71))
      w.key("server_groups").begin_array().end_array();
  }
  w.end_object();
}

} // namespace

void write_server_listed(json_writer& w, const storage::instance_record& r, const view_context& v) {
  if (r.vm_state == storage::vm_state::unknown)
    write_down_cell_record(w, r, v, false);
  else
    write_server_detail(w, r, v);
}

namespace {

// The fields a PUT's answer leaves out before 2.75: zone, config drive, key,
// usage, the extended attributes and status.
void write_extended(json_writer& w, const storage::instance_record& r, const view_context& v) {
  w.key("OS-EXT-AZ:availability_zone")
    .value(r.availability_zone)
    .key("config_drive")
    .value("")
    .key("key_name")
    .string_or_null(r.key_name)
    .key("OS-SRV-USG:launched_at");
  write_micros_or_null(w, r.launched_us);
  w.key("OS-SRV-USG:terminated_at");
  write_micros_or_null(w, r.terminated_us);
  if (v.extended_attributes) {
    w.key("OS-EXT-SRV-ATTR:host")
      .string_or_null(r.host)
      .key("OS-EXT-SRV-ATTR:instance_name")
      .value(r.instance_name)
      .key("OS-EXT-SRV-ATTR:hypervisor_hostname")
      .string_or_null(r.node);
    if (v.version.at_least(2, 3)) {
      w.key("OS-EXT-SRV-ATTR:reservation_id")
        .value(r.reservation_id)
        .key("OS-EXT-SRV-ATTR:launch_index")
        .value(r.launch_index)
        .key("OS-EXT-SRV-ATTR:hostname")
        .value(r.hostname.empty() ? r.name : r.hostname)
        .key("OS-EXT-SRV-ATTR:kernel_id")
        .value("")
        .key("OS-EXT-SRV-ATTR:ramdisk_id")
        .value("")
        .key("OS-EXT-SRV-ATTR:root_device_name");
      if (r.launched_us)
        w.value("/dev/sda");
      else
        w.null();
      w.key("OS-EXT-SRV-ATTR:user_data").null();
    }
  }
  w.key("OS-EXT-STS:task_state")
    .string_or_null(storage::nova_name(r.task_state))
    .key("OS-EXT-STS:vm_state")
    .value(storage::nova_name(r.vm_state))
    .key("OS-EXT-STS:power_state")
    .value(r.power_state)
    .key("os-extended-volumes:volumes_attached")
    .begin_array()
    .end_array();
}

} // namespace

void write_server_detail(json_writer& w, const storage::instance_record& r, const view_context& v) {
  if (r.vm_state == storage::vm_state::unknown) {
    write_down_cell_record(w, r, v, true);
    return;
  }
  auto status = compute::server_status(r);
  w.begin_object()
    .key("id")
    .value(r.uuid)
    .key("name")
    .value(r.name)
    .key("status")
    .value(status)
    .key("tenant_id")
    .value(r.project_id)
    .key("user_id")
    .value(r.user_id)
    .key("metadata");
  write_string_map(w, r.metadata);
  w.key("hostId").value(host_id(r.project_id, r.host)).key("image");
  write_image(w, r, v);
  w.key("flavor");
  write_flavor(w, r, v);
  w.key("created")
    .value(iso_seconds(r.created_us))
    .key("updated")
    .value(iso_seconds(r.updated_us))
    .key("addresses");
  write_addresses(w, r, !v.update_body);
  w.key("accessIPv4").value(r.access_ip_v4).key("accessIPv6").value(r.access_ip_v6).key("links");
  write_links(w, v.base_url, "servers", r.uuid);
  w.key("OS-DCF:diskConfig").value("MANUAL");
  if (status == "ACTIVE" || status == "BUILD")
    w.key("progress").value(0);
  if (!v.update_body)
    write_extended(w, r, v);
  // A server without vifs has no ports: nothing to ask the network book.
  if (!v.update_body && v.security_groups && !r.vifs.empty())
    if (auto names = v.security_groups(r.uuid); !names.empty()) {
      w.key("security_groups").begin_array();
      for (auto& name : names)
        w.begin_object().key("name").value(name).end_object();
      w.end_array();
    }
  if (r.fault.code != 0 && (status == "ERROR" || status == "DELETED")) {
    w.key("fault")
      .begin_object()
      .key("code")
      .value(r.fault.code)
      .key("created")
      .value(iso_seconds(r.fault.created_us))
      .key("message")
      .value(r.fault.message);
    if (v.is_admin)
      w.key("details").value(r.fault.details);
    w.end_object();
  }
  if (v.version.at_least(2, 16) && v.host_status)
    w.key("host_status").value(r.host.empty() ? "" : "UP");
  if (v.version.at_least(2, 9))
    w.key("locked").value(r.locked);
  if (v.version.at_least(2, 19))
    w.key("description").string_or_null(r.description);
  if (v.version.at_least(2, 26)) {
    w.key("tags").begin_array();
    for (auto& t : r.tags)
      w.value(t);
    w.end_array();
  }
  if (v.version.at_least(2, 63))
    w.key("trusted_image_certificates").null();
  if (v.version.at_least(2, 71)) {
    w.key("server_groups").begin_array();
    if (!v.server_group.empty())
      w.value(v.server_group);
    w.end_array();
  }
  if (v.version.at_least(2, 73))
    w.key("locked_reason").string_or_null(r.locked_reason);
  if (v.version.at_least(2, 96))
    w.key("pinned_availability_zone").string_or_null(r.pinned_availability_zone);
  if (v.version.at_least(2, 100)) {
    w.key("scheduler_hints").begin_object();
    for (auto& [k, text] : r.scheduler_hints)
      w.key(k).raw(text);
    w.end_object();
  }
  if (v.nimbus_extensions)
    w.key("instance_disk_type").value(std::string(storage::nova_name(r.disk_type)));
  w.end_object();
}

void write_server_brief(json_writer& w, const storage::instance_record& r, const view_context& v) {
  w.begin_object().key("id").value(r.uuid);
  if (r.vm_state == storage::vm_state::unknown)
    w.key("status").value("UNKNOWN");
  else
    w.key("name").value(r.name);
  w.key("links");
  write_links(w, v.base_url, "servers", r.uuid);
  w.end_object();
}

json server_created(const storage::instance_record& r, const view_context& v) {
  return {{"id", r.uuid},
          {"links", self_links(v.base_url, "servers", r.uuid)},
          {"OS-DCF:diskConfig", "MANUAL"},
          {"security_groups", json::array({{{"name", "default"}}})},
          {"adminPass", r.admin_pass}};
}

nlohmann::json addresses_of(const storage::instance_record& r) {
  json_writer w(256);
  write_addresses(w, r);
  return nlohmann::json::parse(w.take());
}

} // namespace nimbus::api
