#include "actors/scheduler/host_capabilities.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "actors/scheduler/host_state.h"
#include "storage/records.h"

namespace nimbus::scheduler {
namespace {

void flatten(const nlohmann::json& j, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  for (auto& [key, value] : j.items()) {
    auto name = prefix.empty() ? key : std::string(prefix).append(":").append(key);
    if (value.is_object()) {
      flatten(value, name, out);
    } else if (value.is_array()) {
      std::string joined;
      for (auto& item : value)
        joined +=
          (joined.empty() ? "" : ",") + (item.is_string() ? item.get<std::string>() : item.dump());
      out[name] = joined;
    } else {
      out[name] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Nova's canonical names (nova/objects/fields: Architecture, HVType, VMMode).
std::string canonical_arch(const std::string& a) {
  auto s = lower(a);
  if (s == "i386" || s == "i486" || s == "i586" || s == "x86_32")
    return "i686";
  if (s == "amd64" || s == "x86-64")
    return "x86_64";
  return s;
}
std::string canonical_hv(const std::string& t) {
  auto s = lower(t);
  return s == "xapi" ? "xen" : s;
}
std::string canonical_mode(const std::string& m) {
  auto s = lower(m);
  if (s == "pv" || s == "xapi")
    return "xen";
  if (s == "hv" || s == "baremetal")
    return "hvm";
  return s;
}

std::string first_of(const std::map<std::string, std::string>& props,
                     std::initializer_list<const char*> names) {
  for (auto* n : names)
    if (auto it = props.find(n); it != props.end() && !it->second.empty())
      return it->second;
  return {};
}

std::vector<long> version_parts(const std::string& text) {
  std::vector<long> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, '.');)
    out.push_back(std::strtol(part.c_str(), nullptr, 10));
  while (out.size() > 1 && out.back() == 0)
    out.pop_back();
  return out;
}

// ">= 6.0, < 8" against a version: every predicate holds.
bool version_satisfies(const std::string& predicates, const std::vector<long>& have) {
  std::stringstream in(predicates);
  for (std::string p; std::getline(in, p, ',');) {
    auto b = p.find_first_not_of(" \t");
    if (b == std::string::npos)
      continue;
    p = p.substr(b);
    auto op_end = p.find_first_not_of("<>=!");
    auto op = p.substr(0, op_end);
    auto want = version_parts(p.substr(op_end == std::string::npos ? p.size() : op_end));
    auto cmp = have < want ? -1 : (want < have ? 1 : 0);
    bool ok = op == ">="   ? cmp >= 0
              : op == ">"  ? cmp > 0
              : op == "<=" ? cmp <= 0
              : op == "<"  ? cmp < 0
              : op == "!=" ? cmp != 0
                           : cmp == 0; // "==" or none
    if (!ok)
      return false;
  }
  return true;
}

const std::set<std::string>& attribute_names() {
  static const std::set<std::string> names{
    "hypervisor_type",     "hypervisor_version",   "hypervisor_hostname", "host",
    "vcpus_total",         "vcpus_used",           "free_ram_mb",         "free_disk_mb",
    "total_usable_ram_mb", "total_usable_disk_gb", "num_instances",       "num_io_ops",
    "failed_builds"};
  return names;
}

} // namespace

host_capabilities capabilities_of(const storage::compute_node& node) {
  host_capabilities c;
  c.hypervisor_type = node.hypervisor_type;
  c.hypervisor_version = node.hypervisor_version;
  auto info = nlohmann::json::parse(node.cpu_info.empty() ? "{}" : node.cpu_info, nullptr, false);
  if (info.is_object())
    flatten(info, "", c.cpu_info);
  return c;
}

std::optional<std::string> capability(const host_state& h, const std::string& path) {
  if (path.compare(0, 9, "cpu_info:") == 0) {
    auto it = h.caps.cpu_info.find(path.substr(9));
    if (it == h.caps.cpu_info.end())
      return std::nullopt;
    return it->second;
  }
  if (path == "hypervisor_type")
    return h.caps.hypervisor_type;
  if (path == "hypervisor_version")
    return std::to_string(h.caps.hypervisor_version);
  if (path == "hypervisor_hostname" || path == "host")
    return h.name;
  if (path == "vcpus_total")
    return std::to_string(h.vcpus_total);
  if (path == "vcpus_used")
    return std::to_string(h.vcpus_used);
  if (path == "free_ram_mb")
    return std::to_string(h.free_memory_mb());
  if (path == "free_disk_mb")
    return std::to_string(h.free_disk_gb() * 1024);
  if (path == "total_usable_ram_mb")
    return std::to_string(h.memory_mb_total);
  if (path == "total_usable_disk_gb")
    return std::to_string(h.disk_gb_total);
  if (path == "num_instances")
    return std::to_string(h.instances);
  if (path == "num_io_ops")
    return std::to_string(h.io_ops);
  if (path == "failed_builds")
    return std::to_string(h.failed_builds);
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>>
capability_specs(const std::map<std::string, std::string>& extra_specs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [key, req] : extra_specs) {
    auto colon = key.find(':');
    if (colon == std::string::npos) {
      if (attribute_names().count(key))
        out.emplace_back(key, req);
    } else if (key.compare(0, colon, "capabilities") == 0) {
      out.emplace_back(key.substr(colon + 1), req);
    }
  }
  return out;
}

image_needs image_needs_of(const std::map<std::string, std::string>& props) {
  image_needs n;
  n.arch = canonical_arch(first_of(props, {"hw_architecture", "architecture"}));
  n.hypervisor_type = canonical_hv(first_of(props, {"img_hv_type", "hypervisor_type"}));
  n.vm_mode = canonical_mode(first_of(props, {"hw_vm_mode", "vm_mode"}));
  n.requested_version = first_of(props, {"img_hv_requested_version"});
  return n;
}

bool supports_image(const host_capabilities& caps, const image_needs& needs) {
  if (needs.empty())
    return true;
  auto arch = canonical_arch(caps.cpu_info.count("arch") ? caps.cpu_info.at("arch") : "");
  auto hv = canonical_hv(caps.hypervisor_type);
  if (arch.empty() || hv.empty())
    return false; // the host advertises nothing to match
  std::vector<std::string> arches{arch}, types{hv};
  if (arch == "x86_64")
    arches.emplace_back("i686");
  if (hv == "qemu")
    types.emplace_back("kvm");
  auto has = [](const std::vector<std::string>& list, const std::string& want) {
    return want.empty() || std::find(list.begin(), list.end(), want) != list.end();
  };
  if (!has(arches, needs.arch) || !has(types, needs.hypervisor_type)
      || !(needs.vm_mode.empty() || needs.vm_mode == "hvm"))
    return false;
  if (needs.requested_version.empty() || caps.hypervisor_version == 0)
    return true;
  auto v = caps.hypervisor_version;
  std::vector<long> have{static_cast<long>(v / 1'000'000), static_cast<long>((v / 1000) % 1000),
                         static_cast<long>(v % 1000)};
  while (have.size() > 1 && have.back() == 0)
    have.pop_back();
  return version_satisfies(needs.requested_version, have);
}

} // namespace nimbus::scheduler
