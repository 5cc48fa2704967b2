// Record codecs: JSON text with a schema_version field. Fields missing from an
// older record take the struct's defaults, which is how a schema grows.
//
// Each record's fields are listed once (NIMBUS_RECORD_FIELDS); the list makes
// both the reader (nlohmann, which fills in defaults) and the writer. Records
// are written on every state change of every server, so the writer puts the
// text straight into a string instead of building a JSON tree first: that
// tree and its dump were ~6% of the server CPU in a boot storm.
#include "storage/records.h"

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/errc.h"
#include "storage/json_record.h"
#include "storage/json_writer.h"
#include "storage/record_fields.h"

namespace nimbus::storage {

// The enums travel as Nova's names; a name this build does not know makes
// the record unreadable (reported as corruption) rather than guessed at.
template <class Enum, class Named>
void enum_from_json(const nlohmann::json& j, Enum& e, Named named) {
  auto value = named(j.get<std::string>());
  if (!value)
    throw nlohmann::json::other_error::create(501, "unknown state " + j.dump(), &j);
  e = *value;
}

void from_json(const nlohmann::json& j, vm_state& s) { enum_from_json(j, s, vm_state_named); }
void from_json(const nlohmann::json& j, task_state& s) { enum_from_json(j, s, task_state_named); }
void from_json(const nlohmann::json& j, server_action& a) {
  enum_from_json(j, a, server_action_named);
}
void to_json(nlohmann::json& j, vm_state s) { j = nova_name(s); }
void to_json(nlohmann::json& j, task_state s) { j = nova_name(s); }
void to_json(nlohmann::json& j, server_action a) { j = nova_name(a); }
void from_json(const nlohmann::json& j, migration_type& t) {
  enum_from_json(j, t, migration_type_named);
}
void from_json(const nlohmann::json& j, migration_status& s) {
  enum_from_json(j, s, migration_status_named);
}
void from_json(const nlohmann::json& j, disk_tier& t) { enum_from_json(j, t, disk_tier_named); }
void to_json(nlohmann::json& j, disk_tier t) { j = nova_name(t); }
void to_json(nlohmann::json& j, migration_type t) { j = nova_name(t); }
void to_json(nlohmann::json& j, migration_status s) { j = nova_name(s); }

namespace {

void write_value(json_writer& w, const std::string& s) { w.value(s); }
void write_value(json_writer& w, std::int32_t n) { w.value(n); }
void write_value(json_writer& w, std::int64_t n) { w.value(n); }
void write_value(json_writer& w, double d) { w.value(d); }
void write_value(json_writer& w, bool b) { w.value(b); }
void write_value(json_writer& w, vm_state s) { w.value(nova_name(s)); }
void write_value(json_writer& w, task_state s) { w.value(nova_name(s)); }
void write_value(json_writer& w, server_action a) { w.value(nova_name(a)); }
void write_value(json_writer& w, migration_type t) { w.value(nova_name(t)); }
void write_value(json_writer& w, disk_tier t) { w.value(nova_name(t)); }
void write_value(json_writer& w, migration_status s) { w.value(nova_name(s)); }

void write_value(json_writer& w, const std::map<std::string, std::string>& m) {
  w.begin_object();
  for (auto& [k, v] : m)
    w.key(k).value(v);
  w.end_object();
}

template <class T>
void write_value(json_writer& w, const std::vector<T>& xs) {
  w.begin_array();
  for (auto& x : xs)
    write_value(w, x);
  w.end_array();
}

} // namespace

#define NIMBUS_WRITE_FIELD(field)                                                                  \
  w.key(#field);                                                                                   \
  write_value(w, x.field);

// Reader (from_json, to_json for tests and tools) and writer of one record type.
#define NIMBUS_RECORD_FIELDS(type, ...)                                                            \
  NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(type, __VA_ARGS__)                               \
  [[maybe_unused]] void write_fields(json_writer& w, const type& x) {                              \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NIMBUS_WRITE_FIELD, __VA_ARGS__))                     \
  }                                                                                                \
  [[maybe_unused]] void write_value(json_writer& w, const type& x) {                               \
    w.begin_object();                                                                              \
    write_fields(w, x);                                                                            \
    w.end_object();                                                                                \
  }

NIMBUS_RECORD_FIELDS(flavor, NIMBUS_FIELDS_FLAVOR)
NIMBUS_RECORD_FIELDS(image_member, NIMBUS_FIELDS_IMAGE_MEMBER)
NIMBUS_RECORD_FIELDS(image, NIMBUS_FIELDS_IMAGE)
NIMBUS_RECORD_FIELDS(cell_mapping, NIMBUS_FIELDS_CELL_MAPPING)
NIMBUS_RECORD_FIELDS(host_mapping, NIMBUS_FIELDS_HOST_MAPPING)
NIMBUS_RECORD_FIELDS(instance_mapping, NIMBUS_FIELDS_INSTANCE_MAPPING)
NIMBUS_RECORD_FIELDS(instance_fault, NIMBUS_FIELDS_INSTANCE_FAULT)
NIMBUS_RECORD_FIELDS(snapshot_point, NIMBUS_FIELDS_SNAPSHOT_POINT)
NIMBUS_RECORD_FIELDS(server_vif, NIMBUS_FIELDS_SERVER_VIF)
NIMBUS_RECORD_FIELDS(instance_record, NIMBUS_FIELDS_INSTANCE_RECORD)
NIMBUS_RECORD_FIELDS(build_request, NIMBUS_FIELDS_BUILD_REQUEST)
NIMBUS_RECORD_FIELDS(request_spec, NIMBUS_FIELDS_REQUEST_SPEC)
NIMBUS_RECORD_FIELDS(action_event, NIMBUS_FIELDS_ACTION_EVENT)
NIMBUS_RECORD_FIELDS(instance_action, NIMBUS_FIELDS_INSTANCE_ACTION)
NIMBUS_RECORD_FIELDS(migration, NIMBUS_FIELDS_MIGRATION)
NIMBUS_RECORD_FIELDS(service_record, NIMBUS_FIELDS_SERVICE_RECORD)
NIMBUS_RECORD_FIELDS(tier_pool, NIMBUS_FIELDS_TIER_POOL)
NIMBUS_RECORD_FIELDS(compute_node, NIMBUS_FIELDS_COMPUTE_NODE)
NIMBUS_RECORD_FIELDS(domain, NIMBUS_FIELDS_DOMAIN)
NIMBUS_RECORD_FIELDS(project, NIMBUS_FIELDS_PROJECT)
NIMBUS_RECORD_FIELDS(user, NIMBUS_FIELDS_USER)
NIMBUS_RECORD_FIELDS(role, NIMBUS_FIELDS_ROLE)
NIMBUS_RECORD_FIELDS(role_assignment, NIMBUS_FIELDS_ROLE_ASSIGNMENT)
NIMBUS_RECORD_FIELDS(application_credential, NIMBUS_FIELDS_APPLICATION_CREDENTIAL)
NIMBUS_RECORD_FIELDS(revocation, NIMBUS_FIELDS_REVOCATION)
NIMBUS_RECORD_FIELDS(keypair, NIMBUS_FIELDS_KEYPAIR)
NIMBUS_RECORD_FIELDS(aggregate, NIMBUS_FIELDS_AGGREGATE)
NIMBUS_RECORD_FIELDS(server_group, NIMBUS_FIELDS_SERVER_GROUP)

namespace {

template <class T>
std::string encode_record(const T& x) {
  json_writer w(512);
  w.begin_object();
  write_fields(w, x);
  w.key("schema_version").value(static_cast<std::int32_t>(schema_version));
  w.end_object();
  return w.take();
}

template <class T>
std::error_code decode_record(std::string_view text, T* x) {
  return decode_json_record(text, x, schema_version);
}

} // namespace

// `type` names a type, which cannot be put in parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define NIMBUS_RECORD_CODEC(type)                                                                  \
  std::string encode(const type& x) { return encode_record(x); }                                   \
  std::error_code decode(std::string_view text, type* x) { return decode_record(text, x); }
// NOLINTEND(bugprone-macro-parentheses)

NIMBUS_RECORD_CODEC(flavor)
NIMBUS_RECORD_CODEC(image)
NIMBUS_RECORD_CODEC(cell_mapping)
NIMBUS_RECORD_CODEC(host_mapping)
NIMBUS_RECORD_CODEC(instance_mapping)
NIMBUS_RECORD_CODEC(instance_record)
NIMBUS_RECORD_CODEC(build_request)
NIMBUS_RECORD_CODEC(request_spec)
NIMBUS_RECORD_CODEC(instance_action)
NIMBUS_RECORD_CODEC(migration)
NIMBUS_RECORD_CODEC(service_record)
NIMBUS_RECORD_CODEC(compute_node)
NIMBUS_RECORD_CODEC(domain)
NIMBUS_RECORD_CODEC(project)
NIMBUS_RECORD_CODEC(user)
NIMBUS_RECORD_CODEC(role)
NIMBUS_RECORD_CODEC(role_assignment)
NIMBUS_RECORD_CODEC(application_credential)
NIMBUS_RECORD_CODEC(revocation)
NIMBUS_RECORD_CODEC(keypair)
NIMBUS_RECORD_CODEC(aggregate)
NIMBUS_RECORD_CODEC(server_group)

#undef NIMBUS_RECORD_CODEC
#undef NIMBUS_RECORD_FIELDS
#undef NIMBUS_WRITE_FIELD

} // namespace nimbus::storage
