// /v2.1/os-hypervisors and /v2.1/os-services (admin only).
#include "api/faults.h"
#include "api/handlers/handlers.h"
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

} // namespace

void add_hypervisor_routes(router& r, compute::compute_api& compute) {
  auto list = [&compute](bool detail) {
    return [&compute, detail](const api_request& req, const params&, reply_fn reply) {
      compute.hypervisors([v = view_of(req), detail, reply = std::move(reply)](auto all) {
        json out = json::array();
        for (auto& h : all.value)
          out.push_back(detail ? hypervisor_detail(h, v) : hypervisor_brief(h, v));
        reply(json_response(200, {{"hypervisors", out}}));
      });
    };
  };
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

void add_service_routes(router& r, compute::compute_api& compute) {
  r.add_async(
    "GET", "/v2.1/os-services", access::own("os_compute_api:os-services:list"),
    [&](const api_request& req, const params&, reply_fn reply) {
      auto binary = req.param("binary"), host = req.param("host");
      auto keep = [binary, host](const std::string& b, const std::string& h) {
        return (binary.empty() || b == binary) && (host.empty() || h == host);
      };
      // What the API cell knows itself, before the cells answer.
      json out = json::array();
      auto v = view_of(req);
      std::int32_t id = 1;
      auto now = storage::now_us();
      for (auto& c : compute.control_services())
        if (keep(c.binary, c.host))
          out.push_back(control_service_json(c, 1000 + id++, now, v));
      auto unknown = compute.unknown_services(req.ctx); // 2.69: services of down cells
      compute.services([v, keep, out, unknown, reply = std::move(reply)](auto services) mutable {
        for (auto& s : services.value)
          if (keep(s.service.binary, s.service.host))
            out.push_back(compute_service(s, v));
        for (auto& s : unknown)
          if (keep(s.binary, s.host))
            out.push_back({{"binary", s.binary}, {"host", s.host}, {"status", "UNKNOWN"}});
        reply(json_response(200, {{"services", out}}));
      });
    });
}

} // namespace nimbus::api
