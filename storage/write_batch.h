#pragma once
// A list of puts and erases that a store applies atomically: all or none.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nimbus::storage {

/// The families of records. Each store (the API cell's, every cell's) keeps
/// every family; which ones it fills depends on its role. A RocksDB store
/// maps each to a one-byte key prefix, see keys.h.
enum class key_space : std::uint8_t {
  meta = 'm',              // schema version and one-off markers
  cell_mappings = 'c',     // API cell: cell uuid -> cell_mapping
  host_mappings = 'h',     // API cell: host name -> host_mapping
  instance_mappings = 'i', // API cell: instance uuid -> instance_mapping
  build_requests = 'b',    // API cell: instance uuid -> build_request
  request_specs = 'r',     // API cell: instance uuid -> request_spec
  flavors = 'f',           // API cell: flavor id -> flavor
  images = 'g',            // API cell: image id -> image
  instances = 'I',         // cell: instance uuid -> instance_record
  instance_actions = 'A',  // cell: action_key() -> instance_action
  services = 'S',          // cell: host name -> service_record
  compute_nodes = 'N',     // cell: host name -> compute_node
  domains = 'd',           // API cell: domain id -> domain
  projects = 'p',          // API cell: project id -> project
  users = 'u',             // API cell: user id -> user
  roles = 'o',             // API cell: role id -> role
  role_assignments = 'a',  // API cell: keys::assignment() -> role_assignment
  app_credentials = 'k',   // API cell: application credential id -> application_credential
  revocations = 'v',       // API cell: keys::revocation() -> revocation
  migrations = 'M',        // cell: keys::migration() -> migration
  flavor_access = 'F', // API cell: keys::flavor_access() -> "": a project may use a private flavor
  keypairs = 'K',      // API cell: keys::keypair() -> keypair
  purge_queue = 'P',   // cell: keys::purge() -> "": deleted servers whose actions stay for a while
  quota_limits = 'Q',  // API cell: keys::quota_limit() -> the limit as decimal text
  aggregates = 'G',    // API cell: aggregate id (keys::aggregate()) -> aggregate
  server_groups = 'W', // API cell: group uuid -> server_group
  networks = 'n',      // API cell: network id -> network (storage/network_records.h)
  subnets = 's',       // API cell: subnet id -> subnet
  ports = 't',         // API cell: port id -> port
  security_groups = 'x', // API cell: security group id -> security_group (with its rules)
  network_quotas = 'y',  // API cell: project id -> its network limits, as JSON {resource: limit}
  floating_ips = 'l',    // API cell: floating IP id -> floating_ip
};

class write_batch {
public:
  struct op {
    key_space space;
    bool erase;
    std::string key;
    std::string value;
  };

  void put(key_space space, std::string key, std::string value) {
    ops_.push_back({space, false, std::move(key), std::move(value)});
  }
  void erase(key_space space, std::string key) {
    ops_.push_back({space, true, std::move(key), {}});
  }
  /// Appends every op of `other` after this batch's own.
  void append(const write_batch& other) {
    ops_.insert(ops_.end(), other.ops_.begin(), other.ops_.end());
  }
  void clear() { ops_.clear(); }

  bool empty() const { return ops_.empty(); }
  std::size_t size() const { return ops_.size(); }
  const std::vector<op>& ops() const { return ops_; }

private:
  std::vector<op> ops_;
};

} // namespace nimbus::storage
