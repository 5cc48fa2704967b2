// GET /v2.1/os-migrations (admin) and /v2.1/servers/{id}/migrations[/{id}]
// (2.23: the server's live migrations in progress).
#include <algorithm>

#include "api/formats.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "api/views/migration_view.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::string index_rule = "os_compute_api:os-migrations:index";
const std::string server_index_rule = "os_compute_api:servers:migrations:index";
const std::string server_show_rule = "os_compute_api:servers:migrations:show";

// Newest first, as Nova lists them (created_at, then id, descending).
void newest_first(std::vector<storage::migration>& ms) {
  std::sort(ms.begin(), ms.end(), [](auto& a, auto& b) {
    return a.created_us != b.created_us ? a.created_us > b.created_us : a.id > b.id;
  });
}

// The query of an os-migrations list: Nova's filters and, from 2.59, paging.
struct migration_query {
  std::string status, host, source_compute, instance_uuid, migration_type, user_id, project_id;
  std::int64_t changed_since_us = 0, changed_before_us = 0;
  std::int32_t limit = -1;
  std::string marker;
};

bool admits(const migration_query& q, const storage::migration& m) {
  auto same = [](const std::string& want, const std::string& have) {
    return want.empty() || want == have;
  };
  return same(q.status, std::string(storage::nova_name(m.status)))
         && (q.host.empty() || q.host == m.source_compute || q.host == m.dest_compute)
         && same(q.source_compute, m.source_compute) && same(q.instance_uuid, m.instance_uuid)
         && same(q.migration_type, std::string(storage::nova_name(m.migration_type)))
         && same(q.user_id, m.user_id) && same(q.project_id, m.project_id)
         && (q.changed_since_us == 0 || m.updated_us >= q.changed_since_us)
         && (q.changed_before_us == 0 || m.updated_us <= q.changed_before_us);
}

std::optional<api_response> read_time(const api_request& req, const char* name, std::int64_t* out) {
  if (!req.has_param(name))
    return std::nullopt;
  auto text = req.param(name);
  auto us = parse_iso_time(text);
  if (!us)
    return bad_request("Invalid input for query parameters " + std::string(name)
                       + ". Value: " + text + ". '" + text + "' is not a 'date-time'");
  *out = *us;
  return std::nullopt;
}

std::optional<api_response> read_query(const api_request& req, migration_query* q) {
  auto& v = req.version;
  std::set<std::string> known{"hidden",         "host",   "instance_uuid",
                              "source_compute", "status", "migration_type"};
  if (v.at_least(2, 59)) {
    known.insert({"limit", "marker", "changes-since"});
    if (v.at_least(2, 66))
      known.insert("changes-before");
    if (v.at_least(2, 80))
      known.insert({"user_id", "project_id"});
    if (auto refusal = refuse_unknown_query(req, known))
      return refusal;
  }
  q->status = req.param("status");
  q->host = req.param("host");
  q->source_compute = req.param("source_compute");
  q->instance_uuid = req.param("instance_uuid");
  q->migration_type = req.param("migration_type");
  if (!v.at_least(2, 59))
    return std::nullopt;
  if (v.at_least(2, 80)) {
    q->user_id = req.param("user_id");
    q->project_id = req.param("project_id");
  }
  q->marker = req.param("marker");
  if (req.has_param("limit"))
    if (auto refusal = read_limit(req, &q->limit))
      return refusal;
  if (auto refusal = read_time(req, "changes-since", &q->changed_since_us))
    return refusal;
  if (v.at_least(2, 66)) {
    if (auto refusal = read_time(req, "changes-before", &q->changed_before_us))
      return refusal;
    if (q->changed_since_us && q->changed_before_us && q->changed_since_us > q->changed_before_us)
      return bad_request("The value of changes-since must be less than or equal to "
                         "changes-before.");
  }
  return std::nullopt;
}

void list(compute::compute_api& compute, const api_request& req, reply_fn reply) {
  migration_query q;
  if (auto refusal = read_query(req, &q))
    return reply(*refusal);
  compute.migrations(req.ctx, "", [&req, q, reply = std::move(reply)](auto result) {
    if (!result.ok())
      return reply(fault_response(*result.error));
    auto& all = result.value;
    newest_first(all);
    std::vector<storage::migration> shown;
    for (auto& m : all)
      if (admits(q, m))
        shown.push_back(m);
    auto start = shown.begin();
    if (!q.marker.empty()) {
      start = std::find_if(shown.begin(), shown.end(), [&](auto& m) { return m.uuid == q.marker; });
      if (start == shown.end())
        return reply(bad_request("Marker " + q.marker + " could not be found."));
      ++start;
    }
    auto v = view_of(req);
    json list = json::array();
    for (auto it = start; it != shown.end(); ++it) {
      if (q.limit >= 0 && list.size() == static_cast<std::size_t>(q.limit))
        break;
      list.push_back(migration_entry(*it, v));
    }
    json body = {{"migrations", list}};
    if (q.limit > 0 && list.size() == static_cast<std::size_t>(q.limit))
      body["migrations_links"] =
        json::array({{{"rel", "next"},
                      {"href", req.base_url + "/v2.1/os-migrations?limit=" + std::to_string(q.limit)
                                 + "&marker=" + list.back()["uuid"].get<std::string>()}}});
    reply(json_response(200, body));
  });
}

api_response not_there() { return not_found("The resource could not be found."); }

// The server's live migrations in progress (Nova lists no other kind here).
void server_list(compute::compute_api& compute, const api_request& req, const std::string& uuid,
                 reply_fn reply) {
  compute.migrations(req.ctx, uuid, [&req, reply = std::move(reply)](auto result) {
    if (!result.ok())
      return reply(fault_response(*result.error));
    newest_first(result.value);
    auto v = view_of(req);
    json list = json::array();
    for (auto& m : result.value)
      if (m.migration_type == storage::migration_type::live_migration
          && storage::in_progress(m.status))
        list.push_back(server_migration_entry(m, v));
    reply(json_response(200, {{"migrations", list}}));
  });
}

void server_show(compute::compute_api& compute, const api_request& req, const std::string& uuid,
                 const std::string& id, reply_fn reply) {
  compute.migrations(req.ctx, uuid, [&req, uuid, id, reply = std::move(reply)](auto result) {
    if (!result.ok())
      return reply(fault_response(*result.error));
    auto it = std::find_if(result.value.begin(), result.value.end(),
                           [&](auto& m) { return std::to_string(m.id) == id; });
    if (it == result.value.end())
      return reply(not_found("Instance " + uuid + " does not have a migration " + id + "."));
    if (it->migration_type != storage::migration_type::live_migration)
      return reply(
        not_found("Migration " + id + " for server " + uuid + " is not live-migration."));
    if (!storage::in_progress(it->status))
      return reply(
        not_found("Live migration " + id + " for server " + uuid + " is not in progress."));
    reply(json_response(200, {{"migration", server_migration_entry(*it, view_of(req))}}));
  });
}

} // namespace

void add_migration_routes(router& r, compute::compute_api& compute) {
  r.add_async("GET", "/v2.1/os-migrations", access::own(index_rule),
              [&](const api_request& req, const params&, reply_fn reply) {
                list(compute, req, std::move(reply));
              });
  r.add_async("GET", "/v2.1/servers/{}/migrations", access::owner({server_index_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (!req.version.at_least(2, 23))
                  return reply(not_there());
                if (auto refusal = refused_on_server(compute, req, p[0], server_index_rule))
                  return reply(*refusal);
                server_list(compute, req, p[0], std::move(reply));
              });
  r.add_async("GET", "/v2.1/servers/{}/migrations/{}", access::owner({server_show_rule}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (!req.version.at_least(2, 23))
                  return reply(not_there());
                if (auto refusal = refused_on_server(compute, req, p[0], server_show_rule))
                  return reply(*refusal);
                server_show(compute, req, p[0], p[1], std::move(reply));
              });
}

} // namespace nimbus::api
