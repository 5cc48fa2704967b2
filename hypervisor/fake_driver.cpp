#include "hypervisor/fake_driver.h"

namespace nimbus::hypervisor {

fake_driver::fake_driver(fake_options opts) : opts_(std::move(opts)) {}

std::unique_ptr<fake_driver> make_fake_driver(fake_options opts) {
  return std::make_unique<fake_driver>(std::move(opts));
}

namespace {

// Runs the fault plan for `op`, then `fn` on the named domain under the lock.
template <class Map, class Fn>
std::error_code on_domain(fault_plan& faults, operation op, std::mutex& mutex, Map& domains,
                          const std::string& name, Fn&& fn) {
  if (auto ec = faults.on_call(op))
    return ec;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = domains.find(name);
  if (it == domains.end())
    return errc::not_found;
  return fn(it->second);
}

} // namespace

std::error_code fake_driver::spawn(const domain_spec& spec) {
  if (auto ec = faults_.on_call(operation::spawn))
    return ec;
  std::lock_guard<std::mutex> lock(mutex_);
  if (domains_.count(spec.name))
    return errc::already_exists;
  domains_[spec.name] = {spec.name, spec.uuid, power_state::running};
  interfaces_[spec.name] = spec.interfaces;
  console_.booted(spec.name, spec.uuid);
  return {};
}

std::error_code fake_driver::destroy(const std::string& name) {
  if (auto ec = faults_.on_call(operation::destroy))
    return ec;
  std::lock_guard<std::mutex> lock(mutex_);
  console_.forget(name);
  chains_.forget(name);
  interfaces_.erase(name);
  return domains_.erase(name) ? std::error_code{} : make_error_code(errc::not_found);
}

std::error_code fake_driver::power_off(const std::string& name) {
  return on_domain(faults_, operation::power_off, mutex_, domains_, name, [&](domain_info& d) {
    if (d.state != power_state::shutdown)
      console_.line(name, "reboot: Power down");
    d.state = power_state::shutdown;
    return std::error_code{};
  });
}

std::error_code fake_driver::power_on(const std::string& name) {
  return on_domain(faults_, operation::power_on, mutex_, domains_, name, [&](domain_info& d) {
    if (d.state != power_state::running)
      console_.booted(name, d.uuid);
    d.state = power_state::running;
    return std::error_code{};
  });
}

std::error_code fake_driver::reboot(const std::string& name, bool) {
  return on_domain(faults_, operation::reboot, mutex_, domains_, name, [&](domain_info& d) {
    if (d.state != power_state::running)
      return make_error_code(errc::invalid_state);
    console_.line(name, "reboot: Restarting system");
    console_.booted(name, d.uuid);
    return std::error_code{};
  });
}

namespace {

// Moves a domain from `from` to `to`; errc::invalid_state if it is elsewhere.
std::error_code transition(domain_info& d, power_state from, power_state to) {
  if (d.state != from)
    return errc::invalid_state;
  d.state = to;
  return {};
}

} // namespace

std::error_code fake_driver::pause(const std::string& name) {
  return on_domain(faults_, operation::pause, mutex_, domains_, name, [](domain_info& d) {
    return transition(d, power_state::running, power_state::paused);
  });
}

std::error_code fake_driver::unpause(const std::string& name) {
  return on_domain(faults_, operation::unpause, mutex_, domains_, name, [](domain_info& d) {
    return transition(d, power_state::paused, power_state::running);
  });
}

std::error_code fake_driver::suspend(const std::string& name) {
  return on_domain(faults_, operation::suspend, mutex_, domains_, name, [&](domain_info& d) {
    auto ec = transition(d, power_state::running, power_state::shutdown);
    if (!ec)
      console_.line(name, "PM: suspend entry (deep)");
    return ec;
  });
}

std::error_code fake_driver::resume(const std::string& name) {
  return on_domain(faults_, operation::resume, mutex_, domains_, name, [&](domain_info& d) {
    if (d.state != power_state::running)
      console_.line(name, "PM: suspend exit");
    d.state = power_state::running;
    return std::error_code{};
  });
}

std::error_code fake_driver::rescue(const std::string& name) {
  return on_domain(faults_, operation::rescue, mutex_, domains_, name, [&](domain_info& d) {
    console_.line(name, "reboot: Restarting system");
    console_.line(name, "Booting the rescue system");
    console_.booted(name, d.uuid);
    d.state = power_state::running;
    return std::error_code{};
  });
}

std::error_code fake_driver::unrescue(const std::string& name) {
  return on_domain(faults_, operation::unrescue, mutex_, domains_, name, [&](domain_info& d) {
    console_.line(name, "reboot: Restarting system");
    console_.booted(name, d.uuid);
    d.state = power_state::running;
    return std::error_code{};
  });
}

std::error_code fake_driver::inject_nmi(const std::string& name) {
  return on_domain(faults_, operation::inject_nmi, mutex_, domains_, name, [&](domain_info& d) {
    if (d.state != power_state::running)
      return make_error_code(errc::invalid_state);
    console_.line(name, "Kernel panic - not syncing: NMI: Not continuing");
    return std::error_code{};
  });
}

std::error_code fake_driver::set_admin_password(const std::string& name, const std::string&,
                                                const std::string&) {
  return on_domain(faults_, operation::set_admin_password, mutex_, domains_, name,
                   [](domain_info& d) {
                     return d.state == power_state::running ? std::error_code{}
                                                            : make_error_code(errc::invalid_state);
                   });
}

std::error_code fake_driver::get_console_output(const std::string& name, std::string* out) {
  return on_domain(faults_, operation::get_console_output, mutex_, domains_, name,
                   [&](domain_info&) {
                     *out = console_.text(name);
                     return std::error_code{};
                   });
}

std::error_code fake_driver::list_interfaces(const std::string& name,
                                             std::vector<interface_spec>* out) {
  return on_domain(faults_, operation::list_interfaces, mutex_, domains_, name, [&](domain_info&) {
    *out = interfaces_[name];
    return std::error_code{};
  });
}

std::error_code fake_driver::get_power_state(const std::string& name, power_state* out) {
  return on_domain(faults_, operation::get_power_state, mutex_, domains_, name,
                   [out](domain_info& d) {
                     *out = d.state;
                     return std::error_code{};
                   });
}

std::error_code fake_driver::list_domains(std::vector<domain_info>* out) {
  if (auto ec = faults_.on_call(operation::list_domains))
    return ec;
  std::lock_guard<std::mutex> lock(mutex_);
  out->clear();
  for (auto& [name, info] : domains_)
    out->push_back(info);
  return {};
}

std::error_code fake_driver::get_host_resources(host_resources* out) {
  if (auto ec = faults_.on_call(operation::get_host_resources))
    return ec;
  out->vcpus = opts_.vcpus;
  out->memory_mb = opts_.memory_mb;
  out->local_gb = opts_.local_gb;
  out->hypervisor_type = "fake";
  out->hypervisor_version = 1000;
  out->hypervisor_hostname = opts_.hostname;
  out->cpu_model = "Nehalem";
  out->cores = opts_.vcpus;
  out->pools = opts_.pools.empty() ? fake_pools(opts_.local_gb) : opts_.pools;
  return {};
}

std::vector<pool_info> fake_pools(std::int64_t local_gb) {
  return {{"volumes_hdd", local_gb, 0},
          {"volumes_ssd", local_gb / 2, 0},
          {"volumes_pcie_ssd", local_gb / 5, 0}};
}

std::error_code fake_driver::create_point(const std::string& name, const std::string& point) {
  return on_domain(faults_, operation::create_point, mutex_, domains_, name,
                   [&](domain_info&) { return chains_.create(name, point); });
}

std::error_code fake_driver::revert_to_point(const std::string& name, const std::string& point) {
  return on_domain(faults_, operation::revert_to_point, mutex_, domains_, name,
                   [&](domain_info&) { return chains_.revert(name, point); });
}

std::error_code fake_driver::remove_point(const std::string& name, const std::string& point) {
  return on_domain(faults_, operation::remove_point, mutex_, domains_, name,
                   [&](domain_info&) { return chains_.remove(name, point); });
}

std::error_code fake_driver::list_points(const std::string& name, std::vector<chain_point>* out) {
  return on_domain(faults_, operation::list_points, mutex_, domains_, name, [&](domain_info&) {
    *out = chains_.list(name);
    return std::error_code{};
  });
}

std::error_code fake_driver::export_disk(const std::string& name, const std::string& point,
                                         const std::string&) {
  return on_domain(faults_, operation::export_disk, mutex_, domains_, name, [&](domain_info&) {
    if (auto ec = chains_.find(name, point))
      return ec;
    return make_error_code(errc::unsupported);
  });
}

std::error_code fake_driver::test_set_power_state(const std::string& name, power_state s) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = domains_.find(name);
  if (it == domains_.end())
    return errc::not_found;
  it->second.state = s;
  return {};
}

} // namespace nimbus::hypervisor
