// /v2.1/os-simple-tenant-usage (Nova's simple_tenant_usage controller): per
// project, the hours its servers ran within [start, end] and what they used
// (vcpus, memory, disk) times those hours; the list for admins, one project
// for its readers. Paging (2.40) is by server, sorted by project and uuid.
// Nimbus's cells do not keep deleted servers' records (only their actions),
// so a deleted server's hours are not counted.
#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "api/formats.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "storage/clock.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

struct period {
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;
};

// ?start= and ?end= (now when absent, the end read after the start as
// Nova reads its clock twice; end no later than now): the 400, or nullopt
// with *p set.
std::optional<api_response> read_period(const api_request& req, period* p) {
  auto now = storage::now_us();
  auto read = [&](const char* name, std::int64_t* out) -> std::optional<api_response> {
    if (!req.has_param(name)) {
      *out = std::string_view{name} == "end" ? now + 1 : now;
      return std::nullopt;
    }
    auto text = req.param(name);
    if (text.size() > 10 && text[10] == ' ')
      text[10] = 'T'; // Nova's "%Y-%m-%d %H:%M:%S.%f" form
    auto us = parse_iso_time(text);
    if (!us)
      return bad_request("Invalid datetime string: Datetime is in invalid format");
    *out = *us;
    return std::nullopt;
  };
  if (auto bad = read("start", &p->start_us))
    return bad;
  if (auto bad = read("end", &p->end_us))
    return bad;
  if (p->start_us >= p->end_us)
    return bad_request("Invalid start time. The start time cannot occur after the end time.");
  p->end_us = std::min(p->end_us, now + 1);
  return std::nullopt;
}

double hours_in(const storage::instance_record& r, const period& p) {
  if (r.launched_us == 0)
    return 0;
  auto until = r.terminated_us != 0 ? std::min(r.terminated_us, p.end_us) : p.end_us;
  auto from = std::max(r.launched_us, p.start_us);
  return until > from ? double(until - from) / 3.6e9 : 0.0;
}

json server_usage(const storage::instance_record& r, const period& p) {
  auto& f = r.flavor_copy;
  auto now = storage::now_us();
  bool ended = r.terminated_us != 0;
  auto uptime =
    r.launched_us == 0 ? 0 : ((ended ? r.terminated_us : now) - r.launched_us) / 1000000;
  return {
    {"ended_at", iso_micros_or_null(r.terminated_us)},
    {"flavor", f.name},
    {"hours", hours_in(r, p)},
    {"instance_id", r.uuid},
    {"local_gb", f.root_gb + f.ephemeral_gb},
    {"memory_mb", f.memory_mb},
    {"name", r.name},
    {"started_at", iso_micros_or_null(r.launched_us)},
    {"state", ended ? std::string("terminated") : std::string(storage::nova_name(r.vm_state))},
    {"tenant_id", r.project_id},
    {"uptime", uptime},
    {"vcpus", f.vcpus}};
}

// The servers of the period (launched before its end, not ended before its
// start), by project then uuid, from after `marker`, at most `limit`.
std::vector<storage::instance_record> in_period(std::vector<storage::instance_record> all,
                                                const period& p, const std::string& marker,
                                                std::size_t limit, bool* bad_marker) {
  all.erase(std::remove_if(all.begin(), all.end(),
                           [&](auto& r) {
                             return r.launched_us == 0 || r.launched_us >= p.end_us
                                    || (r.terminated_us != 0 && r.terminated_us <= p.start_us);
                           }),
            all.end());
  std::sort(all.begin(), all.end(), [](auto& a, auto& b) {
    return std::tie(a.project_id, a.uuid) < std::tie(b.project_id, b.uuid);
  });
  auto from = all.begin();
  if (!marker.empty()) {
    from = std::find_if(all.begin(), all.end(), [&](auto& r) { return r.uuid == marker; });
    *bad_marker = from == all.end();
    if (*bad_marker)
      return {};
    ++from;
  }
  std::vector<storage::instance_record> out(from, all.end());
  if (out.size() > limit)
    out.resize(limit);
  return out;
}

json summaries(const std::vector<storage::instance_record>& servers, const period& p,
               bool detailed) {
  json out = json::array();
  std::map<std::string, std::size_t> index; // project -> its entry, in first-seen order
  for (auto& r : servers) {
    auto [it, fresh] = index.emplace(r.project_id, out.size());
    if (fresh) {
      json s = {{"tenant_id", r.project_id},   {"total_local_gb_usage", 0.0},
                {"total_vcpus_usage", 0.0},    {"total_memory_mb_usage", 0.0},
                {"total_hours", 0.0},          {"start", iso_micros(p.start_us)},
                {"stop", iso_micros(p.end_us)}};
      if (detailed)
        s["server_usages"] = json::array();
      out.push_back(s);
    }
    auto& s = out[it->second];
    auto hours = hours_in(r, p);
    auto& f = r.flavor_copy;
    s["total_hours"] = s["total_hours"].get<double>() + hours;
    s["total_vcpus_usage"] = s["total_vcpus_usage"].get<double>() + hours * f.vcpus;
    s["total_memory_mb_usage"] = s["total_memory_mb_usage"].get<double>() + hours * f.memory_mb;
    s["total_local_gb_usage"] =
      s["total_local_gb_usage"].get<double>() + hours * (f.root_gb + f.ephemeral_gb);
    if (detailed)
      s["server_usages"].push_back(server_usage(r, p));
  }
  return out;
}

// The query both routes read: the 400, or nullopt.
std::optional<api_response> read_query(const api_request& req, bool list, period* p,
                                       std::int32_t* limit) {
  if (req.version.at_least(2, 75)) {
    std::set<std::string> known{"start", "end", "limit", "marker"};
    if (list)
      known.insert("detailed");
    if (auto bad = refuse_unknown_query(req, known))
      return bad;
  }
  if (auto bad = read_period(req, p))
    return bad;
  if (req.version.at_least(2, 40))
    return read_limit(req, limit);
  return std::nullopt;
}

void usage(compute::compute_api& compute, const api_request& req, const std::string& tenant,
           reply_fn reply) {
  bool list = tenant.empty();
  period p;
  std::int32_t limit = 1000;
  if (auto bad = read_query(req, list, &p, &limit))
    return reply(*bad);
  compute::server_page_request page;
  page.limit = std::numeric_limits<std::int32_t>::max();
  if (list)
    page.all_tenants = true;
  else if (req.ctx.is_admin)
    page.project = tenant;
  bool detailed = !list || req.param("detailed") == "1";
  auto marker = req.version.at_least(2, 40) ? req.param("marker") : std::string{};
  compute.list_servers(
    req.ctx, page,
    [&req, p, limit, marker, list, detailed, tenant, reply = std::move(reply)](auto result) {
      if (!result.ok())
        return reply(fault_response(*result.error));
      bool bad_marker = false;
      auto servers = in_period(std::move(result.value), p, marker, std::size_t(limit), &bad_marker);
      if (bad_marker)
        return reply(bad_request("Marker " + marker + " could not be found."));
      auto entries = summaries(servers, p, detailed);
      json body;
      if (list)
        body["tenant_usages"] = entries;
      else
        body["tenant_usage"] = entries.empty() ? json::object() : entries[0];
      if (req.version.at_least(2, 40) && !servers.empty() && servers.size() == std::size_t(limit)) {
        auto href = req.base_url + "/v2.1/os-simple-tenant-usage" + (list ? "" : "/" + tenant)
                    + "?limit=" + std::to_string(limit) + "&marker=" + servers.back().uuid;
        body[list ? "tenant_usages_links" : "tenant_usage_links"] =
          json::array({{{"rel", "next"}, {"href", href}}});
      }
      reply(json_response(200, body));
    });
}

} // namespace

void add_tenant_usage_routes(router& r, compute::compute_api& compute) {
  r.add_async("GET", "/v2.1/os-simple-tenant-usage",
              access::own("os_compute_api:os-simple-tenant-usage:list"),
              [&](const api_request& req, const params&, reply_fn reply) {
                if (req.trailing_slash) // "/os-simple-tenant-usage/": an empty tenant id
                  return reply(not_found("The resource could not be found."));
                usage(compute, req, "", std::move(reply));
              });
  r.add_async("GET", "/v2.1/os-simple-tenant-usage/{}",
              access::owner({"os_compute_api:os-simple-tenant-usage:show"}),
              [&](const api_request& req, const params& p, reply_fn reply) {
                const char* rule = "os_compute_api:os-simple-tenant-usage:show";
                if (!allowed(req, rule, {{"project_id", p[0]}}))
                  return reply(forbidden_by_policy(rule));
                usage(compute, req, p[0], std::move(reply));
              });
}

} // namespace nimbus::api
