#include "hypervisor/console_log.h"

namespace nimbus::hypervisor {

void console_log::booted(const std::string& name, const std::string& uuid) {
  line(name, "[    0.000000] Linux version 6.1.0-nimbus (simulated guest)");
  line(name, "[    0.000000] Command line: console=ttyS0 root=/dev/vda1");
  line(name, "[    1.204518] systemd[1]: Detected virtualization kvm.");
  line(name, "cloud-init: instance " + uuid + " up");
  line(name, name + " login: ");
}

void console_log::line(const std::string& name, const std::string& text) {
  auto& log = logs_[name];
  log += text;
  log += '\n';
  if (log.size() > max_bytes) {
    auto cut = log.find('\n', log.size() - max_bytes);
    log.erase(0, cut == std::string::npos ? log.size() : cut + 1);
  }
}

std::string console_log::text(const std::string& name) const {
  auto it = logs_.find(name);
  return it == logs_.end() ? std::string{} : it->second;
}

void console_log::forget(const std::string& name) { logs_.erase(name); }

} // namespace nimbus::hypervisor
