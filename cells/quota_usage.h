#pragma once
// What each project, and each user within it, uses of the counted quotas
// (instances, cores, ram): the sum of its servers' instance mappings, kept
// as totals so that a boot's check costs two lookups, not a count. The API
// cell keeps one (under its lock) and charges a server when it accepts it,
// so concurrent boots see each other's charges before any is durable. Not
// thread-safe by itself. CAF-free.
#include <cstdint>
#include <string>
#include <unordered_map>

#include "storage/records.h"

namespace nimbus::cells {

struct usage {
  std::int64_t instances = 0;
  std::int64_t cores = 0;
  std::int64_t ram_mb = 0;

  usage& operator+=(const usage& o) {
    instances += o.instances;
    cores += o.cores;
    ram_mb += o.ram_mb;
    return *this;
  }
  usage& operator-=(const usage& o) {
    instances -= o.instances;
    cores -= o.cores;
    ram_mb -= o.ram_mb;
    return *this;
  }
};

/// What one server's mapping counts: one instance and its charged resources.
inline usage charge_of(const storage::instance_mapping& m) { return {1, m.vcpus, m.memory_mb}; }

class usage_ledger {
public:
  void add(const std::string& project_id, const std::string& user_id, const usage& u);
  /// Takes back what add() gave; a project or user left with nothing is forgotten.
  void subtract(const std::string& project_id, const std::string& user_id, const usage& u);
  void add(const storage::instance_mapping& m) { add(m.project_id, m.user_id, charge_of(m)); }
  void subtract(const storage::instance_mapping& m) {
    subtract(m.project_id, m.user_id, charge_of(m));
  }

  usage of_project(const std::string& project_id) const;
  usage of_user(const std::string& project_id, const std::string& user_id) const;
  void clear();

private:
  static std::string user_key(const std::string& project_id, const std::string& user_id) {
    return project_id + '/' + user_id;
  }
  std::unordered_map<std::string, usage> projects_;
  std::unordered_map<std::string, usage> users_; // by user_key()
};

} // namespace nimbus::cells
