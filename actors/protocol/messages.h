#pragma once
// inspect() for every struct that crosses actor boundaries: the message
// structs of message_types.h, the storage records and the hypervisor types.
// Everything here is default- and copy-constructible and inspectable, so it
// can cross a process boundary once registered in type_ids.h.
//
// Protocol history:
//   1: first version (single process).
#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "actors/protocol/message_types.h"
#include "hypervisor/domain_op.h"
#include "hypervisor/types.h"
#include "storage/record_fields.h"
#include "storage/records.h"

namespace nimbus::storage {

// CAF renders message contents (logs, errors) with to_string(): the enums by
// Nova's names.
inline std::string to_string(vm_state s) { return std::string(nova_name(s)); }
inline std::string to_string(disk_tier t) { return std::string(nova_name(t)); }
inline std::string to_string(task_state s) { return std::string(nova_name(s)); }
inline std::string to_string(server_action a) { return std::string(nova_name(a)); }
inline std::string to_string(migration_type t) { return std::string(nova_name(t)); }
inline std::string to_string(migration_status s) { return std::string(nova_name(s)); }

// inspect() of each record from its one field list (storage/record_fields.h).
#define NIMBUS_INSPECT_RECORD(type, ...)                                                           \
  template <class Inspector>                                                                       \
  typename Inspector::result_type inspect(Inspector& f, type& x) {                                 \
    return f(caf::meta::type_name(#type), NIMBUS_MEMBERS(x, __VA_ARGS__));                         \
  }

NIMBUS_INSPECT_RECORD(flavor, NIMBUS_FIELDS_FLAVOR)
NIMBUS_INSPECT_RECORD(image_member, NIMBUS_FIELDS_IMAGE_MEMBER)
NIMBUS_INSPECT_RECORD(image, NIMBUS_FIELDS_IMAGE)
NIMBUS_INSPECT_RECORD(cell_mapping, NIMBUS_FIELDS_CELL_MAPPING)
NIMBUS_INSPECT_RECORD(host_mapping, NIMBUS_FIELDS_HOST_MAPPING)
NIMBUS_INSPECT_RECORD(instance_mapping, NIMBUS_FIELDS_INSTANCE_MAPPING)
NIMBUS_INSPECT_RECORD(instance_fault, NIMBUS_FIELDS_INSTANCE_FAULT)
NIMBUS_INSPECT_RECORD(snapshot_point, NIMBUS_FIELDS_SNAPSHOT_POINT)
NIMBUS_INSPECT_RECORD(server_vif, NIMBUS_FIELDS_SERVER_VIF)
NIMBUS_INSPECT_RECORD(instance_record, NIMBUS_FIELDS_INSTANCE_RECORD)
NIMBUS_INSPECT_RECORD(build_request, NIMBUS_FIELDS_BUILD_REQUEST)
NIMBUS_INSPECT_RECORD(request_spec, NIMBUS_FIELDS_REQUEST_SPEC)
NIMBUS_INSPECT_RECORD(action_event, NIMBUS_FIELDS_ACTION_EVENT)
NIMBUS_INSPECT_RECORD(instance_action, NIMBUS_FIELDS_INSTANCE_ACTION)
NIMBUS_INSPECT_RECORD(migration, NIMBUS_FIELDS_MIGRATION)
NIMBUS_INSPECT_RECORD(service_record, NIMBUS_FIELDS_SERVICE_RECORD)
NIMBUS_INSPECT_RECORD(tier_pool, NIMBUS_FIELDS_TIER_POOL)
NIMBUS_INSPECT_RECORD(compute_node, NIMBUS_FIELDS_COMPUTE_NODE)

#undef NIMBUS_INSPECT_RECORD

} // namespace nimbus::storage

namespace nimbus::hypervisor {

inline std::string to_string(power_state s) { return std::to_string(static_cast<std::int32_t>(s)); }
inline std::string to_string(domain_op op) { return describe(op); }
inline std::string to_string(chain_op op) { return std::to_string(static_cast<int>(op)); }

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, domain_info& x) {
  return f(caf::meta::type_name("domain_info"), x.name, x.uuid, x.state);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chain_point& x) {
  return f(caf::meta::type_name("chain_point"), x.id, x.size_bytes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, interface_spec& x) {
  return f(caf::meta::type_name("interface_spec"), x.mac_address, x.bridge, x.vlan, x.port_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, domain_spec& x) {
  return f(caf::meta::type_name("domain_spec"), x.name, x.uuid, x.vcpus, x.memory_mb, x.disk_gb,
           x.image_id, x.kernel_id, x.ramdisk_id, x.disk_pool, x.root_from, x.interfaces);
}

} // namespace nimbus::hypervisor

namespace nimbus {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, placement& x) {
  return f(caf::meta::type_name("placement"), x.host, x.alternates);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_query& x) {
  return f(caf::meta::type_name("list_query"), x.limit, x.has_marker, x.marker_created_us,
           x.marker_uuid, x.project_id);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_key& x) {
  return f(caf::meta::type_name("list_key"), x.created_us, x.uuid);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, server_update& x) {
  return f(caf::meta::type_name("server_update"), x.uuid, x.set_name, x.name, x.set_description,
           x.description, x.set_hostname, x.hostname, x.set_access_ip_v4, x.access_ip_v4,
           x.set_access_ip_v6, x.access_ip_v6, x.set_user_data, x.user_data, x.set_key_name,
           x.key_name, x.replace_metadata, x.metadata, x.delete_metadata, x.replace_tags, x.tags,
           x.delete_tags, x.is_admin, x.metadata_limit);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, action_request& x) {
  return f(caf::meta::type_name("action_request"), x.uuid, x.action, x.hard, x.request_id,
           x.user_id, x.project_id, x.is_admin, x.admin_pass, x.locked_reason, x.image_ref,
           x.reset_to, x.host, x.availability_zone, x.fields, x.flavor, x.stay_stopped,
           x.snapshot_id, x.snapshot_name, x.export_path);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, service_change& x) {
  return f(caf::meta::type_name("service_change"), x.set_status, x.disabled, x.disabled_reason,
           x.set_forced_down, x.forced_down, x.remove);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_report& x) {
  return f(caf::meta::type_name("host_report"), x.node, x.running_vms, x.power_sync, x.domains,
           x.listed_us);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_usage& x) {
  return f(caf::meta::type_name("host_usage"), x.host, x.vcpus_used, x.memory_mb_used,
           x.local_gb_used, x.instances);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, service_view& x) {
  return f(caf::meta::type_name("service_view"), x.service, x.up);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hypervisor_view& x) {
  return f(caf::meta::type_name("hypervisor_view"), x.node, x.service, x.up, x.usage);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, domain_target& x) {
  return f(caf::meta::type_name("domain_target"), x.spec, x.power_state);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cell_summary& x) {
  return f(caf::meta::type_name("cell_summary"), x.cell_uuid, x.hosts_up, x.largest_free_ram_mb,
           x.largest_free_vcpus, x.largest_free_disk_gb, x.free_ram_mb, x.handled_ram_mb);
}

} // namespace nimbus
