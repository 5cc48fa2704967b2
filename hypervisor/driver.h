#pragma once
// The contract every hypervisor backend follows (cf. Nova's ComputeDriver).
// It speaks in domains; a driver knows nothing of instances, cells or actors.
//
// - Not thread-safe unless an implementation says so: each host actor owns
//   exactly one driver and calls it from one thread at a time.
// - Calls block until the hypervisor has done the work; callers keep them off
//   shared scheduler threads.
// - No exceptions escape: every call returns a std::error_code (errc.h).
#include <string>
#include <system_error>
#include <vector>

#include "hypervisor/errc.h"
#include "hypervisor/types.h"

namespace nimbus::hypervisor {

class driver {
public:
  virtual ~driver();
  driver(const driver&) = delete;
  driver& operator=(const driver&) = delete;

  /// Defines the domain and starts it. errc::already_exists if a domain of
  /// that name is defined. On failure no partial domain is left behind.
  virtual std::error_code spawn(const domain_spec& spec) = 0;
  /// Stops the domain (if running) and removes its definition.
  /// errc::not_found if there is no such domain.
  virtual std::error_code destroy(const std::string& name) = 0;
  /// Shuts the domain off. A domain already off is not an error.
  virtual std::error_code power_off(const std::string& name) = 0;
  /// Starts a defined domain that is off. A running domain is not an error.
  virtual std::error_code power_on(const std::string& name) = 0;
  /// Restarts a running domain: soft (guest shutdown + start) or hard (reset).
  /// errc::invalid_state if the domain is not running.
  virtual std::error_code reboot(const std::string& name, bool hard) = 0;
  virtual std::error_code get_power_state(const std::string& name, power_state* out) = 0;
  /// Every domain defined on this host.
  virtual std::error_code list_domains(std::vector<domain_info>* out) = 0;
  virtual std::error_code get_host_resources(host_resources* out) = 0;

protected:
  driver() = default;
};

} // namespace nimbus::hypervisor
