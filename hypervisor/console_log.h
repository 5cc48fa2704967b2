#pragma once
// The serial console a simulated guest would write: the lines of its boots,
// shutdowns and pauses, per domain, bounded. Used by the drivers that have no
// real serial port to read (the fake, libvirt's test driver). Not
// thread-safe: its driver guards it.
#include <cstddef>
#include <map>
#include <string>

namespace nimbus::hypervisor {

class console_log {
public:
  /// What a guest prints as it boots, then a login prompt.
  void booted(const std::string& name, const std::string& uuid);
  /// One line, as the guest's kernel would print it.
  void line(const std::string& name, const std::string& text);
  /// Everything kept for `name` (empty if nothing).
  std::string text(const std::string& name) const;
  void forget(const std::string& name);

private:
  /// Beyond this many bytes the oldest lines go (Nova caps logs at 100 KB).
  static constexpr std::size_t max_bytes = std::size_t{100} * 1024;
  std::map<std::string, std::string> logs_;
};

} // namespace nimbus::hypervisor
