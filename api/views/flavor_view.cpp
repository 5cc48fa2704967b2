#include "api/views/flavor_view.h"

#include "api/formats.h"

namespace nimbus::api {

using nlohmann::json;

json flavor_brief(const storage::flavor& f, const view_context& v) {
  json out = {{"id", f.id}, {"name", f.name}, {"links", self_links(v.base_url, "flavors", f.id)}};
  if (v.version.at_least(2, 55))
    out["description"] = string_or_null(f.description);
  return out;
}

json flavor_detail(const storage::flavor& f, const view_context& v) {
  json out = flavor_brief(f, v);
  out["ram"] = f.memory_mb;
  out["disk"] = f.root_gb;
  // Below 2.75 a swap of 0 shows as "".
  out["swap"] = f.swap_mb == 0 && !v.version.at_least(2, 75) ? json("") : json(f.swap_mb);
  out["OS-FLV-EXT-DATA:ephemeral"] = f.ephemeral_gb;
  out["OS-FLV-DISABLED:disabled"] = f.disabled;
  out["vcpus"] = f.vcpus;
  out["os-flavor-access:is_public"] = f.is_public;
  out["rxtx_factor"] = f.rxtx_factor;
  if (v.version.at_least(2, 61)) {
    json extra = json::object();
    for (auto& [k, val] : f.extra_specs)
      extra[k] = val;
    out["extra_specs"] = extra;
  }
  return out;
}

} // namespace nimbus::api
