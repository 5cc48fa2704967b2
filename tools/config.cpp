#include "tools/config.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "compute/quota_book.h"
#include "tools/ini.h"

namespace nimbus::tools {
namespace {

// Reads typed values out of one INI file, remembering which keys it used.
class reader {
public:
  explicit reader(const ini_file& ini) : ini_(ini) {}

  void str(const std::string& section, const std::string& key, std::string* out) {
    if (auto* v = find(section, key))
      *out = *v;
  }
  template <class Int>
  void integer(const std::string& section, const std::string& key, Int* out) {
    if (auto* v = find(section, key)) {
      try {
        std::size_t used = 0;
        auto n = std::stoll(*v, &used);
        if (used != v->size())
          throw std::invalid_argument(*v);
        *out = static_cast<Int>(n);
      } catch (const std::exception&) {
        fail(section, key, *v, "an integer");
      }
    }
  }
  /// A duration given in whole seconds; the default is what *out holds.
  template <class Duration>
  void seconds(const std::string& section, const std::string& key, Duration* out) {
    auto n =
      static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(*out).count());
    integer(section, key, &n);
    *out = std::chrono::duration_cast<Duration>(std::chrono::seconds(n));
  }
  void real(const std::string& section, const std::string& key, double* out) {
    if (auto* v = find(section, key)) {
      try {
        *out = std::stod(*v);
      } catch (const std::exception&) {
        fail(section, key, *v, "a number");
      }
    }
  }
  /// oslo.config's booleans: true/false, yes/no, on/off, 1/0, any case.
  void boolean(const std::string& section, const std::string& key, bool* out) {
    if (auto* v = find(section, key)) {
      std::string t = *v;
      std::transform(t.begin(), t.end(), t.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (t == "true" || t == "yes" || t == "on" || t == "1")
        *out = true;
      else if (t == "false" || t == "no" || t == "off" || t == "0")
        *out = false;
      else
        fail(section, key, *v, "a boolean");
    }
  }
  void list(const std::string& section, const std::string& key, std::vector<std::string>* out) {
    if (auto* v = find(section, key)) {
      out->clear();
      std::stringstream ss(*v);
      std::string item;
      while (std::getline(ss, item, ',')) {
        auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
        if (b != std::string::npos)
          out->push_back(item.substr(b, e - b + 1));
      }
    }
  }
  std::vector<std::string> unused() const {
    std::vector<std::string> out;
    for (auto& [section, keys] : ini_)
      for (auto& [key, value] : keys)
        if (!used_.count(dotted(section, key))) {
          std::string line = "unknown option [";
          line.append(section).append("] ").append(key).append(" is ignored");
          out.push_back(std::move(line));
        }
    return out;
  }
  const std::string& error() const { return error_; }
  /// Records that `v` is not a valid value (the first such error wins).
  void fail(const std::string& section, const std::string& key, const std::string& v,
            const char* what) {
    if (error_.empty())
      error_ = "[" + section + "] " + key + " = " + v + " is not " + what;
  }

private:
  // The name used_ keeps a key under: "section.key".
  static std::string dotted(const std::string& section, const std::string& key) {
    std::string name;
    name.reserve(section.size() + 1 + key.size());
    name.append(section).append(1, '.').append(key);
    return name;
  }
  const std::string* find(const std::string& section, const std::string& key) {
    used_.insert(dotted(section, key));
    auto s = ini_.find(section);
    if (s == ini_.end())
      return nullptr;
    auto k = s->second.find(key);
    return k == s->second.end() ? nullptr : &k->second;
  }
  const ini_file& ini_;
  std::set<std::string> used_;
  std::string error_;
};

} // namespace

bool load_config(const std::string& path, service_config* out, std::string* error) {
  ini_file ini;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) {
      *error = "cannot read " + path;
      return false;
    }
    std::stringstream text;
    text << in.rdbuf();
    if (!parse_ini(text.str(), &ini, error)) {
      *error = path + ": " + *error;
      return false;
    }
  }
  reader r(ini);
  auto& d = out->deployment;
  r.str("DEFAULT", "log_level", &out->log_level);
  r.str("DEFAULT", "data_dir", &d.data_dir);
  r.str("DEFAULT", "host", &d.control_host);
  r.str("api", "listen", &out->api.listen);
  r.integer("api", "port", &out->api.port);
  r.integer("api", "image_port", &out->api.image_port);
  r.integer("api", "network_port", &out->api.network_port);
  auto& net = out->deployment.networks;
  r.str("network", "tenant_network_type", &net.tenant_network_type);
  if (net.tenant_network_type != "vlan" && net.tenant_network_type != "flat")
    r.fail("network", "tenant_network_type", net.tenant_network_type, "vlan or flat");
  r.str("network", "physical_network", &net.physical_network);
  r.integer("network", "vlan_min", &net.vlan_min);
  r.integer("network", "vlan_max", &net.vlan_max);
  r.str("network", "auto_allocate_range", &net.auto_allocate_range);
  r.integer("network", "auto_allocate_prefixlen", &net.auto_allocate_prefixlen);
  for (auto& [resource, limit] : net.default_quotas)
    r.integer("network", "quota_" + resource, &limit);
  r.str("api", "auth_strategy", &out->api.auth_strategy);
  r.str("oslo_policy", "policy_file", &out->api.policy_file);
  auto& id = out->identity;
  r.integer("identity", "port", &id.port);
  r.integer("identity", "workers", &id.workers);
  r.str("identity", "region", &id.region);
  r.str("identity", "bootstrap_admin_user", &id.admin_user);
  r.str("identity", "bootstrap_admin_project", &id.admin_project);
  r.str("identity", "bootstrap_admin_password", &id.admin_password);
  r.integer("identity", "max_concurrent_password_checks", &id.max_concurrent_password_checks);
  r.seconds("token", "expiration", &id.token_expiration);
  r.integer("token", "max_active_keys", &id.max_active_keys);
  r.integer("security_compliance", "lockout_failure_attempts", &id.lockout_failure_attempts);
  r.seconds("security_compliance", "lockout_duration", &id.lockout_duration);
  auto& http = out->api.http;
  r.integer("api", "workers", &http.threads);
  r.integer("api", "max_request_body_size", &http.max_request_body_size);
  r.integer("api", "max_header_size", &http.max_header_size);
  r.seconds("api", "client_timeout", &http.client_timeout);
  r.seconds("api", "keepalive_timeout", &http.keepalive_timeout);
  r.integer("api", "max_connections", &http.max_connections);
  r.seconds("api", "request_timeout", &http.request_timeout);
  r.integer("all_in_one", "cells", &d.cells);
  r.integer("all_in_one", "hosts_per_cell", &d.hosts_per_cell);
  r.integer("all_in_one", "host_vcpus", &d.host_vcpus);
  r.integer("all_in_one", "host_memory_mb", &d.host_memory_mb);
  r.integer("all_in_one", "host_disk_gb", &d.host_disk_gb);
  r.str("all_in_one", "driver", &d.driver);
  r.str("all_in_one", "store", &d.store);
  auto& s = d.scheduler;
  std::string driver = "filter";
  r.str("scheduler", "driver", &driver);
  if (!scheduler::driver_of(driver, &s.driver))
    r.fail("scheduler", "driver", driver, "filter, random, availability-zone or simple");
  r.list("scheduler", "enabled_filters", &s.enabled_filters);
  std::vector<std::string> weighers;
  for (auto& [name, m] : s.weighers)
    weighers.push_back(name);
  r.list("scheduler", "weighers", &weighers);
  // Each weigher's multiplier option, with Nova's default.
  std::vector<std::tuple<std::string, std::string, double>> multipliers{
    {"RAMWeigher", "ram_weight_multiplier", 1.0},
    {"CPUWeigher", "cpu_weight_multiplier", 1.0},
    {"DiskWeigher", "disk_weight_multiplier", 1.0},
    {"IoOpsWeigher", "io_ops_weight_multiplier", -1.0},
    {"NumInstancesWeigher", "num_instances_weight_multiplier", 0.0},
    {"BuildFailureWeigher", "build_failure_weight_multiplier", 1e6}};
  for (auto& [weigher, option, value] : multipliers)
    r.real("scheduler", option, &value);
  s.weighers.clear();
  for (auto& w : weighers) {
    double multiplier = 1.0;
    for (auto& [weigher, option, value] : multipliers)
      if (weigher == w)
        multiplier = value;
    s.weighers.emplace_back(w, multiplier);
  }
  r.integer("scheduler", "host_subset_size", &s.host_subset_size);
  if (s.host_subset_size < 1)
    r.fail("scheduler", "host_subset_size", std::to_string(s.host_subset_size), "at least 1");
  r.boolean("scheduler", "shuffle_best_same_weighed_hosts", &s.shuffle_best_same_weighed_hosts);
  r.real("scheduler", "cpu_allocation_ratio", &s.ratios.cpu);
  r.real("scheduler", "ram_allocation_ratio", &s.ratios.ram);
  r.real("scheduler", "disk_allocation_ratio", &s.ratios.disk);
  r.integer("scheduler", "max_attempts", &s.max_attempts);
  r.seconds("DEFAULT", "report_interval", &d.report_interval);
  r.seconds("DEFAULT", "sync_power_state_interval", &d.sync_power_state_interval);
  r.seconds("image_cache", "manager_interval", &d.image_cache_manager_interval);
  r.boolean("image_cache", "remove_unused_base_images", &d.remove_unused_base_images);
  r.seconds("image_cache", "remove_unused_original_minimum_age_seconds",
            &d.remove_unused_minimum_age);
  r.integer("DEFAULT", "service_down_time", &s.service_down_time_s);
  r.seconds("conductor", "build_timeout", &d.build_timeout);
  r.seconds("cells", "call_timeout", &d.call_timeout);
  r.seconds("cells", "list_timeout", &d.list_timeout);
  r.seconds("compute", "host_timeout", &d.host_timeout);
  r.seconds("DEFAULT", "shelved_offload_time", &d.shelved_offload_time);
  r.seconds("DEFAULT", "shelved_poll_interval", &d.shelved_poll_interval);
  r.seconds("DEFAULT", "reclaim_instance_interval", &d.reclaim_instance_interval);
  r.boolean("DEFAULT", "allow_resize_to_same_host", &d.allow_resize_to_same_host);
  r.seconds("DEFAULT", "resize_confirm_window", &d.resize_confirm_window);
  r.seconds("DEFAULT", "deleted_actions_retention", &d.deleted_actions_retention);
  for (auto& [option, resource] : std::vector<std::pair<std::string, std::string>>{
         {"instances", "instances"},
         {"cores", "cores"},
         {"ram", "ram"},
         {"metadata_items", "metadata_items"},
         {"injected_files", "injected_files"},
         {"injected_file_content_bytes", "injected_file_content_bytes"},
         {"injected_file_path_length", "injected_file_path_bytes"},
         {"key_pairs", "key_pairs"},
         {"server_groups", "server_groups"},
         {"server_group_members", "server_group_members"},
         {"disk_gb_hdd", "disk_gb_hdd"},
         {"disk_gb_ssd", "disk_gb_ssd"},
         {"disk_gb_pcie_ssd", "disk_gb_pcie_ssd"}}) {
    long long limit = compute::nova_quota_defaults()[resource];
    r.integer("quota", option, &limit);
    if (limit < -1) {
      *error = "[quota] " + option + " must be -1 (unlimited) or more";
      return false;
    }
    d.quotas[resource] = limit;
  }
  r.integer("image", "image_size_cap", &d.images.image_size_cap);
  r.integer("image", "user_storage_quota", &d.images.user_storage_quota);
  r.integer("image", "image_member_quota", &d.images.image_member_quota);
  r.integer("image", "image_tag_quota", &d.images.image_tag_quota);
  if (d.images.image_size_cap < 0 || d.images.user_storage_quota < 0) {
    *error = "[image] image_size_cap and user_storage_quota must be 0 or more";
    return false;
  }
  r.seconds("compute", "instance_build_timeout", &d.instance_build_timeout);
  r.str("cell", "name", &d.cell_name);
  r.str("cell", "listen", &d.cell_listen);
  r.str("cell", "database_connection", &d.cell_database);
  r.str("compute", "host", &d.compute_host);
  r.str("compute", "cell_url", &d.cell_url);
  r.str("compute", "libvirt_uri", &d.libvirt_uri);
  r.str("libvirt", "virt_type", &d.virt_type);
  if (d.virt_type != "kvm" && d.virt_type != "qemu") {
    *error = "[libvirt] virt_type must be kvm or qemu, not " + d.virt_type;
    return false;
  }
  r.integer("libvirt", "shutdown_timeout", &d.shutdown_timeout_s);
  std::string disk_type(storage::nova_name(d.default_disk_type));
  r.str("compute", "default_disk_type", &disk_type);
  if (auto tier = storage::disk_tier_named(disk_type)) {
    d.default_disk_type = *tier;
  } else {
    *error = "[compute] default_disk_type must be hdd, ssd or pcie_ssd, not " + disk_type;
    return false;
  }
  r.seconds("cells", "reconnect_interval", &d.reconnect_interval);
  r.seconds("cells", "discover_hosts_interval", &d.discover_hosts_interval);
  std::string tls = d.tls.enabled ? "true" : "false";
  r.str("tls", "enabled", &tls);
  d.tls.enabled = tls == "true" || tls == "True" || tls == "1" || tls == "yes";
  r.str("tls", "certificate", &d.tls.certificate);
  r.str("tls", "key", &d.tls.key);
  r.str("tls", "cafile", &d.tls.cafile);
  r.str("tls", "passphrase", &d.tls.passphrase);
  r.integer("actors", "threads", &d.actor_threads);
  r.str("actors", "scheduler_policy", &d.scheduler_policy);
  r.list("debug", "silent_cells", &d.silent_cells);
  if (!r.error().empty()) {
    *error = r.error();
    return false;
  }
  if (out->api.auth_strategy != "keystone" && out->api.auth_strategy != "noauth2") {
    *error = "[api] auth_strategy must be keystone or noauth2, not " + out->api.auth_strategy;
    return false;
  }
  if (id.max_active_keys < 2) {
    *error = "[token] max_active_keys must be at least 2 (the staged and the primary key)";
    return false;
  }
  if (!out->api.policy_file.empty() && out->api.policy_file[0] != '/') {
    auto slash = path.rfind('/');
    out->api.policy_file = (slash == std::string::npos ? std::string(".") : path.substr(0, slash))
                           + "/" + out->api.policy_file;
  }
  if (d.driver != "libvirt" && d.driver != "fake") {
    *error = "[all_in_one] driver must be libvirt or fake, not " + d.driver;
    return false;
  }
  if (d.store != "rocksdb" && d.store != "memory") {
    *error = "[all_in_one] store must be rocksdb or memory, not " + d.store;
    return false;
  }
  out->warnings = r.unused();
  return true;
}

} // namespace nimbus::tools
