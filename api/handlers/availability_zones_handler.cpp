// /v2.1/os-availability-zone and /detail (Nova's availability_zone
// controller): the zones of the compute services, available while one of
// their services is enabled; the detail (admins) with each zone's hosts and
// services, and the control services' "internal" zone.
#include <map>
#include <set>

#include "api/formats.h"
#include "api/handlers/handlers.h"
#include "storage/clock.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

struct zone {
  bool available = false; // one of its compute services is enabled
  json hosts = json::object();
};

json service_state(bool up, bool enabled, std::int64_t updated_us) {
  return {{"available", up}, {"active", enabled}, {"updated_at", iso_micros_or_null(updated_us)}};
}

json zone_list(const std::map<std::string, zone>& zones, bool detail) {
  json out = json::array();
  for (bool available : {true, false}) // Nova lists the available zones first
    for (auto& [name, z] : zones)
      if (z.available == available)
        out.push_back({{"zoneName", name},
                       {"zoneState", {{"available", available}}},
                       {"hosts", detail && available ? z.hosts : json(nullptr)}});
  return out;
}

} // namespace

void add_availability_zone_routes(router& r, compute::compute_api& compute) {
  auto zones_of = [&compute](bool detail) {
    return [&compute, detail](const api_request&, const params&, reply_fn reply) {
      compute.services([&compute, detail, reply = std::move(reply)](auto services) {
        std::map<std::string, zone> zones;
        for (auto& s : services.value) {
          auto& z = zones[s.service.zone];
          z.available = z.available || !s.service.disabled;
          if (!s.service.disabled)
            z.hosts[s.service.host][s.service.binary] =
              service_state(s.up, true, s.service.updated_us);
        }
        if (detail) {
          auto& internal = zones["internal"];
          internal.available = true;
          auto now = storage::now_us(); // they answer with this API
          for (auto& c : compute.control_services())
            internal.hosts[c.host][c.binary] = service_state(true, true, now);
        }
        reply(json_response(200, {{"availabilityZoneInfo", zone_list(zones, detail)}}));
      });
    };
  };
  r.add_async("GET", "/v2.1/os-availability-zone",
              access::own("os_compute_api:os-availability-zone:list"), zones_of(false));
  r.add_async("GET", "/v2.1/os-availability-zone/detail",
              access::own("os_compute_api:os-availability-zone:detail"), zones_of(true));
}

} // namespace nimbus::api
