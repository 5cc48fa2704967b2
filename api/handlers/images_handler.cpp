// Nova's deprecated image proxy, /v2.1/images (up to microversion 2.35), and
// the Glance v2 subset clients use to resolve images (on its own port).
#include <algorithm>
#include <set>

#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/views/image_view.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

std::vector<storage::image> matching(compute::compute_api& compute, const api_request& req) {
  std::vector<storage::image> out;
  for (auto& i : compute.images(req.ctx))
    if (!req.has_param("name") || i.name == req.param("name"))
      out.push_back(i);
  return out;
}

bool proxy_gone(const api_request& req) { return req.version.at_least(2, 36); }

// Glance v2's list: ?name= and ?status=, any other parameter but paging and
// sorting names a property that must have that value (properties are
// flattened in v2); sorted by sort_key (created_at, name, updated_at) and
// sort_dir, newest first by default.
std::vector<storage::image> glance_matching(compute::compute_api& compute, const api_request& req) {
  static const std::set<std::string> not_properties{
    "name", "status",     "limit", "marker",        "sort_key", "sort_dir",
    "sort", "visibility", "owner", "member_status", "tag",      "os_hidden"};
  std::vector<storage::image> out;
  for (auto& i : matching(compute, req)) {
    if (req.has_param("status") && i.status != req.param("status"))
      continue;
    bool keep = true;
    for (auto& [key, value] : req.query) {
      if (not_properties.count(key))
        continue;
      auto it = i.properties.find(key);
      keep = keep && it != i.properties.end() && it->second == value;
    }
    if (keep)
      out.push_back(i);
  }
  auto key = req.has_param("sort_key") ? req.param("sort_key") : std::string("created_at");
  bool ascending = req.param("sort_dir") == "asc";
  std::stable_sort(out.begin(), out.end(), [&](const storage::image& a, const storage::image& b) {
    if (key == "name" && a.name != b.name)
      return ascending ? a.name < b.name : a.name > b.name;
    auto at = key == "updated_at" ? a.updated_us : a.created_us;
    auto bt = key == "updated_at" ? b.updated_us : b.created_us;
    if (at != bt)
      return ascending ? at < bt : at > bt;
    return ascending ? a.id < b.id : a.id > b.id;
  });
  return out;
}

} // namespace

void add_image_routes(router& r, compute::compute_api& compute) {
  auto list = [&compute](bool detail) {
    return [&compute, detail](const api_request& req, const params&) {
      if (proxy_gone(req))
        return not_found("The resource could not be found.");
      json images = json::array();
      for (auto& i : matching(compute, req))
        images.push_back(detail ? nova_image_detail(i, req.base_url)
                                : nova_image_brief(i, req.base_url));
      return json_response(200, {{"images", images}});
    };
  };
  r.add("GET", "/v2.1/images", access::open(), list(false));
  r.add("GET", "/v2.1/images/detail", access::open(), list(true));
  r.add("GET", "/v2.1/images/{}", access::open(), [&](const api_request& req, const params& p) {
    if (proxy_gone(req))
      return not_found("The resource could not be found.");
    auto i = compute.image(req.ctx, p[0]);
    if (!i)
      return not_found("Image not found.");
    return json_response(200, {{"image", nova_image_detail(*i, req.base_url)}});
  });
  // As the proxy forwards a delete to Glance: the owner's or an admin's, 204.
  r.add_async("DELETE", "/v2.1/images/{}", access::open(),
              [&](const api_request& req, const params& p, reply_fn reply) {
                if (proxy_gone(req))
                  return reply(not_found("The resource could not be found."));
                compute.delete_image(req.ctx, p[0], [reply = std::move(reply)](auto result) {
                  reply(result.ok() ? api_response{204, "", {}} : fault_response(*result.error));
                });
              });
}

void add_glance_routes(router& r, compute::compute_api& compute) {
  r.add("GET", "/", access::open(), [](const api_request& req, const params&) {
    json v = {{"id", "v2.16"},
              {"status", "CURRENT"},
              {"links", json::array({{{"rel", "self"}, {"href", req.base_url + "/v2/"}}})}};
    return json_response(300, {{"versions", json::array({v})}});
  });
  r.add("GET", "/v2/images", access::open(), [&](const api_request& req, const params&) {
    json images = json::array();
    for (auto& i : glance_matching(compute, req))
      images.push_back(glance_image(i));
    return json_response(
      200, {{"images", images}, {"first", "/v2/images"}, {"schema", "/v2/schemas/images"}});
  });
  r.add("GET", "/v2/images/{}", access::open(), [&](const api_request& req, const params& p) {
    auto i = compute.image(req.ctx, p[0]);
    if (!i)
      return not_found("No image found with ID " + p[0]);
    return json_response(200, glance_image(*i));
  });
  r.add_async("DELETE", "/v2/images/{}", access::open(),
              [&](const api_request& req, const params& p, reply_fn reply) {
                compute.delete_image(req.ctx, p[0], [reply = std::move(reply)](auto result) {
                  reply(result.ok() ? api_response{204, "", {}} : fault_response(*result.error));
                });
              });
}

} // namespace nimbus::api
