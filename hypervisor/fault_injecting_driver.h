#pragma once
// Forwards every call to a wrapped driver, first asking its fault plan for a
// failure or delay (cf. LevelDB's EnvWrapper). Puts failures around the real
// libvirt driver in tests.
#include <memory>

#include "hypervisor/driver.h"
#include "hypervisor/fault_plan.h"

namespace nimbus::hypervisor {

class fault_injecting_driver final : public driver {
public:
  explicit fault_injecting_driver(std::unique_ptr<driver> inner) : inner_(std::move(inner)) {}

  fault_plan& faults() { return faults_; }
  driver& inner() { return *inner_; }

  std::error_code spawn(const domain_spec& spec) override {
    return forward(operation::spawn, [&] { return inner_->spawn(spec); });
  }
  std::error_code destroy(const std::string& name) override {
    return forward(operation::destroy, [&] { return inner_->destroy(name); });
  }
  std::error_code power_off(const std::string& name) override {
    return forward(operation::power_off, [&] { return inner_->power_off(name); });
  }
  std::error_code power_on(const std::string& name) override {
    return forward(operation::power_on, [&] { return inner_->power_on(name); });
  }
  std::error_code reboot(const std::string& name, bool hard) override {
    return forward(operation::reboot, [&] { return inner_->reboot(name, hard); });
  }
  std::error_code pause(const std::string& name) override {
    return forward(operation::pause, [&] { return inner_->pause(name); });
  }
  std::error_code unpause(const std::string& name) override {
    return forward(operation::unpause, [&] { return inner_->unpause(name); });
  }
  std::error_code suspend(const std::string& name) override {
    return forward(operation::suspend, [&] { return inner_->suspend(name); });
  }
  std::error_code resume(const std::string& name) override {
    return forward(operation::resume, [&] { return inner_->resume(name); });
  }
  std::error_code rescue(const std::string& name) override {
    return forward(operation::rescue, [&] { return inner_->rescue(name); });
  }
  std::error_code unrescue(const std::string& name) override {
    return forward(operation::unrescue, [&] { return inner_->unrescue(name); });
  }
  std::error_code inject_nmi(const std::string& name) override {
    return forward(operation::inject_nmi, [&] { return inner_->inject_nmi(name); });
  }
  std::error_code set_admin_password(const std::string& name, const std::string& user,
                                     const std::string& password) override {
    return forward(operation::set_admin_password,
                   [&] { return inner_->set_admin_password(name, user, password); });
  }
  std::error_code get_console_output(const std::string& name, std::string* out) override {
    return forward(operation::get_console_output,
                   [&] { return inner_->get_console_output(name, out); });
  }
  std::error_code get_power_state(const std::string& name, power_state* out) override {
    return forward(operation::get_power_state, [&] { return inner_->get_power_state(name, out); });
  }
  std::error_code create_point(const std::string& name, const std::string& point) override {
    return forward(operation::create_point, [&] { return inner_->create_point(name, point); });
  }
  std::error_code revert_to_point(const std::string& name, const std::string& point) override {
    return forward(operation::revert_to_point,
                   [&] { return inner_->revert_to_point(name, point); });
  }
  std::error_code remove_point(const std::string& name, const std::string& point) override {
    return forward(operation::remove_point, [&] { return inner_->remove_point(name, point); });
  }
  std::error_code list_interfaces(const std::string& name,
                                  std::vector<interface_spec>* out) override {
    return forward(operation::list_interfaces, [&] { return inner_->list_interfaces(name, out); });
  }
  std::error_code list_points(const std::string& name, std::vector<chain_point>* out) override {
    return forward(operation::list_points, [&] { return inner_->list_points(name, out); });
  }
  std::error_code export_disk(const std::string& name, const std::string& point,
                              const std::string& path) override {
    return forward(operation::export_disk, [&] { return inner_->export_disk(name, point, path); });
  }
  std::error_code list_domains(std::vector<domain_info>* out) override {
    return forward(operation::list_domains, [&] { return inner_->list_domains(out); });
  }
  std::vector<std::string> remove_unused_images(std::chrono::seconds min_age) override {
    return inner_->remove_unused_images(min_age);
  }
  std::error_code get_host_resources(host_resources* out) override {
    return forward(operation::get_host_resources, [&] { return inner_->get_host_resources(out); });
  }

private:
  template <class Call>
  std::error_code forward(operation op, Call&& call) {
    if (auto ec = faults_.on_call(op))
      return ec;
    return call();
  }

  std::unique_ptr<driver> inner_;
  fault_plan faults_;
};

} // namespace nimbus::hypervisor
