// /v2.1/flavors: list, detail, show, extra specs.
#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/views/flavor_view.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

// ?is_public: absent or true -> public only for non-admins; "None" -> all.
bool listed(const storage::flavor& f, const api_request& req) {
  auto p = req.param("is_public");
  if (p == "None" || p == "none")
    return true;
  if (p == "false" || p == "False" || p == "0")
    return !f.is_public;
  return f.is_public || req.ctx.is_admin;
}

std::optional<storage::flavor> find(compute::compute_api& compute, const std::string& id) {
  return compute.flavor(id);
}

} // namespace

void add_flavor_routes(router& r, compute::compute_api& compute) {
  auto list = [&compute](bool detail) {
    return [&compute, detail](const api_request& req, const params&) {
      json flavors = json::array();
      auto v = view_of(req);
      for (auto& f : compute.flavors())
        if (listed(f, req))
          flavors.push_back(detail ? flavor_detail(f, v) : flavor_brief(f, v));
      return json_response(200, {{"flavors", flavors}});
    };
  };
  r.add("GET", "/v2.1/flavors", access::open(), list(false));
  r.add("GET", "/v2.1/flavors/detail", access::open(), list(true));
  r.add("GET", "/v2.1/flavors/{}", access::open(), [&](const api_request& req, const params& p) {
    auto f = find(compute, p[0]);
    if (!f)
      return not_found("Flavor " + p[0] + " could not be found.");
    return json_response(200, {{"flavor", flavor_detail(*f, view_of(req))}});
  });
  r.add("GET", "/v2.1/flavors/{}/os-extra_specs",
        access::own("os_compute_api:os-flavor-extra-specs:index"),
        [&](const api_request&, const params& p) {
          auto f = find(compute, p[0]);
          if (!f)
            return not_found("Flavor " + p[0] + " could not be found.");
          json specs = json::object();
          for (auto& [k, v] : f->extra_specs)
            specs[k] = v;
          return json_response(200, {{"extra_specs", specs}});
        });
}

} // namespace nimbus::api
