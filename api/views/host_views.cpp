#include "api/views/host_views.h"

#include "api/formats.h"

namespace nimbus::api {

using nlohmann::json;

json hypervisor_id(const hypervisor_view& h, const view_context& v) {
  return v.version.at_least(2, 53) ? json(h.node.uuid) : json(h.node.id);
}

json hypervisor_brief(const hypervisor_view& h, const view_context& v) {
  return {{"id", hypervisor_id(h, v)},
          {"hypervisor_hostname", h.node.host},
          {"state", h.up ? "up" : "down"},
          {"status", h.service.disabled ? "disabled" : "enabled"}};
}

json hypervisor_detail(const hypervisor_view& h, const view_context& v) {
  auto out = hypervisor_brief(h, v);
  out["hypervisor_type"] = h.node.hypervisor_type;
  out["hypervisor_version"] = h.node.hypervisor_version;
  out["host_ip"] = h.node.host_ip;
  json service_id = v.version.at_least(2, 53) ? json(h.service.uuid) : json(h.service.id);
  out["service"] = {{"id", service_id},
                    {"host", h.service.host},
                    {"disabled_reason", string_or_null(h.service.disabled_reason)}};
  if (v.version.at_least(2, 88)) {
    out["uptime"] = nullptr;
    return out;
  }
  auto& u = h.usage;
  out["vcpus"] = h.node.vcpus;
  out["memory_mb"] = h.node.memory_mb;
  out["local_gb"] = h.node.local_gb;
  out["vcpus_used"] = u.vcpus_used;
  out["memory_mb_used"] = u.memory_mb_used;
  out["local_gb_used"] = u.local_gb_used;
  out["free_ram_mb"] = h.node.memory_mb - u.memory_mb_used;
  out["free_disk_gb"] = h.node.local_gb - u.local_gb_used;
  out["current_workload"] = 0;
  out["running_vms"] = u.instances;
  out["disk_available_least"] = h.node.local_gb - u.local_gb_used;
  // cpu_info is a JSON string below 2.28 and an object from 2.28.
  auto info = json::parse(h.node.cpu_info.empty() ? "{}" : h.node.cpu_info, nullptr, false);
  if (v.version.at_least(2, 28))
    out["cpu_info"] = info.is_discarded() ? json::object() : info;
  else
    out["cpu_info"] = h.node.cpu_info;
  return out;
}

namespace {

json service_json(const std::string& binary, const std::string& host, json id,
                  const std::string& zone, bool disabled, bool up, std::int64_t updated_us,
                  const std::string& disabled_reason, bool forced_down, const view_context& v) {
  json out = {{"binary", binary},
              {"host", host},
              {"id", std::move(id)},
              {"zone", zone},
              {"status", disabled ? "disabled" : "enabled"},
              {"state", up ? "up" : "down"},
              {"updated_at", iso_micros_or_null(updated_us)},
              {"disabled_reason", string_or_null(disabled_reason)}};
  if (v.version.at_least(2, 11))
    out["forced_down"] = forced_down;
  return out;
}

} // namespace

json compute_service(const service_view& s, const view_context& v) {
  auto& r = s.service;
  json id = v.version.at_least(2, 53) ? json(r.uuid) : json(r.id);
  return service_json(r.binary, r.host, id, r.zone, r.disabled, s.up, r.updated_us,
                      r.disabled_reason, r.forced_down, v);
}

json control_service_json(const compute::control_service& s, std::int32_t id, std::int64_t now_us,
                          const view_context& v) {
  json jid = v.version.at_least(2, 53) ? json(name_uuid(s.binary + "@" + s.host)) : json(id);
  return service_json(s.binary, s.host, jid, "internal", false, true, now_us, "", false, v);
}

} // namespace nimbus::api
