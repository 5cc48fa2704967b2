// /v2.1/os-hosts (Nova's deprecated hosts controller, up to 2.42; admins):
// the hosts of the compute and control services, one compute host's
// resources, and the host updates and power actions the libvirt driver does
// not implement (501 once the host is known).
#include <cctype>

#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

bool removed(const api_request& req) { return req.version.at_least(2, 43); }

api_response gone() { return not_found("The resource could not be found."); }

std::string host_not_found(const std::string& host) {
  return "Compute host " + host + " could not be found.";
}

json resource(const std::string& host, const std::string& project, std::int64_t cpu,
              std::int64_t memory_mb, std::int64_t disk_gb) {
  return {{"resource",
           {{"host", host},
            {"project", project},
            {"cpu", cpu},
            {"memory_mb", memory_mb},
            {"disk_gb", disk_gb}}}};
}

// PUT's body: status (enable / disable) and / or maintenance_mode.
std::optional<api_response> read_update(const api_request& req) {
  auto body = parse_body(req.body);
  if (!body)
    return malformed_body();
  if (!body->is_object())
    return bad_request(python_repr(*body) + " is not of type 'object'");
  if (body->empty())
    return bad_request(python_repr(*body) + " does not have enough properties");
  for (auto& [key, value] : body->items()) {
    if (key != "status" && key != "maintenance_mode")
      return bad_request(unexpected_property(key));
    std::string word = value.is_string() ? value.get<std::string>() : "";
    for (auto& c : word)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (word != "enable" && word != "disable") // Nova's enum takes any case of them
      return bad_request(
        invalid_input(key, value, python_repr(value) + " is not one of ['enable', 'disable']"));
  }
  return std::nullopt;
}

// Answers `then(host)` for a compute host the cells know, 404 otherwise.
template <class Then>
void on_compute_host(compute::compute_api& compute, const std::string& host, reply_fn reply,
                     Then then) {
  compute.hypervisors([host, then, reply = std::move(reply)](auto all) {
    for (auto& h : all.value)
      if (h.node.host == host)
        return reply(then(h));
    reply(not_found(host_not_found(host)));
  });
}

} // namespace

void add_os_host_routes(router& r, compute::compute_api& compute) {
  r.add_async("GET", "/v2.1/os-hosts", access::own("os_compute_api:os-hosts:list"),
              [&](const api_request& req, const params&, reply_fn reply) {
                if (removed(req))
                  return reply(gone());
                // ?zone= keeps that zone's hosts; empty, every host.
                auto wanted = req.param("zone");
                auto add = [wanted](json& hosts, const std::string& host,
                                    const std::string& service, const std::string& zone) {
                  if (wanted.empty() || zone == wanted)
                    hosts.push_back({{"host_name", host}, {"service", service}, {"zone", zone}});
                };
                json hosts = json::array();
                for (auto& c : compute.control_services())
                  add(hosts, c.host, c.binary.substr(c.binary.find('-') + 1), "internal");
                compute.services([add, hosts, reply = std::move(reply)](auto services) mutable {
                  for (auto& s : services.value)
                    add(hosts, s.service.host, "compute", s.service.zone);
                  reply(json_response(200, {{"hosts", hosts}}));
                });
              });
  r.add_async(
    "GET", "/v2.1/os-hosts/{}", access::own("os_compute_api:os-hosts:show"),
    [&](const api_request& req, const params& p, reply_fn reply) {
      if (removed(req))
        return reply(gone());
      on_compute_host(compute, p[0], std::move(reply), [](const hypervisor_view& h) {
        auto& n = h.node;
        auto& u = h.usage;
        json rows = json::array(
          {resource(n.host, "(total)", n.vcpus, n.memory_mb, n.local_gb),
           resource(n.host, "(used_now)", u.vcpus_used, u.memory_mb_used, u.local_gb_used),
           resource(n.host, "(used_max)", u.vcpus_used, u.memory_mb_used, u.local_gb_used)});
        return json_response(200, {{"host", rows}});
      });
    });
  r.add_async("PUT", "/v2.1/os-hosts/{}", access::own("os_compute_api:os-hosts:update"),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (removed(req))
                  return reply(gone());
                if (auto bad = read_update(req))
                  return reply(*bad);
                on_compute_host(compute, p[0], std::move(reply), [](const hypervisor_view&) {
                  return fault_response(501, "Virt driver does not implement host disabled "
                                             "status or maintenance mode.");
                });
              });
  for (auto [action, rule] : {std::pair{"reboot", "os_compute_api:os-hosts:reboot"},
                              std::pair{"shutdown", "os_compute_api:os-hosts:shutdown"},
                              std::pair{"startup", "os_compute_api:os-hosts:start"}})
    r.add_async("GET", std::string("/v2.1/os-hosts/{}/") + action, access::own(rule),
                [&](const api_request& req, const params& p, reply_fn reply) {
                  if (removed(req))
                    return reply(gone());
                  on_compute_host(compute, p[0], std::move(reply), [](const hypervisor_view&) {
                    return fault_response(501,
                                          "Virt driver does not implement host power management.");
                  });
                });
}

} // namespace nimbus::api
