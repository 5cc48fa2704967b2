// /v2.1/os-hypervisors (admin only).
#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "api/views/host_views.h"
#include "storage/clock.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

// The hypervisor a path names by its id (a uuid from 2.53, a number before).
std::optional<hypervisor_view> find_hypervisor(const std::vector<hypervisor_view>& all,
                                               const view_context& v, const std::string& id) {
  for (auto& h : all) {
    auto hid = hypervisor_id(h, v);
    if ((hid.is_string() && hid.get<std::string>() == id)
        || (hid.is_number() && std::to_string(hid.get<long long>()) == id))
      return h;
  }
  return std::nullopt;
}

// A route on one hypervisor: 404 for an unknown id, else `answer` builds
// the body from the hypervisor found.
template <class Answer>
async_handler_fn on_hypervisor(compute::compute_api& compute, Answer answer) {
  return [&compute, answer](const api_request& req, const params& p, reply_fn reply) {
    compute.hypervisors([v = view_of(req), id = p[0], answer, reply = std::move(reply)](auto all) {
      auto h = find_hypervisor(all.value, v, id);
      if (!h)
        return reply(not_found("Hypervisor with ID " + id + " could not be found."));
      reply(json_response(200, {{"hypervisor", answer(*h, v)}}));
    });
  };
}

// The hypervisors whose hostname contains `pattern` (Nova's LIKE %pattern%).
std::vector<hypervisor_view> matching(const std::vector<hypervisor_view>& all,
                                      const std::string& pattern) {
  std::vector<hypervisor_view> out;
  for (auto& h : all)
    if (h.node.host.find(pattern) != std::string::npos)
      out.push_back(h);
  return out;
}

api_response no_hypervisor_matching(const std::string& pattern) {
  return not_found("No hypervisor matching '" + pattern + "' could be found.");
}

// Each hypervisor's brief or detailed view with the servers on its host
// ({uuid, name}; left out when it has none), asking the cells host by host.
struct servers_walk {
  compute::compute_api& compute;
  compute::request_context ctx;
  view_context view;
  bool detail = false;
  std::vector<hypervisor_view> hypervisors;
  nlohmann::json out = nlohmann::json::array();
  reply_fn reply;
};

void walk_servers(const std::shared_ptr<servers_walk>& w) {
  if (w->out.size() == w->hypervisors.size())
    return w->reply(json_response(200, {{"hypervisors", w->out}}));
  auto& h = w->hypervisors[w->out.size()];
  compute::server_page_request page;
  page.all_tenants = true;
  page.host = h.node.host;
  w->compute.list_servers(w->ctx, page, [w](auto servers) {
    auto& h = w->hypervisors[w->out.size()];
    auto view = w->detail ? hypervisor_detail(h, w->view) : hypervisor_brief(h, w->view);
    if (servers.ok() && !servers.value.empty()) {
      auto list = json::array();
      for (auto& s : servers.value)
        list.push_back({{"uuid", s.uuid}, {"name", s.name}});
      view["servers"] = std::move(list);
    }
    w->out.push_back(std::move(view));
    walk_servers(w);
  });
}

// Nova's statistics: totals over the hypervisors of enabled services.
json hypervisor_statistics(const std::vector<hypervisor_view>& all) {
  std::int64_t count = 0, vcpus = 0, vcpus_used = 0, memory = 0, memory_used = 0, disk = 0,
               disk_used = 0, running = 0;
  for (auto& h : all) {
    if (h.service.disabled)
      continue;
    count += 1;
    vcpus += h.node.vcpus;
    vcpus_used += h.usage.vcpus_used;
    memory += h.node.memory_mb;
    memory_used += h.usage.memory_mb_used;
    disk += h.node.local_gb;
    disk_used += h.usage.local_gb_used;
    running += h.usage.instances;
  }
  return {{"count", count},
          {"vcpus", vcpus},
          {"vcpus_used", vcpus_used},
          {"memory_mb", memory},
          {"memory_mb_used", memory_used},
          {"free_ram_mb", memory - memory_used},
          {"local_gb", disk},
          {"local_gb_used", disk_used},
          {"free_disk_gb", disk - disk_used},
          {"disk_available_least", disk - disk_used},
          {"current_workload", 0},
          {"running_vms", running}};
}

} // namespace

void add_hypervisor_routes(router& r, compute::compute_api& compute) {
  // From 2.53 the list takes ?hypervisor_hostname_pattern= (404 when none
  // matches) and ?with_servers=true, the earlier routes' jobs.
  auto list = [&compute](bool detail) {
    return [&compute, detail](const api_request& req, const params&, reply_fn reply) {
      auto pattern = req.version.at_least(2, 53) ? req.param("hypervisor_hostname_pattern") : "";
      auto with_servers = req.version.at_least(2, 53) && req.param("with_servers") == "true";
      compute.hypervisors([&compute, ctx = req.ctx, v = view_of(req), detail, pattern, with_servers,
                           reply = std::move(reply)](auto all) {
        auto shown = pattern.empty() ? all.value : matching(all.value, pattern);
        if (!pattern.empty() && shown.empty())
          return reply(no_hypervisor_matching(pattern));
        if (with_servers)
          return walk_servers(std::make_shared<servers_walk>(
            servers_walk{compute, ctx, v, detail, std::move(shown), json::array(), reply}));
        json out = json::array();
        for (auto& h : shown)
          out.push_back(detail ? hypervisor_detail(h, v) : hypervisor_brief(h, v));
        reply(json_response(200, {{"hypervisors", out}}));
      });
    };
  };
  // Before 2.53: the hypervisors a hostname pattern matches, with or
  // without their servers; from 2.53 these are the list's query.
  auto by_pattern = [&compute](bool with_servers) {
    return [&compute, with_servers](const api_request& req, const params& p, reply_fn reply) {
      if (req.version.at_least(2, 53))
        return reply(not_found("The resource could not be found."));
      compute.hypervisors([&compute, ctx = req.ctx, v = view_of(req), pattern = p[0], with_servers,
                           reply = std::move(reply)](auto all) {
        auto shown = matching(all.value, pattern);
        if (shown.empty())
          return reply(no_hypervisor_matching(pattern));
        if (with_servers)
          return walk_servers(std::make_shared<servers_walk>(
            servers_walk{compute, ctx, v, false, std::move(shown), json::array(), reply}));
        json out = json::array();
        for (auto& h : shown)
          out.push_back(hypervisor_brief(h, v));
        reply(json_response(200, {{"hypervisors", out}}));
      });
    };
  };
  r.add_async(
    "GET", "/v2.1/os-hypervisors/statistics",
    access::own("os_compute_api:os-hypervisors:statistics"),
    [&compute](const api_request& req, const params&, reply_fn reply) {
      if (req.version.at_least(2, 88)) // removed with the resource fields
        return reply(not_found("The resource could not be found."));
      compute.hypervisors([reply = std::move(reply)](auto all) {
        reply(json_response(200, {{"hypervisor_statistics", hypervisor_statistics(all.value)}}));
      });
    });
  r.add_async("GET", "/v2.1/os-hypervisors/{}/search",
              access::own("os_compute_api:os-hypervisors:search"), by_pattern(false));
  r.add_async("GET", "/v2.1/os-hypervisors/{}/servers",
              access::own("os_compute_api:os-hypervisors:servers"), by_pattern(true));
  r.add_async("GET", "/v2.1/os-hypervisors", access::own("os_compute_api:os-hypervisors:list"),
              list(false));
  r.add_async("GET", "/v2.1/os-hypervisors/detail",
              access::own("os_compute_api:os-hypervisors:list-detail"), list(true));
  r.add_async("GET", "/v2.1/os-hypervisors/{}", access::own("os_compute_api:os-hypervisors:show"),
              on_hypervisor(compute, hypervisor_detail));
  r.add_async("GET", "/v2.1/os-hypervisors/{}/uptime",
              access::own("os_compute_api:os-hypervisors:uptime"),
              on_hypervisor(compute, [](const hypervisor_view& h, const view_context& v) {
                auto out = hypervisor_brief(h, v);
                out["uptime"] = " 00:00:00 up 0 min,  0 users,  load average: 0.00, 0.00, 0.00";
                return out;
              }));
}

} // namespace nimbus::api
