#pragma once
// Failures and delays a test asks a driver to produce, by operation. Shared by
// fake_driver and fault_injecting_driver so both inject the same way.
// Thread-safe: tests arm it from their thread while a host actor calls.
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>

#include "hypervisor/errc.h"

namespace nimbus::hypervisor {

enum class operation {
  spawn,
  destroy,
  power_off,
  power_on,
  reboot,
  get_power_state,
  list_domains,
  get_host_resources,
  pause,
  unpause,
  suspend,
  resume,
  rescue,
  unrescue,
  inject_nmi,
  set_admin_password,
  get_console_output,
  create_point,
  revert_to_point,
  remove_point,
  list_points,
  export_disk,
  list_interfaces,
};

class fault_plan {
public:
  /// The next `times` calls of `op` fail with `ec`.
  void fail_next(operation op, std::error_code ec = errc::injected_failure, int times = 1) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int i = 0; i < times; ++i)
      failures_[op].push_back(ec);
  }
  /// Every call of `op` takes at least `d` (simulates a slow hypervisor).
  void delay(operation op, std::chrono::milliseconds d) {
    std::lock_guard<std::mutex> lock(mutex_);
    delays_[op] = d;
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    failures_.clear();
    delays_.clear();
  }
  /// Called by a driver at the start of `op`: waits out the delay, then
  /// returns the armed failure, if any.
  std::error_code on_call(operation op) {
    std::chrono::milliseconds d{0};
    std::error_code ec;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (auto it = delays_.find(op); it != delays_.end())
        d = it->second;
      if (auto it = failures_.find(op); it != failures_.end() && !it->second.empty()) {
        ec = it->second.front();
        it->second.pop_front();
      }
    }
    if (d.count() > 0)
      std::this_thread::sleep_for(d); // a simulated slow hypervisor, not synchronization
    return ec;
  }

private:
  std::mutex mutex_;
  std::map<operation, std::deque<std::error_code>> failures_;
  std::map<operation, std::chrono::milliseconds> delays_;
};

} // namespace nimbus::hypervisor
