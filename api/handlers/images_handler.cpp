// Nova's deprecated image proxy, /v2.1/images (up to microversion 2.35), and
// the Glance v2 subset clients use to resolve images (on its own port).
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
    for (auto& i : matching(compute, req))
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
