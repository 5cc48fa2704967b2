// Record codecs: JSON text with a schema_version field. Fields missing from an
// older record take the struct's defaults, which is how a schema grows.
#include "storage/records.h"

#include <nlohmann/json.hpp>

#include "storage/errc.h"

namespace nimbus::storage {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(flavor, id, name, vcpus, memory_mb, root_gb,
                                                ephemeral_gb, swap_mb, rxtx_factor, is_public,
                                                disabled, description, extra_specs, created_us)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(image, id, name, status, disk_format,
                                                container_format, size, min_disk, min_ram,
                                                created_us)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(cell_mapping, uuid, name, transport_url,
                                                database_connection, disabled)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(host_mapping, host, cell_uuid)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(instance_mapping, instance_uuid, cell_uuid,
                                                project_id, user_id, created_us)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(instance_fault, code, message, details, created_us)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(
  instance_record, uuid, name, project_id, user_id, request_id, flavor_copy, image_ref, host, node,
  availability_zone, vm_state, task_state, power_state, created_us, updated_us, launched_us,
  terminated_us, instance_name, reservation_id, launch_index, key_name, description, admin_pass,
  metadata, tags, fault)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(build_request, instance, request_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(request_spec, instance_uuid, flavor_copy,
                                                image_ref, project_id, user_id, availability_zone,
                                                ignore_hosts)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(action_event, event, start_us, finish_us, result,
                                                traceback, host)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(instance_action, request_id, instance_uuid,
                                                action, user_id, project_id, start_us, updated_us,
                                                message, events)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(service_record, uuid, id, host, binary, zone,
                                                disabled, disabled_reason, forced_down, updated_us)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(compute_node, uuid, id, host, hypervisor_type,
                                                hypervisor_version, host_ip, vcpus, memory_mb,
                                                local_gb, cpu_info)

namespace {

template <class T>
std::string encode_record(const T& x) {
  nlohmann::json j = x;
  j["schema_version"] = schema_version;
  return j.dump();
}

template <class T>
std::error_code decode_record(std::string_view text, T* x) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return errc::corruption;
  auto version = j.value("schema_version", 0);
  if (version < 1 || version > schema_version)
    return errc::corruption;
  try {
    *x = j.get<T>();
  } catch (const nlohmann::json::exception&) {
    return errc::corruption;
  }
  return {};
}

} // namespace

#define NIMBUS_RECORD_CODEC(type)                                                                  \
  std::string encode(const type& x) { return encode_record(x); }                                   \
  std::error_code decode(std::string_view text, type* x) { return decode_record(text, x); }

NIMBUS_RECORD_CODEC(flavor)
NIMBUS_RECORD_CODEC(image)
NIMBUS_RECORD_CODEC(cell_mapping)
NIMBUS_RECORD_CODEC(host_mapping)
NIMBUS_RECORD_CODEC(instance_mapping)
NIMBUS_RECORD_CODEC(instance_record)
NIMBUS_RECORD_CODEC(build_request)
NIMBUS_RECORD_CODEC(request_spec)
NIMBUS_RECORD_CODEC(instance_action)
NIMBUS_RECORD_CODEC(service_record)
NIMBUS_RECORD_CODEC(compute_node)

#undef NIMBUS_RECORD_CODEC

} // namespace nimbus::storage
