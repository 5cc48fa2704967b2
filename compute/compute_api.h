#pragma once
// The compute facade (cf. nova/compute/api.py): everything the REST API asks
// of the cells, answering values or faults. Whatever asks the cells answers
// through a callback and never blocks the calling (HTTP) thread (the cells
// are asked from the gateway, compute/gateway.h). It validates what needs the records (flavors,
// images, markers), routes by instance mapping and scatters lists over the cells. Thread-safe. No
// CAF in this header.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/protocol/message_types.h"
#include "cells/quota_usage.h"
#include "compute/outcome.h"
#include "compute/server_sort.h"
#include "network/server_networks.h"

namespace nimbus::cells {
class api_cell;
}

namespace nimbus::compute {

struct context;
class gateway;
class keypair_book;
class flavor_projects;
class quota_book;
class aggregate_book;
class server_group_book;
class image_catalog;
} // namespace nimbus::compute
namespace nimbus::network {
class network_book;
} // namespace nimbus::network
namespace nimbus::compute {

/// Where an asynchronous call delivers its outcome.
template <class T>
using reply = std::function<void(outcome<T>)>;

/// Who asks (Nova's RequestContext).
struct request_context {
  std::string request_id;
  std::string user_id;
  std::string project_id;
  bool is_admin = false;
  /// Microversion 2.69: servers and services of cells that do not answer are
  /// shown as records with status UNKNOWN instead of being left out.
  bool down_cell_records = false;
};

/// The project and user a server belongs to.
struct server_owner {
  std::string project_id;
  std::string user_id;
};

struct create_server_request {
  std::int32_t min_count = 1; // fewer than `count` servers are made if the quotas allow only those
  std::string name;
  /// Nimbus's `instance_disk_type`: the tier of the disk; nullopt: the
  /// flavor's pinned tier (extra spec nimbus:disk_type), else the cloud's
  /// default ([compute] default_disk_type).
  std::optional<storage::disk_tier> disk_type;
  std::string image_ref;
  std::string flavor_ref;
  std::map<std::string, std::string> metadata;
  std::string key_name;
  std::string description;
  std::string admin_pass; // generated when empty
  std::int32_t count = 1; // servers to create (min_count..max_count, as placed)
  std::string access_ip_v4;
  std::string access_ip_v6;
  std::string user_data;         // base64, as given
  std::string hostname;          // 2.90
  std::vector<std::string> tags; // 2.52
  std::string availability_zone; // empty: the default zone
  std::string force_host;        // an admin's "zone:host[:node]"
  /// os:scheduler_hints, each value as its JSON text.
  std::map<std::string, std::string> scheduler_hints;
  /// The same_host / different_host hints' servers.
  std::vector<std::string> same_host;
  std::vector<std::string> different_host;
  /// `networks`: what ports the servers get (network/server_networks.h).
  network::server_networks networks = network::server_networks::omitted;
  std::vector<network::requested_network> requested_networks;
  /// `security_groups`: names (or ids) of the caller's groups for the ports
  /// made for the servers; empty: the project's default group.
  std::vector<std::string> security_groups;
};

struct server_page_request {
  std::int32_t limit = 1000;
  std::string marker;                 // uuid of the last server of the previous page
  bool all_tenants = false;           // admin only: every project
  std::string name;                   // a regular expression the name must contain (Nova's ?name=)
  std::string status;                 // only servers with this status (?status=ACTIVE)
  std::string flavor;                 // only servers of this flavor id (?flavor=)
  std::string image;                  // only servers of this image id (?image=)
  std::string reservation_id;         // only servers of this multi-create (?reservation_id=)
  std::int64_t changed_since_us = 0;  // only servers changed since (?changes-since=)
  std::int64_t changed_before_us = 0; // only servers changed before (?changes-before=, 2.66)
  std::string project;                // admin: only this project's (?tenant_id= / ?project_id=)
  std::string host;                   // admin: only servers on this host (?host=)
  std::int8_t locked = -1;            // 2.73 ?locked=: 1 locked only, 0 unlocked only
  std::vector<std::string> tags;      // 2.26: servers with every one of these
  std::vector<std::string> tags_any;  // ... with at least one
  std::vector<std::string> not_tags;  // ... without all of these together
  std::vector<std::string> not_tags_any; // ... with none of these
  std::string ip;                        // a regular expression an IPv4 address starts with (?ip=)
  std::string ip6;                       // ... an IPv6 address (?ip6=, 2.5; admins before)
  /// ?sort_key=&sort_dir= (empty: Nova's created_at, uuid descending). The
  /// page is then sorted and cut after the merge.
  std::vector<sort_key> sort;
  /// Whether a filter (or a sort) applies after the merge (each cell then
  /// sends every candidate, not one page).
  bool filtered() const {
    return !sort.empty() || !name.empty() || !status.empty() || !flavor.empty() || !image.empty()
           || !reservation_id.empty() || changed_since_us != 0 || changed_before_us != 0
           || !host.empty() || locked >= 0 || !tags.empty() || !tags_any.empty()
           || !not_tags.empty() || !not_tags_any.empty() || !ip.empty() || !ip6.empty();
  }
  /// Whether `r` passes the filters other than name, ip and ip6 (which need
  /// compiling).
  bool admits(const storage::instance_record& r, const std::string& status_of_r) const;
};

/// A password for a server (admin or rescue password): 12 characters of an
/// unambiguous alphabet, from the system's random source.
std::string generate_admin_password();

/// Nova's status from vm_state and task_state (ACTIVE, BUILD, SHUTOFF, REBOOT, ...).
std::string server_status(const storage::instance_record& r);

struct control_service {
  std::string binary;
  std::string host;
};

/// A compute service of a cell that does not answer (2.69: status UNKNOWN).
struct unknown_service {
  std::string binary;
  std::string host;
};

/// What a cell management command printed and returned.
struct manage_result {
  int rc = 0;
  std::string out;
  std::string err;
};

/// The cell_v2 commands, as the facade runs them on the live API cell. They
/// live in manage/, above which compute/ does not reach: the composition
/// (tools/) hands them over with set_cell_commands().
struct cell_commands {
  std::function<int(const std::string& command, const std::map<std::string, std::string>& opts,
                    cells::api_cell& api, const std::string& data_dir, std::ostream& out,
                    std::ostream& err)>
    run;
  std::function<bool(const std::string& command)> reads_only;
};

class compute_api {
public:
  explicit compute_api(std::shared_ptr<context> ctx);
  ~compute_api();

  // The calls that take `then` answer through it, exactly once, on this
  // thread or another, and do not block the caller; the others block it.

  /// Records the servers durably, then starts scheduling them. Answers once
  /// the records are durable: the API may then say 202.
  void create_servers(const request_context& ctx, const create_server_request& req,
                      reply<std::vector<storage::instance_record>> then);
  void get_server(const request_context& ctx, const std::string& uuid,
                  reply<storage::instance_record> then);
  void list_servers(const request_context& ctx, const server_page_request& req,
                    reply<std::vector<storage::instance_record>> then);
  /// Any server action (storage::server_action); `req` names it and its
  /// arguments, ctx fills in who asks. Answers once the new task_state is
  /// durable (the API's 202); a server not in a cell yet is in vm_state
  /// building (409).
  void server_action(const request_context& ctx, action_request req, reply<done> then);
  /// Changes the server's name, description, metadata, tags, ... (see
  /// server_update); answers with the server as changed.
  void update_server(const request_context& ctx, server_update u,
                     reply<storage::instance_record> then);
  /// The server's console log, whole, from its host.
  void console_output(const request_context& ctx, const std::string& uuid, reply<std::string> then);
  /// A delete soft-deletes while [DEFAULT] reclaim_instance_interval is set,
  /// unless `force` (forceDelete).
  void delete_server(const request_context& ctx, const std::string& uuid, reply<done> then,
                     bool force = false);
  /// A server's instance actions; with `with_deleted` (microversion 2.21)
  /// those of a deleted server too, while its cell keeps them.
  void instance_actions(const request_context& ctx, const std::string& uuid, bool with_deleted,
                        reply<std::vector<storage::instance_action>> then);
  /// Whose server `uuid` is, from its mapping in memory (no cell is asked),
  /// for a policy check before acting; nullopt when ctx may not see it.
  std::optional<server_owner> owner_of(const request_context& ctx, const std::string& uuid) const;

  /// Every user's key pairs (os-keypairs; key_name at create and rebuild).
  keypair_book& keypairs() const;
  /// The projects that may use each private flavor (os-flavor-access).
  flavor_projects& flavor_access() const;
  /// The quota limits (os-quota-sets, os-quota-class-sets, /limits).
  quota_book& quotas() const;
  /// What a project, or one of its users, uses of the counted quotas.
  cells::usage project_usage(const std::string& project_id) const;
  cells::usage user_usage(const std::string& project_id, const std::string& user_id) const;
  /// The host aggregates (os-aggregates), which give hosts their zones.
  aggregate_book& aggregates() const;
  /// Whether `host` is a compute host of some cell (mapped).
  bool compute_host_known(const std::string& host) const;
  /// The compute hosts of availability zone `zone`, sorted; 400 "The
  /// requested availability zone is not available" when it has none.
  outcome<std::vector<std::string>> zone_hosts(const std::string& zone) const;
  /// The server groups (os-server-groups), which boots join by hint.
  server_group_book& server_groups() const;
  /// The group server `uuid` is in, or "" (2.71's server_groups).
  std::string server_group_of(const std::string& uuid) const;
  /// The key_pairs limit of a user in the caller's project.
  std::int64_t keypair_limit(const request_context& ctx, const std::string& user_id) const;
  /// The caller's metadata_items limit (server and snapshot metadata).
  std::int64_t metadata_limit(const request_context& ctx) const;
  /// Whether the caller may see and use `f`: a public flavor, or a private
  /// one its project has access to; admins any.
  bool flavor_visible(const request_context& ctx, const storage::flavor& f) const;

  std::vector<storage::flavor> flavors() const;
  std::optional<storage::flavor> flavor(const std::string& id) const;
  /// Adds a flavor (an empty id gets a uuid); a conflict if its id or name
  /// is taken. Blocks for the durable write (an admin's rare call).
  outcome<storage::flavor> create_flavor(storage::flavor f);
  /// Replaces a flavor that exists (description, extra specs); 404 otherwise.
  outcome<done> save_flavor(const storage::flavor& f);
  /// Servers keep their flavor copies; only new boots lose it.
  outcome<done> delete_flavor(const std::string& id);
  std::vector<storage::image> images() const;
  std::optional<storage::image> image(const std::string& id) const;
  /// The images ctx may see (image_catalog.h's rule).
  std::vector<storage::image> images(const request_context& ctx) const;
  std::optional<storage::image> image(const request_context& ctx, const std::string& id) const;
  /// createImage: the snapshot's image record is added (status saving),
  /// then the server's instance checks its state and records the action
  /// (a refusal takes the image back); answers with the image. The host
  /// writes the disk (as it is, or at snapshot point `point` if not empty)
  /// into the image store, and the image becomes active once it has.
  void create_image(const request_context& ctx, const std::string& uuid, const std::string& name,
                    const std::map<std::string, std::string>& metadata, const std::string& point,
                    reply<storage::image> then);
  /// createBackup: as create_image, the image a backup of `backup_type`;
  /// then the server's backups of that type beyond the newest `rotation`
  /// are deleted. Rotation 0 makes no image (nullopt) and deletes them all.
  void create_backup(const request_context& ctx, const std::string& uuid, const std::string& name,
                     const std::string& backup_type, std::int64_t rotation,
                     const std::map<std::string, std::string>& metadata,
                     reply<std::optional<storage::image>> then);
  /// Deletes an image ctx may see and owns (admins: any), with its data.
  void delete_image(const request_context& ctx, const std::string& id, reply<done> then);
  /// The Glance v2 subset (compute/image_catalog.h).
  image_catalog& images_catalog() const;
  /// The Neutron v2.0 subset (network/network_book.h).
  network::network_book& networks() const;

  /// Compute services of every cell that answered, then the control services.
  void services(reply<std::vector<service_view>> then) const;
  std::vector<control_service> control_services() const;
  /// With ctx.down_cell_records: the compute services of down cells.
  std::vector<unknown_service> unknown_services(const request_context& ctx) const;
  void hypervisors(reply<std::vector<hypervisor_view>> then) const;
  /// Changes the compute service `uuid` in whichever cell has it (every up
  /// cell is asked); not_found if none does.
  void update_service(const std::string& uuid, const service_change& change,
                      reply<service_view> then) const;
  /// Deletes the compute service `uuid` (its compute node and host mapping
  /// too) in whichever cell has it; a conflict while servers are on its
  /// host, not_found if no cell has it.
  void delete_service(const request_context& ctx, const std::string& uuid, reply<done> then);
  /// The migrations of every cell that answered (`instance_uuid` empty), or
  /// of one server (not_found for one the caller cannot see).
  void migrations(const request_context& ctx, const std::string& instance_uuid,
                  reply<std::vector<storage::migration>> then) const;

  /// Runs a nimbus-manage cell_v2 command on the live API cell, then brings
  /// the running cells in line with the mappings (a disabled cell gets no new
  /// instances, a new cell in another process is connected to).
  manage_result manage(const std::string& command, const std::map<std::string, std::string>& opts);
  /// Call once, before the API serves (not thread-safe against manage()).
  void set_cell_commands(cell_commands commands) { commands_ = std::move(commands); }

private:
  /// create_image's and create_backup's common part: records `image`, then
  /// asks `req` with the image and a staging path of the image store.
  void export_image(const request_context& ctx, action_request req, const storage::image& image,
                    reply<storage::image> then);
  /// server_action past its quota hooks: to the server's cell.
  void send_action(const request_context& ctx, const action_request& req, reply<done> then);
  /// server_action of the actions that change what a server counts against
  /// its quotas (compute_quotas.cpp): resize and unshelve are checked first.
  void charged_action(const request_context& ctx, const action_request& req, reply<done> then);
  /// After a read of `r`: its mapping counts what the record says it uses,
  /// once no task runs (an auto-confirmed resize, a failed one).
  void settle_charge(const storage::instance_record& r) const;
  /// A boot's `group` hint (compute_groups.cpp): `servers` join the group
  /// (400 for a group the caller cannot see, 403 past its members quota);
  /// answers the group as it was before, nullopt without the hint.
  outcome<std::optional<storage::server_group>>
  join_hinted_group(const request_context& ctx, const create_server_request& req,
                    const std::vector<std::string>& servers);
  /// The aggregate filters enabled here (compute_aggregates.cpp): `hosts`
  /// (a zone's, or empty for any) narrowed to those they allow a boot of
  /// `flavor` by ctx's project; {""} when they allow none (no host has that
  /// name: the boot is a NoValidHost).
  void restrict_by_aggregates(const request_context& ctx, const storage::flavor& flavor,
                              std::vector<std::string>& hosts) const;
  /// Each placed server's zone: its host's (compute_aggregates.cpp).
  void show_zones(std::vector<storage::instance_record>& records) const;
  void refresh_cells();
  void deleted_instance_actions(const request_context& ctx, const std::string& uuid,
                                const reply<std::vector<storage::instance_action>>& then) const;
  reply<done> keep_shelved_image(const request_context& ctx, const std::string& uuid,
                                 reply<done> then);
  reply<done> drop_shelved_images(const std::string& uuid, reply<done> then);
  void update_unplaced(const request_context& ctx, const server_update& u,
                       const reply<storage::instance_record>& then);
  std::shared_ptr<context> ctx_;
  cell_commands commands_;
};

} // namespace nimbus::compute
