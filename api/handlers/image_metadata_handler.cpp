// Nova's deprecated image metadata proxy, /v2.1/images/{id}/metadata (up to
// microversion 2.38): an image's extra properties, read and changed as
// Glance would change them for the caller (the owner, or an admin).
#include "api/handlers/handlers.h"
#include "api/handlers/metadata_bodies.h"
#include "compute/image_catalog.h"

namespace nimbus::api {
namespace {

using nlohmann::json;
using properties = std::map<std::string, std::string>;

bool proxy_gone(const api_request& req) { return req.version.at_least(2, 39); }

api_response gone() { return not_found("The resource could not be found."); }

// Nova's faults for what Glance refused.
api_response proxied(const compute::fault& f) {
  if (f.kind == compute::fault_kind::not_found && f.message.rfind("No image found", 0) == 0)
    return not_found("Image not found.");
  return fault_response(f);
}

// Changes the properties with `edit` within the caller's metadata_items
// limit, and answers with `render` of them as changed.
template <class Edit, class Render>
api_response change(compute::compute_api& compute, const api_request& req, const std::string& id,
                    Edit edit, Render render) {
  auto limit = compute.metadata_limit(req.ctx);
  auto changed = compute.images_catalog().change(
    req.ctx, id, [&](storage::image& i) -> std::optional<compute::fault> {
      if (auto refusal = edit(i.properties))
        return refusal;
      if (limit >= 0 && static_cast<std::int64_t>(i.properties.size()) > limit)
        return compute::fault{compute::fault_kind::forbidden, "Image metadata limit exceeded"};
      return std::nullopt;
    });
  if (!changed.ok())
    return proxied(*changed.error);
  return render(changed.value.properties);
}

} // namespace

void add_image_metadata_routes(router& r, compute::compute_api& compute) {
  auto all = [](const properties& p) {
    return json_response(200, {{"metadata", metadata_json(p)}});
  };
  r.add("GET", "/v2.1/images/{}/metadata", access::open(),
        [&compute, all](const api_request& req, const params& p) {
          if (proxy_gone(req))
            return gone();
          auto i = compute.image(req.ctx, p[0]);
          return i ? all(i->properties) : not_found("Image not found.");
        });
  for (auto [method, replace] : {std::pair{"POST", false}, {"PUT", true}})
    r.add(method, "/v2.1/images/{}/metadata", access::open(),
          [&compute, all, replace = replace](const api_request& req, const params& p) {
            if (proxy_gone(req))
              return gone();
            properties given;
            if (auto refusal = read_metadata(req, &given))
              return *refusal;
            return change(
              compute, req, p[0],
              [&](properties& props) -> std::optional<compute::fault> {
                if (replace)
                  props.clear();
                for (auto& [k, v] : given)
                  props[k] = v;
                return std::nullopt;
              },
              all);
          });
  r.add("GET", "/v2.1/images/{}/metadata/{}", access::open(),
        [&compute](const api_request& req, const params& p) {
          if (proxy_gone(req))
            return gone();
          auto i = compute.image(req.ctx, p[0]);
          if (!i)
            return not_found("Image not found.");
          auto it = i->properties.find(p[1]);
          if (it == i->properties.end())
            return not_found("The resource could not be found.");
          return json_response(200, {{"meta", {{it->first, it->second}}}});
        });
  r.add("PUT", "/v2.1/images/{}/metadata/{}", access::open(),
        [&compute](const api_request& req, const params& p) {
          if (proxy_gone(req))
            return gone();
          std::string value;
          if (auto refusal = read_meta(req, p[1], &value))
            return *refusal;
          return change(
            compute, req, p[0],
            [&](properties& props) -> std::optional<compute::fault> {
              props[p[1]] = value;
              return std::nullopt;
            },
            [&](const properties&) {
              return json_response(200, {{"meta", {{p[1], value}}}});
            });
        });
  r.add("DELETE", "/v2.1/images/{}/metadata/{}", access::open(),
        [&compute](const api_request& req, const params& p) {
          if (proxy_gone(req))
            return gone();
          return change(
            compute, req, p[0],
            [&](properties& props) -> std::optional<compute::fault> {
              if (!props.erase(p[1]))
                return compute::fault{compute::fault_kind::not_found, "Invalid metadata key"};
              return std::nullopt;
            },
            [](const properties&) {
              return api_response{204, "", {}};
            });
        });
}

} // namespace nimbus::api
