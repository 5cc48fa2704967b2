#include "compute/server_sort.h"

#include <functional>
#include <map>
#include <variant>

namespace nimbus::compute {
namespace {

using field = std::variant<std::int64_t, std::string>;
using getter = std::function<field(const storage::instance_record&)>;

field text(std::string s) { return field{std::move(s)}; }
field number(std::int64_t n) { return field{n}; }

// Each sortable field as the record holds it; the fields Nimbus does not
// keep (kernels, ramdisks, vm_mode, ...) are equal for every server.
const std::map<std::string, getter>& getters() {
  static const std::map<std::string, getter> table{
    {"access_ip_v4", [](auto& r) { return text(r.access_ip_v4); }},
    {"access_ip_v6", [](auto& r) { return text(r.access_ip_v6); }},
    {"auto_disk_config", [](auto&) { return number(0); }},
    {"availability_zone", [](auto& r) { return text(r.availability_zone); }},
    {"config_drive", [](auto&) { return text(""); }},
    {"created_at", [](auto& r) { return number(r.created_us); }},
    {"display_description", [](auto& r) { return text(r.description); }},
    {"display_name", [](auto& r) { return text(r.name); }},
    {"host", [](auto& r) { return text(r.host); }},
    {"hostname", [](auto& r) { return text(r.hostname.empty() ? r.name : r.hostname); }},
    {"image_ref", [](auto& r) { return text(r.image_ref); }},
    {"instance_type_id", [](auto& r) { return text(r.flavor_copy.id); }},
    {"kernel_id", [](auto&) { return text(""); }},
    {"key_name", [](auto& r) { return text(r.key_name); }},
    {"launch_index", [](auto& r) { return number(r.launch_index); }},
    {"launched_at", [](auto& r) { return number(r.launched_us); }},
    {"locked", [](auto& r) { return number(r.locked ? 1 : 0); }},
    {"locked_by", [](auto& r) { return text(r.locked_by); }},
    {"node", [](auto& r) { return text(r.node); }},
    {"power_state", [](auto& r) { return number(r.power_state); }},
    {"progress", [](auto&) { return number(0); }},
    {"project_id", [](auto& r) { return text(r.project_id); }},
    {"ramdisk_id", [](auto&) { return text(""); }},
    {"root_device_name", [](auto&) { return text(""); }},
    {"task_state", [](auto& r) { return text(std::string(storage::nova_name(r.task_state))); }},
    {"terminated_at", [](auto& r) { return number(r.terminated_us); }},
    {"updated_at", [](auto& r) { return number(r.updated_us); }},
    {"user_id", [](auto& r) { return text(r.user_id); }},
    {"uuid", [](auto& r) { return text(r.uuid); }},
    {"vm_mode", [](auto&) { return text(""); }},
    {"vm_state", [](auto& r) { return text(std::string(storage::nova_name(r.vm_state))); }},
  };
  return table;
}

} // namespace

const std::vector<std::string>& sortable_server_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (auto& [name, get] : getters())
      out.push_back(name);
    return out;
  }();
  return keys;
}

bool sorted_before(const std::vector<sort_key>& keys, const storage::instance_record& a,
                   const storage::instance_record& b) {
  auto& table = getters();
  for (auto& k : keys) {
    auto it = table.find(k.key);
    if (it == table.end())
      continue;
    auto x = it->second(a), y = it->second(b);
    if (x != y)
      return k.descending ? y < x : x < y;
  }
  bool descending = keys.empty() || keys.front().descending;
  if (a.created_us != b.created_us)
    return descending ? a.created_us > b.created_us : a.created_us < b.created_us;
  return descending ? a.uuid > b.uuid : a.uuid < b.uuid;
}

} // namespace nimbus::compute
