#pragma once
// An in-memory hypervisor (cf. nova/virt/fake.py): domains are entries in a
// map, resources are what the options say. Thread-safe, so tests can poke a
// driver a host actor owns. Failures and delays come from faults().
#include <map>
#include <memory>
#include <mutex>

#include "hypervisor/chain_book.h"
#include "hypervisor/console_log.h"
#include "hypervisor/driver.h"
#include "hypervisor/fault_plan.h"

namespace nimbus::hypervisor {

struct fake_options {
  std::string hostname = "fake-host";
  std::int32_t vcpus = 16;
  std::int64_t memory_mb = 65536;
  std::int64_t local_gb = 1000;
  /// The storage pools it reports; empty: the three tiers' pools,
  /// volumes_hdd of local_gb, volumes_ssd of a half and volumes_pcie_ssd of
  /// a fifth of it (fake_pools()).
  std::vector<pool_info> pools = {};
};

/// A simulated host's pools of `local_gb`: every tier, smaller the faster.
std::vector<pool_info> fake_pools(std::int64_t local_gb);

class fake_driver final : public driver {
public:
  explicit fake_driver(fake_options opts = {});

  std::error_code spawn(const domain_spec& spec) override;
  std::error_code destroy(const std::string& name) override;
  std::error_code power_off(const std::string& name) override;
  std::error_code power_on(const std::string& name) override;
  std::error_code reboot(const std::string& name, bool hard) override;
  std::error_code pause(const std::string& name) override;
  std::error_code unpause(const std::string& name) override;
  std::error_code suspend(const std::string& name) override;
  std::error_code resume(const std::string& name) override;
  std::error_code rescue(const std::string& name) override;
  std::error_code unrescue(const std::string& name) override;
  std::error_code inject_nmi(const std::string& name) override;
  std::error_code set_admin_password(const std::string& name, const std::string& user,
                                     const std::string& password) override;
  std::error_code get_console_output(const std::string& name, std::string* out) override;
  std::error_code get_power_state(const std::string& name, power_state* out) override;
  std::error_code list_domains(std::vector<domain_info>* out) override;
  std::error_code list_interfaces(const std::string& name,
                                  std::vector<interface_spec>* out) override;
  std::error_code create_point(const std::string& name, const std::string& point) override;
  std::error_code revert_to_point(const std::string& name, const std::string& point) override;
  std::error_code remove_point(const std::string& name, const std::string& point) override;
  std::error_code list_points(const std::string& name, std::vector<chain_point>* out) override;
  /// errc::unsupported: the fake has no disk to write out.
  std::error_code export_disk(const std::string& name, const std::string& point,
                              const std::string& path) override;
  std::error_code get_host_resources(host_resources* out) override;
  /// Nothing: the fake has no image cache.
  std::vector<std::string> remove_unused_images(std::chrono::seconds) override { return {}; }

  fault_plan& faults() { return faults_; }
  /// Changes a domain's state behind the controller's back (a guest crash, an
  /// operator's virsh). errc::not_found if there is no such domain.
  std::error_code test_set_power_state(const std::string& name, power_state s);

private:
  fake_options opts_;
  fault_plan faults_;
  std::mutex mutex_;
  std::map<std::string, domain_info> domains_;
  std::map<std::string, std::vector<interface_spec>> interfaces_; // of each domain, as spawned
  console_log console_;
  chain_book chains_;
};

std::unique_ptr<fake_driver> make_fake_driver(fake_options opts = {});

} // namespace nimbus::hypervisor
