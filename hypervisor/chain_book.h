#pragma once
// The snapshot chains of the drivers that have no disks (the fake, libvirt's
// test driver): per domain, the ids of its points in order, with the
// semantics of driver.h's create / revert / remove. Layers have no data, so
// every size is 0. Not thread-safe: its driver guards it.
#include <map>
#include <string>
#include <system_error>
#include <vector>

#include "hypervisor/types.h"

namespace nimbus::hypervisor {

class chain_book {
public:
  /// errc::already_exists for an id the domain's chain has.
  std::error_code create(const std::string& name, const std::string& point);
  /// Drops the points after `point`; errc::not_found if it is not there.
  std::error_code revert(const std::string& name, const std::string& point);
  std::error_code remove(const std::string& name, const std::string& point);
  /// errc::not_found for a non-empty `point` the chain does not have.
  std::error_code find(const std::string& name, const std::string& point) const;
  std::vector<chain_point> list(const std::string& name) const;
  void forget(const std::string& name);

private:
  std::map<std::string, std::vector<std::string>> chains_;
};

} // namespace nimbus::hypervisor
