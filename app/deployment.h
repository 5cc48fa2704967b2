#pragma once
// A Nimbus process in one of its roles:
//   all-in-one  the API cell, cell0, the cells and their simulated hosts
//   api         the API cell and cell0; connects to the cells of cell_mappings
//   cell        one cell's store, scheduler and conductor, published at an endpoint
//   compute     one host actor with its driver, connected to its cell
// The first start of an all-in-one or api data directory sets it up. No CAF
// in this header: tools/ and api/ see only the compute facade.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "actors/scheduler/scheduler_options.h"
#include "compute/compute_api.h"
#include "compute/image_catalog.h"
#include "network/network_options.h"
#include "storage/store.h"
#include "transport/tls_options.h"

namespace nimbus::app {

enum class role { all_in_one, api, cell, compute };

/// "all-in-one", "api", "cell" or "compute"; false for anything else.
bool parse_role(const std::string& text, role* out);

struct deployment_options {
  app::role role = role::all_in_one;
  std::string data_dir = "./data";
  /// Cells besides cell0, and simulated hosts in each (all-in-one, first start).
  std::int32_t cells = 1;
  std::int32_t hosts_per_cell = 2;
  /// The size of every simulated host.
  std::int32_t host_vcpus = 16;
  std::int64_t host_memory_mb = 32768;
  std::int64_t host_disk_gb = 500;
  /// "libvirt": a host is a libvirt connection (libvirt_uri, or a test:///
  /// node description under <data_dir>/hosts); "fake": the in-memory driver.
  std::string driver = "libvirt";
  std::string libvirt_uri; // compute role; empty: a simulated test:/// host
  /// [libvirt] virt_type (kvm or qemu) and shutdown_timeout, for real hosts.
  std::string virt_type = "kvm";
  std::int32_t shutdown_timeout_s = 60;
  /// [compute] default_disk_type: the tier of a server that names none.
  storage::disk_tier default_disk_type = storage::disk_tier::hdd;
  /// "rocksdb" or "memory" (nothing survives a restart).
  std::string store = "rocksdb";
  scheduler::scheduler_options scheduler;
  std::chrono::milliseconds report_interval{10'000};
  /// [DEFAULT] sync_power_state_interval: how often hosts report their
  /// domains' power states for the records to follow; zero or less: never.
  std::chrono::milliseconds sync_power_state_interval{600'000};
  /// [image_cache] manager_interval, remove_unused_base_images and
  /// remove_unused_original_minimum_age_seconds (host::host_options).
  std::chrono::milliseconds image_cache_manager_interval{2'400'000};
  bool remove_unused_base_images = true;
  std::chrono::seconds remove_unused_minimum_age{86'400};
  std::chrono::seconds build_timeout{60};
  std::chrono::seconds call_timeout{30};
  std::chrono::seconds list_timeout{10};
  std::chrono::seconds host_timeout{300};
  std::chrono::seconds shelved_offload_time{0}; // -1: never
  std::chrono::seconds shelved_poll_interval{3600};
  std::chrono::seconds reclaim_instance_interval{0}; // 0: deletes are at once
  bool allow_resize_to_same_host = false;
  std::chrono::seconds resize_confirm_window{0};          // 0: never confirmed for the user
  std::chrono::seconds deleted_actions_retention{604800}; // 0: gone with the server
  /// [quota] instances, cores, ram, ...: the default limits (Nova's when unset).
  std::map<std::string, std::int64_t> quotas;
  /// [image]: the image API's limits; its files go under <data_dir>/images.
  compute::image_options images;
  /// [network]: the network service's segments and automatic networks.
  network::network_options networks;
  std::chrono::seconds instance_build_timeout{0}; // 0: host_timeout
  std::int32_t actor_threads = 2;                 // CAF scheduler threads
  std::string scheduler_policy = "sharing";
  std::string control_host; // shown as the control services' host
  /// Fault injection for tests: cells (by name) whose conductors take server
  /// lists and never answer them ([debug] silent_cells).
  std::vector<std::string> silent_cells;

  // Distributed roles.
  std::string cell_name;                            // cell role
  std::string cell_listen = "caf://127.0.0.1:4242"; // cell role: where to publish
  std::string cell_database; // cell role; empty: rocksdb://<data_dir>/cells/<name>
  std::string compute_host;  // compute role
  std::string cell_url = "caf://127.0.0.1:4242"; // compute role: its cell
  std::chrono::seconds reconnect_interval{2};
  std::chrono::seconds discover_hosts_interval{10};
  transport::tls_options tls;
};

class deployment {
public:
  /// Starts the role; null with *error set if something cannot start.
  static std::unique_ptr<deployment> start(const deployment_options& opts, std::string* error);
  ~deployment();

  /// The compute facade of the api and all-in-one roles; null otherwise.
  compute::compute_api* compute();
  /// The API cell's store (api and all-in-one roles; null otherwise), where
  /// the identity records live beside the API cell's own.
  std::shared_ptr<storage::store> api_store();
  /// Where a cell role published its conductor (caf://host:port).
  std::string published_at() const;

private:
  struct impl;
  explicit deployment(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace nimbus::app
