#pragma once
// Servers as the compute API shows them, field by field per microversion
// (see docs/CLIENTS.md §2 for the fields clients need).
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/microversion.h"
#include "storage/json_writer.h"
#include "storage/records.h"

namespace nimbus::api {

using storage::json_writer;

struct view_context {
  std::string base_url;
  microversion version;
  bool is_admin = false;            // context_is_admin: fault details, every flavor
  bool extended_attributes = false; // os_compute_api:os-extended-server-attributes
  bool host_status = false;         // os_compute_api:servers:show:host_status (2.16)
  bool action_events = false;       // os_compute_api:os-instance-actions:events
  /// The answer of PUT /servers/{id} before 2.75: without the zone, key,
  /// usage, extended attributes and status fields.
  bool update_body = false;
  /// The server group of the one server shown (2.71's server_groups), or "".
  std::string server_group = {};
  /// The request asked for Nimbus's own attributes (header
  /// `Nimbus-Extensions`): `instance_disk_type`. Off by default, since
  /// Nova's clients hold a server to Nova's attributes.
  bool nimbus_extensions = false;
  /// The names of the security groups on a server's ports (Nova's
  /// `security_groups`, left out when it has none); unset: left out.
  std::function<std::vector<std::string>(const std::string& uuid)> security_groups = {};
};

/// A server in full (GET /servers/{id}), written in Nova's field order.
void write_server_detail(json_writer& w, const storage::instance_record& r, const view_context& v);
/// An entry of /servers/detail: the detail, or the short down-cell record.
void write_server_listed(json_writer& w, const storage::instance_record& r, const view_context& v);
/// An entry of /servers: id, name, links.
void write_server_brief(json_writer& w, const storage::instance_record& r, const view_context& v);
/// The 202 body of a create.
/// Nova's `addresses` of a server: its fixed IPs by network (/ips too).
nlohmann::json addresses_of(const storage::instance_record& r);

nlohmann::json server_created(const storage::instance_record& r, const view_context& v);

} // namespace nimbus::api
