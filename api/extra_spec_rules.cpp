#include "api/extra_spec_rules.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <vector>

namespace nimbus::api {
namespace {

enum class kind { text, integer, boolean };

struct rule {
  kind type = kind::text;
  std::vector<std::string> choices;               // text: one of them (in Nova's order)
  std::function<bool(const std::string&)> format; // text: the value's form
  std::string format_text;                        // ... as Nova's message names it
  std::optional<long long> min, max;              // integer bounds, inclusive
};

rule boolean() { return {kind::boolean, {}, {}, {}, {}, {}}; }
rule integer(std::optional<long long> min = std::nullopt,
             std::optional<long long> max = std::nullopt) {
  return {kind::integer, {}, {}, {}, min, max};
}
rule one_of(std::vector<std::string> choices) {
  return {kind::text, std::move(choices), {}, {}, {}, {}};
}
rule any_text() { return {kind::text, {}, {}, {}, {}, {}}; }
rule shaped(std::function<bool(const std::string&)> f, std::string text) {
  return {kind::text, {}, std::move(f), std::move(text), {}, {}};
}

bool digits_at(const std::string& s, std::size_t& i) {
  auto start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
    ++i;
  return i > start;
}

// \^?\d+((-\d+)?(,\^?\d+(-\d+)?)?)* : ^?N, then any of -N and ,^?N.
bool cpu_mask(const std::string& s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '^')
    ++i;
  if (!digits_at(s, i))
    return false;
  while (i < s.size()) {
    if (s[i] == '-') {
      ++i;
    } else if (s[i] == ',') {
      ++i;
      if (i < s.size() && s[i] == '^')
        ++i;
    } else {
      return false;
    }
    if (!digits_at(s, i))
      return false;
  }
  return true;
}

// (large|small|any|\d+([kKMGT]i?)?(b|bit|B)?)
bool page_size(const std::string& s) {
  if (s == "large" || s == "small" || s == "any")
    return true;
  std::size_t i = 0;
  if (!digits_at(s, i))
    return false;
  if (i < s.size() && std::string("kKMGT").find(s[i]) != std::string::npos) {
    ++i;
    if (i < s.size() && s[i] == 'i')
      ++i;
  }
  auto unit = s.substr(i);
  return unit.empty() || unit == "b" || unit == "bit" || unit == "B";
}

// ([a-zA-Z0-9_]+(,)?)+ : words, each maybe followed by one comma.
bool pmem_list(const std::string& s) {
  if (s.empty() || s[0] == ',')
    return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ',') {
      if (i + 1 < s.size() && s[i + 1] == ',')
        return false;
    } else if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

// [^:]+:\d+(?:\s*,\s*[^:]+:\d+)* : alias:count, comma-separated.
bool pci_aliases(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto colon = s.find(':', start);
    parts.push_back(s.substr(start, colon == std::string::npos ? colon : colon - start));
    if (colon == std::string::npos)
      break;
    start = colon + 1;
  }
  if (parts.size() < 2 || parts.front().empty())
    return false;
  for (std::size_t k = 1; k < parts.size(); ++k) {
    auto& p = parts[k];
    std::size_t i = 0;
    if (!digits_at(p, i))
      return false;
    if (k + 1 == parts.size())
      return i == p.size();
    while (i < p.size() && std::isspace(static_cast<unsigned char>(p[i])))
      ++i;
    if (i >= p.size() || p[i] != ',')
      return false;
    ++i;
    while (i < p.size() && std::isspace(static_cast<unsigned char>(p[i])))
      ++i;
    if (i >= p.size())
      return false; // the next alias
  }
  return true;
}

const std::string cpu_mask_text = "\\^?\\d+((-\\d+)?(,\\^?\\d+(-\\d+)?)?)*";

// The registered keys of fixed names.
const std::map<std::string, rule>& fixed_rules() {
  static const std::map<std::string, rule> rules = [] {
    std::map<std::string, rule> r;
    r["hide_hypervisor_id"] = boolean();
    r["group_policy"] = one_of({"isolate", "none"});
    r["hw:cpu_realtime"] = boolean();
    r["hw:cpu_realtime_mask"] = shaped(cpu_mask, "(\\^)?\\d+((-\\d+)?(,\\^?\\d+(-\\d+)?)?)*");
    r["hw:hide_hypervisor_id"] = boolean();
    r["hw:cpu_policy"] = one_of({"dedicated", "shared", "mixed"});
    r["hw:cpu_thread_policy"] = one_of({"prefer", "isolate", "require"});
    r["hw:emulator_threads_policy"] = one_of({"isolate", "share"});
    r["hw:cpu_dedicated_mask"] = shaped(cpu_mask, cpu_mask_text);
    r["hw:mem_page_size"] = shaped(page_size, "(large|small|any|\\d+([kKMGT]i?)?(b|bit|B)?)");
    r["hw:locked_memory"] = boolean();
    r["hw:numa_nodes"] = integer(1);
    r["hw:pci_numa_affinity_policy"] = one_of({"required", "preferred", "legacy", "socket"});
    for (auto k : {"hw:cpu_sockets", "hw:cpu_cores", "hw:cpu_threads", "hw:cpu_max_sockets",
                   "hw:cpu_max_cores", "hw:cpu_max_threads"})
      r[k] = integer(1);
    for (auto k : {"hw:boot_menu", "hw:vif_multiqueue_enabled", "hw:mem_encryption", "hw:pmu",
                   "hw:virtio_packed_ring", "hw:ephemeral_encryption"})
      r[k] = boolean();
    r["hw:mem_encryption_model"] = one_of({"amd-sev", "amd-sev-es"});
    r["hw:pmem"] = shaped(pmem_list, "([a-zA-Z0-9_]+(,)?)+");
    r["hw:serial_port_count"] = integer(0);
    r["hw:tpm_model"] = one_of({"tpm-tis", "tpm-crb"});
    r["hw:tpm_version"] = one_of({"1.2", "2.0"});
    r["hw:watchdog_action"] = one_of({"none", "pause", "poweroff", "reset", "disabled"});
    r["hw:viommu_model"] = one_of({"intel", "smmuv3", "virtio", "auto"});
    r["hw:sound_model"] =
      one_of({"sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb", "virtio"});
    r["hw:usb_model"] = one_of({"none", "nec-xhci", "qemu-xhci"});
    r["hw:redirected_usb_ports"] = integer(0, 15);
    r["hw:ephemeral_encryption_format"] = one_of({"plain", "luks", "luksv2"});
    r["hw_rng:allowed"] = boolean();
    r["hw_rng:rate_bytes"] = integer(0);
    r["hw_rng:rate_period"] = integer(0);
    r["hw_video:ram_max_mb"] = integer(0);
    r["os:secure_boot"] = one_of({"disabled", "required"});
    r["pci_passthrough:alias"] = shaped(pci_aliases, "[^:]+:\\d+(?:\\s*,\\s*[^:]+:\\d+)*");
    for (std::string res : {"cpu", "memory", "disk_io", "vif"}) {
      r["quota:" + res + "_limit"] = integer(0);
      r["quota:" + res + "_reservation"] = integer();
      r["quota:" + res + "_shares_level"] = one_of({"custom", "high", "normal", "low"});
      r["quota:" + res + "_shares_share"] = integer(0);
    }
    r["quota:cpu_shares"] = integer(0);
    r["quota:cpu_period"] = integer(0);
    r["quota:cpu_quota"] = integer();
    for (std::string io : {"read", "write", "total"})
      for (std::string what : {"bytes", "iops"})
        r[std::string("quota:disk_").append(io).append("_").append(what).append("_sec")] =
          integer(0);
    for (std::string dir : {"inbound", "outbound"})
      for (std::string what : {"average", "peak", "burst"})
        r[std::string("quota:vif_").append(dir).append("_").append(what)] = integer(0);
    r["vmware:hw_version"] = any_text();
    r["vmware:storage_policy"] = any_text();
    r["accel:device_profile"] = any_text();
    for (auto k : {"id",
                   "uuid",
                   "service_id",
                   "host",
                   "vcpus",
                   "memory_mb",
                   "local_gb",
                   "vcpus_used",
                   "memory_mb_used",
                   "local_gb_used",
                   "hypervisor_type",
                   "hypervisor_version",
                   "hypervisor_hostname",
                   "free_ram_mb",
                   "free_disk_gb",
                   "current_workload",
                   "running_vms",
                   "disk_available_least",
                   "host_ip",
                   "mapped",
                   "cpu_allocation_ratio",
                   "ram_allocation_ratio",
                   "disk_allocation_ratio",
                   "total_usable_ram_mb",
                   "total_usable_disk_gb",
                   "disk_mb_used",
                   "free_disk_mb",
                   "vcpus_total",
                   "num_instances",
                   "num_io_ops",
                   "failed_builds",
                   "aggregates",
                   "cell_uuid",
                   "updated"})
      r[std::string("capabilities:") + k] = any_text();
    return r;
  }();
  return rules;
}

bool word(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_';
  });
}

bool upper_word(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isupper(c) || std::isdigit(c) || c == '_';
  });
}

// "resources" / "trait" followed by an optional group ([a-zA-Z0-9_-]{1,64}).
bool grouped(const std::string& prefix, const std::string& base) {
  if (prefix.compare(0, base.size(), base) != 0)
    return false;
  auto group = prefix.substr(base.size());
  return group.size() <= 64 && std::all_of(group.begin(), group.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '_' || c == '-';
         });
}

bool known_namespace(const std::string& ns) {
  static const std::set<std::string> names{"accel",        "aggregate_instance_extra_specs",
                                           "capabilities", "hw",
                                           "hw_rng",       "hw_video",
                                           "os",           "pci_passthrough",
                                           "quota",        "vmware"};
  return names.count(ns) || grouped(ns, "resources") || grouped(ns, "trait");
}

const std::set<std::string>& resource_classes() {
  static const std::set<std::string> names{"VCPU",
                                           "MEMORY_MB",
                                           "DISK_GB",
                                           "PCI_DEVICE",
                                           "SRIOV_NET_VF",
                                           "NUMA_SOCKET",
                                           "NUMA_CORE",
                                           "NUMA_THREAD",
                                           "NUMA_MEMORY_MB",
                                           "IPV4_ADDRESS",
                                           "VGPU",
                                           "VGPU_DISPLAY_HEAD",
                                           "NET_BW_EGR_KILOBIT_PER_SEC",
                                           "NET_BW_IGR_KILOBIT_PER_SEC",
                                           "PCPU",
                                           "MEM_ENCRYPTION_CONTEXT",
                                           "FPGA",
                                           "PGPU",
                                           "NET_PACKET_RATE_KILOPACKET_PER_SEC",
                                           "NET_PACKET_RATE_EGR_KILOPACKET_PER_SEC",
                                           "NET_PACKET_RATE_IGR_KILOPACKET_PER_SEC"};
  return names;
}

bool custom_name(const std::string& s) {
  return s.size() > 7 && s.compare(0, 7, "CUSTOM_") == 0 && upper_word(s.substr(7));
}

// The rule of a patterned key (hw:numa_*.N, resources*:RC, trait*:T,
// capabilities:<filtered>:...), or nullptr.
const rule* patterned_rule(const std::string& key) {
  static const rule numa_cpus = shaped(cpu_mask, cpu_mask_text);
  static const rule numa_mem = integer(1);
  static const rule amount = integer();
  static const rule trait_use = one_of({"required", "forbidden"});
  static const rule free = any_text();
  // Nova's "hw:numa_cpus.{num}": its '.' matches any character.
  for (auto [base, r] : {std::pair<std::string, const rule*>{"hw:numa_cpus", &numa_cpus},
                         {"hw:numa_mem", &numa_mem}}) {
    if (key.size() > base.size() + 1 && key.compare(0, base.size(), base) == 0) {
      auto num = key.substr(base.size() + 1);
      if (std::all_of(num.begin(), num.end(), [](unsigned char c) { return std::isdigit(c); }))
        return r;
    }
  }
  auto colon = key.find(':');
  if (colon == std::string::npos)
    return nullptr;
  auto ns = key.substr(0, colon), name = key.substr(colon + 1);
  if (grouped(ns, "resources") && (resource_classes().count(name) || custom_name(name)))
    return &amount;
  if (grouped(ns, "trait") && upper_word(name))
    return &trait_use;
  if (ns == "aggregate_instance_extra_specs" && !name.empty())
    return &free;
  if (ns == "capabilities") {
    static const std::set<std::string> filtered{
      "cpu_info",         "metrics",  "stats",     "numa_topology",       "supported_hv_specs",
      "pci_device_pools", "nodename", "pci_stats", "supported_instances", "limits",
      "instances"};
    auto next = name.find(':');
    if (!filtered.count(name.substr(0, next)))
      return nullptr;
    while (next != std::string::npos) { // (:\w+)*
      auto after = name.find(':', next + 1);
      if (!word(name.substr(next + 1, after == std::string::npos ? after : after - next - 1)))
        return nullptr;
      next = after;
    }
    return &free;
  }
  return nullptr;
}

// Python's int(text): whitespace around, a sign, digits with single '_'
// between them. The canonical digits (no leading zeros) and the sign.
bool python_int(const std::string& text, std::string* digits, bool* negative) {
  auto b = text.find_first_not_of(" \t\n\r\f\v"), e = text.find_last_not_of(" \t\n\r\f\v");
  if (b == std::string::npos)
    return false;
  auto s = text.substr(b, e - b + 1);
  std::size_t i = 0;
  *negative = false;
  if (s[i] == '+' || s[i] == '-')
    *negative = s[i++] == '-';
  std::string out;
  bool last_digit = false;
  for (; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      out += s[i];
      last_digit = true;
    } else if (s[i] == '_' && last_digit && i + 1 < s.size()
               && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      last_digit = false;
    } else {
      return false;
    }
  }
  if (out.empty())
    return false;
  auto nz = out.find_first_not_of('0');
  *digits = nz == std::string::npos ? "0" : out.substr(nz);
  if (*digits == "0")
    *negative = false;
  return true;
}

// Compares a parsed integer with a bound, whatever its size.
int compare(const std::string& digits, bool negative, long long bound) {
  auto b = std::to_string(bound < 0 ? -bound : bound);
  bool bound_negative = bound < 0;
  if (negative != bound_negative)
    return negative ? -1 : 1;
  int magnitude = digits.size() != b.size() ? (digits.size() < b.size() ? -1 : 1)
                  : digits.compare(b) < 0   ? -1
                  : digits.compare(b) > 0   ? 1
                                            : 0;
  return negative ? -magnitude : magnitude;
}

std::optional<std::string> check(const rule& r, const std::string& value) {
  const std::string failed = "Validation failed; ";
  switch (r.type) {
  case kind::boolean: {
    auto b = value.find_first_not_of(" \t\n\r\f\v"), e = value.find_last_not_of(" \t\n\r\f\v");
    std::string t = b == std::string::npos ? "" : value.substr(b, e - b + 1);
    std::transform(t.begin(), t.end(), t.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static const std::set<std::string> words{"1", "t", "true",  "on",  "y", "yes",
                                             "0", "f", "false", "off", "n", "no"};
    if (!words.count(t))
      return failed + "'" + value + "' is not a valid boolean-like value.";
    return std::nullopt;
  }
  case kind::integer: {
    std::string digits;
    bool negative = false;
    if (!python_int(value, &digits, &negative))
      return failed + "'" + value + "' is not a valid integer value.";
    auto shown = (negative ? "-" : "") + digits;
    if (r.max && compare(digits, negative, *r.max) > 0)
      return failed + "'" + shown + "' is greater than the max value of '" + std::to_string(*r.max)
             + "'.";
    if (r.min && compare(digits, negative, *r.min) < 0)
      return failed + "'" + shown + "' is less than the min value of '" + std::to_string(*r.min)
             + "'.";
    return std::nullopt;
  }
  case kind::text:
    if (!r.choices.empty()
        && std::find(r.choices.begin(), r.choices.end(), value) == r.choices.end()) {
      std::string list;
      for (auto& c : r.choices)
        list += (list.empty() ? "" : ", ") + c;
      return failed + "'" + value + "' is not one of: " + list + ".";
    }
    if (r.format && !r.format(value))
      return failed + "'" + value + "' is not of the format '" + r.format_text + "'.";
    return std::nullopt;
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> extra_spec_refusal(const std::string& key, const std::string& value) {
  auto& fixed = fixed_rules();
  if (auto it = fixed.find(key); it != fixed.end())
    return check(it->second, value);
  if (auto* r = patterned_rule(key))
    return check(*r, value);
  auto colon = key.find(':');
  if (colon == std::string::npos || !known_namespace(key.substr(0, colon)))
    return std::nullopt; // no namespace, or one Nova does not validate
  return "Validation failed; extra spec '" + key + "' does not appear to be a valid extra spec.";
}

} // namespace nimbus::api
