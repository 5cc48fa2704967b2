#include "hypervisor/domain_op.h"

namespace nimbus::hypervisor {

std::error_code apply(driver& d, domain_op op, const std::string& name) {
  switch (op) {
  case domain_op::power_off:
    return d.power_off(name);
  case domain_op::power_on:
    return d.power_on(name);
  case domain_op::reboot_soft:
    return d.reboot(name, false);
  case domain_op::reboot_hard:
    return d.reboot(name, true);
  case domain_op::pause:
    return d.pause(name);
  case domain_op::unpause:
    return d.unpause(name);
  case domain_op::suspend:
    return d.suspend(name);
  case domain_op::resume:
    return d.resume(name);
  case domain_op::rescue:
    return d.rescue(name);
  case domain_op::unrescue:
    return d.unrescue(name);
  case domain_op::inject_nmi:
    return d.inject_nmi(name);
  }
  return errc::unsupported;
}

const char* describe(domain_op op) {
  switch (op) {
  case domain_op::power_off:
    return "power off";
  case domain_op::power_on:
    return "power on";
  case domain_op::reboot_soft:
    return "reboot";
  case domain_op::reboot_hard:
    return "reboot (hard)";
  case domain_op::pause:
    return "pause";
  case domain_op::unpause:
    return "unpause";
  case domain_op::suspend:
    return "suspend";
  case domain_op::resume:
    return "resume";
  case domain_op::rescue:
    return "rescue";
  case domain_op::unrescue:
    return "unrescue";
  case domain_op::inject_nmi:
    return "inject NMI";
  }
  return "?";
}

} // namespace nimbus::hypervisor
