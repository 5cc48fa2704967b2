#pragma once
// An all-in-one deployment: the API cell, cell0, the cells and their
// simulated compute hosts in one process, under one data directory. The
// first start sets the data directory up; later starts load it. No CAF in
// this header: tools/ and api/ see only the compute facade.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "actors/scheduler/scheduler_options.h"
#include "cells/compute_api.h"

namespace nimbus::cells {

struct all_in_one_options {
  std::string data_dir = "./data";
  /// Cells besides cell0, and simulated hosts in each (first start only).
  std::int32_t cells = 1;
  std::int32_t hosts_per_cell = 2;
  /// The size of every simulated host.
  std::int32_t host_vcpus = 16;
  std::int64_t host_memory_mb = 32768;
  std::int64_t host_disk_gb = 500;
  /// "libvirt": each host is its own libvirt test:/// connection on a node
  /// description under <data_dir>/hosts; "fake": the in-memory driver.
  std::string driver = "libvirt";
  /// "rocksdb" or "memory" (nothing survives a restart).
  std::string store = "rocksdb";
  scheduler::scheduler_options scheduler;
  std::chrono::milliseconds report_interval{10'000};
  std::chrono::seconds build_timeout{60};
  std::chrono::seconds call_timeout{30};
  std::chrono::seconds list_timeout{10};
  std::chrono::seconds host_timeout{300};
  std::int32_t actor_threads = 2;      // CAF scheduler threads
  std::string scheduler_policy = "sharing";
  std::string control_host;           // shown as the control services' host
};

class deployment {
public:
  /// Starts everything; null with *error set if something cannot start.
  static std::unique_ptr<deployment> start(const all_in_one_options& opts, std::string* error);
  ~deployment();

  compute_api& compute();

private:
  struct impl;
  explicit deployment(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace nimbus::cells
