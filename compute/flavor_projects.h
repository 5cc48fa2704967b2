#pragma once
// Which projects may use each private flavor (Nova's flavor_projects), in the
// API cell's store and in memory. Thread-safe; writes are durable when a
// call returns. CAF-free.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "compute/outcome.h"
#include "storage/store.h"

namespace nimbus::compute {

class flavor_projects {
public:
  /// Reads every access of `store`.
  explicit flavor_projects(std::shared_ptr<storage::store> store);

  /// The projects of a flavor, sorted.
  std::vector<std::string> projects(const std::string& flavor_id) const;
  bool has(const std::string& flavor_id, const std::string& project_id) const;
  /// 409 when the project has access already.
  outcome<done> add(const std::string& flavor_id, const std::string& project_id);
  /// 404 when it has none.
  outcome<done> remove(const std::string& flavor_id, const std::string& project_id);
  /// The flavor is gone: every access to it goes too (else a flavor made
  /// later with its id would inherit them).
  std::error_code forget(const std::string& flavor_id);

private:
  std::shared_ptr<storage::store> store_;
  mutable std::mutex mutex_;
  std::map<std::string, std::set<std::string>> by_flavor_;
};

} // namespace nimbus::compute
