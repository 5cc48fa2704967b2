#pragma once
// The records Nimbus keeps, as plain structs. The same structs travel between
// actors (actors/protocol gives them inspect()), so one definition serves the
// wire and the disk.
//
// Every encoded record carries `schema_version`; decode() accepts every
// version up to the current one. History:
//   1: first version; build_request.delete_requested came later (absent: false).
// Times are microseconds since the Unix epoch (0 = unset).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "storage/disk_tiers.h"
#include "storage/instance_states.h"

namespace nimbus::storage {

constexpr int schema_version = 1;

struct flavor {
  std::string id;
  std::string name;
  std::int32_t vcpus = 0;
  std::int32_t memory_mb = 0;
  std::int32_t root_gb = 0;
  std::int32_t ephemeral_gb = 0;
  std::int32_t swap_mb = 0;
  double rxtx_factor = 1.0;
  bool is_public = true;
  bool disabled = false;
  std::string description;
  std::map<std::string, std::string> extra_specs;
  std::int64_t created_us = 0;
};

/// A project an image is shared with (Glance's image member): it sees the
/// image once added, and lists it once it has accepted.
struct image_member {
  std::string member_id;          // the project
  std::string status = "pending"; // pending, accepted or rejected
  std::int64_t created_us = 0;
  std::int64_t updated_us = 0;
};

struct image {
  std::string id;
  std::string name;
  /// Glance's states: queued (no data yet), saving (an upload runs), active,
  /// deactivated (data not served), killed (a failed upload).
  std::string status = "active";
  std::string disk_format = "qcow2";
  std::string container_format = "bare";
  std::int64_t size = 0;
  std::int32_t min_disk = 0;
  std::int32_t min_ram = 0;
  std::int64_t created_us = 0;
  std::string owner; // the project; empty: the cloud's (seeded images)
  /// public, community, shared (the owner's and its members'), private
  std::string visibility = "public";
  /// Glance's extra properties: a snapshot's instance_uuid, image_type, ...
  std::map<std::string, std::string> properties;
  std::int64_t updated_us = 0;
  /// Of the uploaded data (storage/image_files.h), empty until then.
  std::string checksum;      // md5
  std::string os_hash_algo;  // sha512 once data is there
  std::string os_hash_value; // of os_hash_algo
  std::vector<std::string> tags;
  bool is_protected = false; // Glance's "protected": no delete
  bool os_hidden = false;    // left out of lists unless asked for
  std::vector<image_member> members;
};

struct cell_mapping {
  std::string uuid;
  std::string name;
  std::string transport_url;       // where the cell's conductor is reached
  std::string database_connection; // where the cell's store is
  bool disabled = false;
};

struct host_mapping {
  std::string host;
  std::string cell_uuid;
};

struct instance_mapping {
  std::string instance_uuid;
  std::string cell_uuid; // empty while the build request is not placed yet
  std::string project_id;
  std::string user_id;
  std::int64_t created_us = 0;
  /// What the server counts against its project's cores and ram quotas
  /// (besides one instance): its flavor's, the larger of two while a resize
  /// waits, none while shelved offloaded. Absent in older records: 0.
  std::int32_t vcpus = 0;
  std::int32_t memory_mb = 0;
  /// Its root disk, counted against the quota of its tier (disk_gb_<tier>);
  /// as vcpus, the larger of two while a resize waits, none while shelved.
  std::int32_t disk_gb = 0;
  disk_tier disk_type = disk_tier::hdd;
};

/// A failure recorded on an instance (Nova's instance_fault).
struct instance_fault {
  std::int32_t code = 0; // 0: no fault
  std::string message;
  std::string details;
  std::int64_t created_us = 0;
};

/// One point of a server's incremental snapshot chain: a frozen copy-on-write
/// layer of its root disk on its host, holding what changed since the point
/// before it (docs/SNAPSHOTS.md).
struct snapshot_point {
  std::string id;
  std::string name;
  std::int64_t created_us = 0;
  std::int64_t size_bytes = 0; // the layer's own size on disk, as the host last measured it
};

/// One network interface of a server (Nova's network_info cache entry):
/// the port it is, what its host plugs it into and what `addresses` shows.
struct server_vif {
  std::string port_id;
  std::string network_id;
  std::string network_name; // the label it is listed under in `addresses`
  std::string mac_address;
  std::vector<std::string> ips; // its fixed IPs, in the port's order
  std::string bridge;           // the host bridge of its network
  std::int32_t vlan = 0;        // the network's VLAN id; 0: untagged
};

struct instance_record {
  std::string uuid;
  std::string name;
  std::string project_id;
  std::string user_id;
  std::string request_id; // of the create request
  flavor flavor_copy;     // the flavor as it was at boot
  std::string image_ref;
  std::string host; // empty until placed
  std::string node;
  std::string availability_zone;
  storage::vm_state vm_state = storage::vm_state::building;
  storage::task_state task_state = storage::task_state::none;
  std::int32_t power_state = 0; // Nova's number: a hypervisor::power_state value
  std::int64_t created_us = 0;
  std::int64_t updated_us = 0;
  std::int64_t launched_us = 0;
  std::int64_t terminated_us = 0;
  std::string instance_name; // the hypervisor's domain name
  std::string reservation_id;
  std::int32_t launch_index = 0;
  std::string key_name;
  std::string description;
  std::string admin_pass; // never shown after create; kept for rebuilds
  std::map<std::string, std::string> metadata;
  std::vector<std::string> tags;
  instance_fault fault;
  bool locked = false;
  std::string locked_by; // "owner" or "admin" while locked
  std::string locked_reason;
  std::string access_ip_v4;
  std::string access_ip_v6; // normalized
  std::string hostname;
  std::string user_data; // base64, as given
  /// While resized (VERIFY_RESIZE): the flavor a revert goes back to
  /// (Nova's instance.old_flavor); id empty otherwise.
  flavor old_flavor;
  /// The zone the server was asked into (2.96's pinned_availability_zone);
  /// empty: none.
  std::string pinned_availability_zone;
  /// The create's scheduler hints (2.100), each value as its JSON text.
  std::map<std::string, std::string> scheduler_hints;
  /// The image's properties at boot (2.98), as Nova keeps the image meta.
  std::map<std::string, std::string> image_properties;
  /// The storage tier its disk lives on (storage/disk_tiers.h); records
  /// older than tiers read as hdd.
  disk_tier disk_type = disk_tier::hdd;
  /// The snapshot chain of its root disk, oldest point first.
  std::vector<snapshot_point> snapshots = {};
  /// Its network interfaces, in the order they were asked for.
  std::vector<server_vif> vifs = {};
};

/// One move of a server between hosts (or onto the same host, a resize),
/// kept by its cell (Nova's migrations table, per cell as Nova's is).
struct migration {
  std::int64_t id = 0; // the cell's counter (shown; Nova's ids are per cell too)
  std::string uuid;    // also the holder of the source host's claim while it lasts
  std::string instance_uuid;
  storage::migration_type migration_type = storage::migration_type::migration;
  storage::migration_status status = storage::migration_status::pre_migrating;
  std::string source_compute;
  std::string source_node;
  std::string dest_compute;
  std::string dest_node;
  std::string dest_host; // the destination's address ("" unknown)
  std::string old_flavor_id;
  std::string new_flavor_id;
  std::string user_id; // who asked
  std::string project_id;
  /// vm_state before the move (active or stopped): where a confirm or
  /// revert leaves the server.
  storage::vm_state old_vm_state = storage::vm_state::active;
  std::int64_t created_us = 0;
  std::int64_t updated_us = 0;
};

/// One server that was accepted and is not yet in a cell.
struct build_request {
  instance_record instance;
  std::string request_id;
  /// A delete came while the build was on its way to a cell: whichever cell
  /// turns out to hold it deletes it, and this record stays until it has.
  bool delete_requested = false;
};

/// What was asked for, as the schedulers see it.
struct request_spec {
  std::string instance_uuid;
  flavor flavor_copy;
  std::string image_ref;
  std::string project_id;
  std::string user_id;
  std::string availability_zone;
  std::vector<std::string> ignore_hosts;
  /// An admin's "zone:host" create: that host only, or no valid host.
  std::string force_host;
  /// The hosts the boot may go to, sorted: the requested availability
  /// zone's (the cells' AvailabilityZoneFilter) narrowed by the aggregate
  /// filters the API cell ran; one of them, or no valid host ({""}: none
  /// passed). Empty: any.
  std::vector<std::string> zone_hosts;
  /// The `group` hint's server group: its policy (empty: no group), its
  /// anti-affinity rule and its other members (the cells' group filters).
  std::string group_policy;
  std::int32_t group_max_per_host = 1;
  std::vector<std::string> group_members;
  /// The same_host / different_host hints' servers.
  std::vector<std::string> same_host;
  std::vector<std::string> different_host;
  /// The image's properties the cells' ImagePropertiesFilter reads (its
  /// architecture, hypervisor type, vm mode, requested version).
  std::map<std::string, std::string> image_properties;
  /// The tier whose pool must hold the disk (the scheduler's tier filter).
  disk_tier disk_type = disk_tier::hdd;
};

struct action_event {
  std::string event;
  std::int64_t start_us = 0;
  std::int64_t finish_us = 0;
  std::string result; // "" while running, then "Success" or "Error"
  std::string traceback;
  std::string host;
};

struct instance_action {
  std::string request_id;
  std::string instance_uuid;
  server_action action = server_action::create;
  std::string user_id;
  std::string project_id;
  std::int64_t start_us = 0;
  std::int64_t updated_us = 0;
  std::string message; // "" or "Error"
  std::vector<action_event> events;
};

struct service_record {
  std::string uuid;
  std::int32_t id = 0;
  std::string host;
  std::string binary = "nova-compute";
  std::string zone = "nova";
  bool disabled = false;
  std::string disabled_reason;
  bool forced_down = false;
  std::int64_t updated_us = 0;
};

/// A host's storage pool of one tier, as its compute reports it.
struct tier_pool {
  disk_tier tier = disk_tier::hdd;
  std::string name; // the libvirt pool: volumes_<tier>
  std::int64_t capacity_gb = 0;
  std::int64_t allocation_gb = 0;
};

struct compute_node {
  std::string uuid;
  std::int32_t id = 0;
  std::string host;
  std::string hypervisor_type;
  std::int64_t hypervisor_version = 0;
  std::string host_ip = "127.0.0.1";
  std::int32_t vcpus = 0;
  std::int32_t memory_mb = 0;
  std::int32_t local_gb = 0;
  std::string cpu_info; // JSON text, as Nova keeps it
  /// Each tier's pool on the host: its size and what libvirt says is
  /// allocated in it (the scheduler counts its own claims against the size).
  std::vector<tier_pool> pools;
};

// Identity (the Keystone v3 subset, identity/): API cell store only.

struct domain {
  std::string id;
  std::string name;
  std::string description;
  bool enabled = true;
  std::int64_t created_us = 0;
};

struct project {
  std::string id;
  std::string name;
  std::string domain_id;
  std::string description;
  bool enabled = true;
  std::vector<std::string> tags;
  std::int64_t created_us = 0;
};

struct user {
  std::string id;
  std::string name;
  std::string domain_id;
  std::string description;
  std::string email;
  std::string default_project_id;
  bool enabled = true;
  /// libsodium's crypto_pwhash_str (argon2id, salted); empty: no password login.
  std::string password_hash;
  std::int64_t password_changed_us = 0;
  std::int64_t created_us = 0;
  /// Attributes Keystone keeps without knowing them (tempest sends
  /// project_id): shown back as given.
  std::map<std::string, std::string> extra;
};

struct role {
  std::string id;
  std::string name;
  std::string description;
};

/// A user holds `role_id` on a project or on a domain (one of them set).
struct role_assignment {
  std::string user_id;
  std::string project_id;
  std::string domain_id;
  std::string role_id;
};

struct application_credential {
  std::string id;
  std::string name;
  std::string user_id;
  std::string project_id;
  std::string description;
  std::string secret_hash; // as user::password_hash
  std::vector<std::string> role_ids;
  std::int64_t expires_us = 0; // 0: never
  bool unrestricted = false;
  std::int64_t created_us = 0;
};

/// Tokens issued before `issued_before_us` that match every field set here
/// are revoked (Keystone's revocation events): one token by audit_id, a
/// user's tokens, a project's, a user's on one project, those made from
/// an application credential, or those scoped to a domain.
struct revocation {
  std::string audit_id;
  std::string user_id;
  std::string project_id;
  std::int64_t issued_before_us = 0;
  std::string app_cred_id;
  std::string domain_id;
};

/// A user's key pair (Nova's key_pairs, in the API cell): unique by user and
/// name. Generated keys keep no private half: it is shown once, at creation.
struct keypair {
  std::string user_id;
  std::string name;
  std::string type = "ssh"; // "ssh" or "x509" (Nova's strings: a kind, not a state)
  std::string public_key;
  std::string fingerprint;
  std::int64_t id = 0;
  std::int64_t created_us = 0;
};

/// A host aggregate (Nova's aggregates, in the API cell): a named set of
/// compute hosts with metadata; its availability zone is the metadata key
/// `availability_zone`, as in Nova.
struct aggregate {
  std::int32_t id = 0;
  std::string uuid;
  std::string name;
  std::vector<std::string> hosts; // in the order added
  std::map<std::string, std::string> metadata;
  std::int64_t created_us = 0;
  std::int64_t updated_us = 0;
};

/// A server group (Nova's instance_groups, in the API cell): servers kept
/// together or apart by its policy.
struct server_group {
  std::string uuid;
  std::string name;
  std::string project_id;
  std::string user_id;
  /// "affinity", "anti-affinity", "soft-affinity" or "soft-anti-affinity"
  /// (Nova's strings: a kind, not a state).
  std::string policy;
  std::int32_t max_server_per_host = 0; // anti-affinity's rule (2.64); 0: none given (1)
  std::vector<std::string> members;     // instance uuids, in the order they joined
  std::int64_t created_us = 0;
};

// Codecs: encode() writes the current schema; decode() returns
// errc::corruption for text that is not a record of that type.
std::string encode(const flavor& x);
std::string encode(const image& x);
std::string encode(const cell_mapping& x);
std::string encode(const host_mapping& x);
std::string encode(const instance_mapping& x);
std::string encode(const instance_record& x);
std::string encode(const build_request& x);
std::string encode(const request_spec& x);
std::string encode(const instance_action& x);
std::string encode(const migration& x);
std::string encode(const service_record& x);
std::string encode(const compute_node& x);
std::string encode(const domain& x);
std::string encode(const project& x);
std::string encode(const user& x);
std::string encode(const role& x);
std::string encode(const role_assignment& x);
std::string encode(const application_credential& x);
std::string encode(const revocation& x);
std::string encode(const keypair& x);
std::string encode(const aggregate& x);
std::string encode(const server_group& x);

std::error_code decode(std::string_view text, flavor* x);
std::error_code decode(std::string_view text, image* x);
std::error_code decode(std::string_view text, cell_mapping* x);
std::error_code decode(std::string_view text, host_mapping* x);
std::error_code decode(std::string_view text, instance_mapping* x);
std::error_code decode(std::string_view text, instance_record* x);
std::error_code decode(std::string_view text, build_request* x);
std::error_code decode(std::string_view text, request_spec* x);
std::error_code decode(std::string_view text, instance_action* x);
std::error_code decode(std::string_view text, migration* x);
std::error_code decode(std::string_view text, service_record* x);
std::error_code decode(std::string_view text, compute_node* x);
std::error_code decode(std::string_view text, domain* x);
std::error_code decode(std::string_view text, project* x);
std::error_code decode(std::string_view text, user* x);
std::error_code decode(std::string_view text, role* x);
std::error_code decode(std::string_view text, role_assignment* x);
std::error_code decode(std::string_view text, application_credential* x);
std::error_code decode(std::string_view text, revocation* x);
std::error_code decode(std::string_view text, keypair* x);
std::error_code decode(std::string_view text, aggregate* x);
std::error_code decode(std::string_view text, server_group* x);

} // namespace nimbus::storage
