#pragma once
// The field list of every record, once. The store codec (storage/records.cpp)
// and CAF's inspect() (actors/protocol/messages.h) both expand these, so a
// field added to a struct in records.h is added here and travels to disk and
// over the wire alike; tests/actors/record_lists_test.cpp checks that every
// field survives both. Order matters for CAF (binary messages), not for JSON.
//
// NIMBUS_MEMBERS(x, a, b, ...) expands to x.a, x.b, ... (up to 40 fields).

#define NIMBUS_FIELDS_FLAVOR                                                                       \
  id, name, vcpus, memory_mb, root_gb, ephemeral_gb, swap_mb, rxtx_factor, is_public, disabled,    \
    description, extra_specs, created_us
#define NIMBUS_FIELDS_IMAGE                                                                        \
  id, name, status, disk_format, container_format, size, min_disk, min_ram, created_us, owner,     \
    visibility, properties, updated_us, checksum, os_hash_algo, os_hash_value, tags, is_protected, \
    os_hidden, members
#define NIMBUS_FIELDS_IMAGE_MEMBER member_id, status, created_us, updated_us
#define NIMBUS_FIELDS_CELL_MAPPING uuid, name, transport_url, database_connection, disabled
#define NIMBUS_FIELDS_HOST_MAPPING host, cell_uuid
#define NIMBUS_FIELDS_INSTANCE_MAPPING                                                             \
  instance_uuid, cell_uuid, project_id, user_id, created_us, vcpus, memory_mb, disk_gb, disk_type
#define NIMBUS_FIELDS_INSTANCE_FAULT code, message, details, created_us
#define NIMBUS_FIELDS_INSTANCE_RECORD                                                              \
  uuid, name, project_id, user_id, request_id, flavor_copy, image_ref, host, node,                 \
    availability_zone, vm_state, task_state, power_state, created_us, updated_us, launched_us,     \
    terminated_us, instance_name, reservation_id, launch_index, key_name, description, admin_pass, \
    metadata, tags, fault, locked, locked_by, locked_reason, access_ip_v4, access_ip_v6, hostname, \
    user_data, old_flavor, pinned_availability_zone, scheduler_hints, image_properties, disk_type, \
    snapshots, vifs
#define NIMBUS_FIELDS_SERVER_VIF port_id, network_id, network_name, mac_address, ips, bridge, vlan
#define NIMBUS_FIELDS_SNAPSHOT_POINT id, name, created_us, size_bytes
#define NIMBUS_FIELDS_MIGRATION                                                                    \
  id, uuid, instance_uuid, migration_type, status, source_compute, source_node, dest_compute,      \
    dest_node, dest_host, old_flavor_id, new_flavor_id, user_id, project_id, old_vm_state,         \
    created_us, updated_us
#define NIMBUS_FIELDS_BUILD_REQUEST instance, request_id, delete_requested
#define NIMBUS_FIELDS_REQUEST_SPEC                                                                 \
  instance_uuid, flavor_copy, image_ref, project_id, user_id, availability_zone, ignore_hosts,     \
    force_host, zone_hosts, group_policy, group_max_per_host, group_members, same_host,            \
    different_host, image_properties, disk_type
#define NIMBUS_FIELDS_ACTION_EVENT event, start_us, finish_us, result, traceback, host
#define NIMBUS_FIELDS_INSTANCE_ACTION                                                              \
  request_id, instance_uuid, action, user_id, project_id, start_us, updated_us, message, events
#define NIMBUS_FIELDS_SERVICE_RECORD                                                               \
  uuid, id, host, binary, zone, disabled, disabled_reason, forced_down, updated_us
#define NIMBUS_FIELDS_COMPUTE_NODE                                                                 \
  uuid, id, host, hypervisor_type, hypervisor_version, host_ip, vcpus, memory_mb, local_gb,        \
    cpu_info, pools
#define NIMBUS_FIELDS_TIER_POOL tier, name, capacity_gb, allocation_gb
#define NIMBUS_FIELDS_DOMAIN id, name, description, enabled, created_us
#define NIMBUS_FIELDS_PROJECT id, name, domain_id, description, enabled, tags, created_us
#define NIMBUS_FIELDS_USER                                                                         \
  id, name, domain_id, description, email, default_project_id, enabled, password_hash,             \
    password_changed_us, created_us, extra
#define NIMBUS_FIELDS_ROLE id, name, description
#define NIMBUS_FIELDS_ROLE_ASSIGNMENT user_id, project_id, domain_id, role_id
#define NIMBUS_FIELDS_APPLICATION_CREDENTIAL                                                       \
  id, name, user_id, project_id, description, secret_hash, role_ids, expires_us, unrestricted,     \
    created_us
#define NIMBUS_FIELDS_REVOCATION                                                                   \
  audit_id, user_id, project_id, issued_before_us, app_cred_id, domain_id
#define NIMBUS_FIELDS_KEYPAIR user_id, name, type, public_key, fingerprint, id, created_us
#define NIMBUS_FIELDS_AGGREGATE id, uuid, name, hosts, metadata, created_us, updated_us
#define NIMBUS_FIELDS_SERVER_GROUP                                                                 \
  uuid, name, project_id, user_id, policy, max_server_per_host, members, created_us

// Counts and maps the arguments (the usual preprocessor arity trick).
#define NIMBUS_ARG_N(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17,   \
                     _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32,    \
                     _33, _34, _35, _36, _37, _38, _39, _40, N, ...)                               \
  N
#define NIMBUS_NARGS(...)                                                                          \
  NIMBUS_ARG_N(__VA_ARGS__, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24,    \
               23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
#define NIMBUS_CAT(a, b) NIMBUS_CAT_(a, b)
#define NIMBUS_CAT_(a, b) a##b
#define NIMBUS_MEMBERS(x, ...)                                                                     \
  NIMBUS_CAT(NIMBUS_MEMBERS_, NIMBUS_NARGS(__VA_ARGS__))(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_1(x, a) x.a
#define NIMBUS_MEMBERS_2(x, a, ...) x.a, NIMBUS_MEMBERS_1(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_3(x, a, ...) x.a, NIMBUS_MEMBERS_2(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_4(x, a, ...) x.a, NIMBUS_MEMBERS_3(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_5(x, a, ...) x.a, NIMBUS_MEMBERS_4(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_6(x, a, ...) x.a, NIMBUS_MEMBERS_5(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_7(x, a, ...) x.a, NIMBUS_MEMBERS_6(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_8(x, a, ...) x.a, NIMBUS_MEMBERS_7(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_9(x, a, ...) x.a, NIMBUS_MEMBERS_8(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_10(x, a, ...) x.a, NIMBUS_MEMBERS_9(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_11(x, a, ...) x.a, NIMBUS_MEMBERS_10(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_12(x, a, ...) x.a, NIMBUS_MEMBERS_11(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_13(x, a, ...) x.a, NIMBUS_MEMBERS_12(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_14(x, a, ...) x.a, NIMBUS_MEMBERS_13(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_15(x, a, ...) x.a, NIMBUS_MEMBERS_14(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_16(x, a, ...) x.a, NIMBUS_MEMBERS_15(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_17(x, a, ...) x.a, NIMBUS_MEMBERS_16(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_18(x, a, ...) x.a, NIMBUS_MEMBERS_17(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_19(x, a, ...) x.a, NIMBUS_MEMBERS_18(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_20(x, a, ...) x.a, NIMBUS_MEMBERS_19(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_21(x, a, ...) x.a, NIMBUS_MEMBERS_20(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_22(x, a, ...) x.a, NIMBUS_MEMBERS_21(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_23(x, a, ...) x.a, NIMBUS_MEMBERS_22(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_24(x, a, ...) x.a, NIMBUS_MEMBERS_23(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_25(x, a, ...) x.a, NIMBUS_MEMBERS_24(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_26(x, a, ...) x.a, NIMBUS_MEMBERS_25(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_27(x, a, ...) x.a, NIMBUS_MEMBERS_26(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_28(x, a, ...) x.a, NIMBUS_MEMBERS_27(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_29(x, a, ...) x.a, NIMBUS_MEMBERS_28(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_30(x, a, ...) x.a, NIMBUS_MEMBERS_29(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_31(x, a, ...) x.a, NIMBUS_MEMBERS_30(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_32(x, a, ...) x.a, NIMBUS_MEMBERS_31(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_33(x, a, ...) x.a, NIMBUS_MEMBERS_32(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_34(x, a, ...) x.a, NIMBUS_MEMBERS_33(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_35(x, a, ...) x.a, NIMBUS_MEMBERS_34(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_36(x, a, ...) x.a, NIMBUS_MEMBERS_35(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_37(x, a, ...) x.a, NIMBUS_MEMBERS_36(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_38(x, a, ...) x.a, NIMBUS_MEMBERS_37(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_39(x, a, ...) x.a, NIMBUS_MEMBERS_38(x, __VA_ARGS__)
#define NIMBUS_MEMBERS_40(x, a, ...) x.a, NIMBUS_MEMBERS_39(x, __VA_ARGS__)
