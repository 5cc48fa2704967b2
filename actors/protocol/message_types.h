#pragma once
// The structs that travel between actors, as plain C++: no CAF here, so the
// compute facade and the API can use them. Their inspect() (what CAF
// serializes) is in actors/protocol/messages.h, which actors include.
//
// Protocol history:
//   1: first version (single process).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hypervisor/types.h"
#include "storage/records.h"

namespace nimbus {

/// Where a cell scheduler put a request: the claimed host first, then the
/// alternates to try (unclaimed) if spawning there fails.
struct placement {
  std::string host;
  std::vector<std::string> alternates;
};

/// A page of a server list, in Nova's default order (created_at desc, then
/// uuid desc). The marker is the sort key of the last server of the previous
/// page; results start strictly after it.
struct list_query {
  std::int32_t limit = 1000;
  bool has_marker = false;
  std::int64_t marker_created_us = 0;
  std::string marker_uuid;
  std::string project_id; // empty: every project (admin with all_tenants)
};

/// Where a server stands in the list order, without the server.
struct list_key {
  std::int64_t created_us = 0;
  std::string uuid;
};

/// A change to a server's own fields (PUT /servers/{id}, its metadata and
/// tags), applied by its instance actor, which answers with the record as
/// changed. Only what a `set_` flag or a list names changes.
struct server_update {
  std::string uuid;
  bool set_name = false;
  std::string name;
  bool set_description = false;
  std::string description;
  bool set_hostname = false;
  std::string hostname;
  bool set_access_ip_v4 = false;
  std::string access_ip_v4;
  bool set_access_ip_v6 = false;
  std::string access_ip_v6;
  bool set_user_data = false; // rebuild (2.57)
  std::string user_data;
  bool set_key_name = false; // rebuild (2.54): "" unsets the key
  std::string key_name;
  /// true: `metadata` replaces every item; false: its items are set.
  bool replace_metadata = false;
  std::map<std::string, std::string> metadata;
  /// Keys to remove; a key the server lacks is not_found.
  std::vector<std::string> delete_metadata;
  /// true: `tags` replaces every tag; false: its tags are added.
  bool replace_tags = false;
  std::vector<std::string> tags;
  std::vector<std::string> delete_tags; // a tag the server lacks is not_found
  /// Metadata changes are refused on a locked server unless an admin asks.
  bool is_admin = false;
  /// The caller's metadata_items quota (-1: unlimited): the metadata as
  /// changed may hold this many items.
  std::int64_t metadata_limit = 128;
};

/// One action on an instance (POST /servers/{id}/action, DELETE): what and
/// who asks, and the arguments of the actions that take any.
struct action_request {
  std::string uuid;
  storage::server_action action = storage::server_action::stop;
  bool hard = false; // reboot: HARD; delete: forced (forceDelete: no soft delete)
  std::string request_id;
  std::string user_id;
  std::string project_id;
  /// Admins act on locked servers and lift anyone's lock.
  bool is_admin = false;
  /// changePassword: the new password; rescue: the rescue system's password.
  std::string admin_pass;
  std::string locked_reason; // lock (2.73)
  /// rescue: the rescue image; createImage / createBackup: the new image.
  std::string image_ref;
  /// os-resetState: the vm_state to force (active or error).
  storage::vm_state reset_to = storage::vm_state::active;
  /// unshelve: the host asked for (2.91, admin); then, from the conductor to
  /// the instance, the host claimed for a shelved_offloaded server.
  std::string host;
  std::string availability_zone; // unshelve (2.77)
  /// rebuild: the server's new name, metadata, ... (applied as it starts).
  server_update fields;
  /// resize: the new flavor (the API resolved flavorRef).
  storage::flavor flavor;
  /// evacuate (2.95): the server ends stopped on its new host.
  bool stay_stopped = false;
  /// createSnapshot: the new point's id and name; revertSnapshot and
  /// deleteSnapshot: the point's id; createImage: the point to export (""
  /// for the disk as it is).
  std::string snapshot_id = {};
  std::string snapshot_name = {};
  /// createImage / createBackup: where the host writes the disk (a staging
  /// file of the API cell's image store); "": no image is made (a backup
  /// of rotation 0).
  std::string export_path = {};
};

/// An action_request of `action` by a caller, without arguments.
inline action_request make_action(std::string uuid, storage::server_action action, bool hard,
                                  std::string request_id, std::string user_id,
                                  std::string project_id) {
  action_request req;
  req.uuid = std::move(uuid);
  req.action = action;
  req.hard = hard;
  req.request_id = std::move(request_id);
  req.user_id = std::move(user_id);
  req.project_id = std::move(project_id);
  return req;
}

/// An operator's change to a compute service (PUT /os-services/{id}, 2.53).
struct service_change {
  bool set_status = false;
  bool disabled = false;
  std::string disabled_reason;
  bool set_forced_down = false;
  bool forced_down = false;
  /// DELETE /os-services/{id}: the service and its compute node go (a
  /// conflict while servers are on the host); the other fields are unused.
  bool remove = false;
};

/// A host's heartbeat: what it is and how much it has.
struct host_report {
  storage::compute_node node;
  std::int32_t running_vms = 0;
  /// Set every sync_power_state_interval: the power state of every domain on
  /// the host, for the cell to align its records with (Nova's
  /// _sync_power_states).
  bool power_sync = false;
  std::vector<hypervisor::domain_info> domains = {};
  std::int64_t listed_us = 0; // when the host read them (a record changed since knows better)
};

/// The claims on one host, as the cell scheduler's ledger has them.
struct host_usage {
  std::string host;
  std::int32_t vcpus_used = 0;
  std::int64_t memory_mb_used = 0;
  std::int64_t local_gb_used = 0;
  std::int32_t instances = 0;
};

struct service_view {
  storage::service_record service;
  bool up = false;
};

struct hypervisor_view {
  storage::compute_node node;
  storage::service_record service;
  bool up = false;
  host_usage usage;
};

/// A domain a host must have after a restart, and the power state it must be in.
struct domain_target {
  hypervisor::domain_spec spec;
  hypervisor::power_state power_state = hypervisor::power_state::running;
};

/// What a cell tells the cell selector about its capacity.
struct cell_summary {
  std::string cell_uuid;
  std::int32_t hosts_up = 0;
  std::int64_t largest_free_ram_mb = 0;
  std::int32_t largest_free_vcpus = 0;
  std::int64_t largest_free_disk_gb = 0;
  std::int64_t free_ram_mb = 0;
  /// Memory of every request this cell's scheduler has handled since it
  /// started (placed or not): lets the API cell tell what it sent that the
  /// summary does not count yet.
  std::int64_t handled_ram_mb = 0;
};

} // namespace nimbus
