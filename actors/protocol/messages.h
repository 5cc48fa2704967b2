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
#include "hypervisor/types.h"
#include "storage/records.h"

namespace nimbus::storage {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, flavor& x) {
  return f(caf::meta::type_name("flavor"), x.id, x.name, x.vcpus, x.memory_mb, x.root_gb,
           x.ephemeral_gb, x.swap_mb, x.rxtx_factor, x.is_public, x.disabled, x.description,
           x.extra_specs, x.created_us);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cell_mapping& x) {
  return f(caf::meta::type_name("cell_mapping"), x.uuid, x.name, x.transport_url,
           x.database_connection, x.disabled);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instance_fault& x) {
  return f(caf::meta::type_name("instance_fault"), x.code, x.message, x.details, x.created_us);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instance_record& x) {
  return f(caf::meta::type_name("instance_record"), x.uuid, x.name, x.project_id, x.user_id,
           x.request_id, x.flavor_copy, x.image_ref, x.host, x.node, x.availability_zone,
           x.vm_state, x.task_state, x.power_state, x.created_us, x.updated_us, x.launched_us,
           x.terminated_us, x.instance_name, x.reservation_id, x.launch_index, x.key_name,
           x.description, x.admin_pass, x.metadata, x.tags, x.fault);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, build_request& x) {
  return f(caf::meta::type_name("build_request"), x.instance, x.request_id, x.delete_requested);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_spec& x) {
  return f(caf::meta::type_name("request_spec"), x.instance_uuid, x.flavor_copy, x.image_ref,
           x.project_id, x.user_id, x.availability_zone, x.ignore_hosts);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, action_event& x) {
  return f(caf::meta::type_name("action_event"), x.event, x.start_us, x.finish_us, x.result,
           x.traceback, x.host);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instance_action& x) {
  return f(caf::meta::type_name("instance_action"), x.request_id, x.instance_uuid, x.action,
           x.user_id, x.project_id, x.start_us, x.updated_us, x.message, x.events);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, service_record& x) {
  return f(caf::meta::type_name("service_record"), x.uuid, x.id, x.host, x.binary, x.zone,
           x.disabled, x.disabled_reason, x.forced_down, x.updated_us);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, compute_node& x) {
  return f(caf::meta::type_name("compute_node"), x.uuid, x.id, x.host, x.hypervisor_type,
           x.hypervisor_version, x.host_ip, x.vcpus, x.memory_mb, x.local_gb, x.cpu_info);
}

} // namespace nimbus::storage

namespace nimbus::hypervisor {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, domain_spec& x) {
  return f(caf::meta::type_name("domain_spec"), x.name, x.uuid, x.vcpus, x.memory_mb, x.disk_gb);
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
typename Inspector::result_type inspect(Inspector& f, action_request& x) {
  return f(caf::meta::type_name("action_request"), x.uuid, x.action, x.hard, x.request_id,
           x.user_id, x.project_id);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_report& x) {
  return f(caf::meta::type_name("host_report"), x.node, x.running_vms);
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
