// Nova's deprecated image proxy, /v2.1/images (up to microversion 2.35).
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "api/faults.h"
#include "api/glance_list.h"
#include "api/handlers/handlers.h"
#include "api/request_target.h"
#include "api/views/image_view.h"
#include "compute/image_catalog.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

std::string lowered(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Nova's proxy filters (images.py SUPPORTED_FILTERS) as Glance's list
// takes them: name, status (Glance's, lower-case), server (the
// instance_uuid property, from a uuid or a server URL), type (image_type),
// changes-since (updated_at), paging; minRam and minDisk as lower bounds.
std::optional<api_response> matching(compute::compute_api& compute, const api_request& req,
                                     glance_page* page) {
  std::multimap<std::string, std::string> glance;
  for (auto& [key, value] : req.query) {
    if (key == "name" || key == "limit" || key == "marker")
      glance.emplace(key, value);
    else if (key == "status")
      glance.emplace(key, lowered(value));
    else if (key == "server")
      glance.emplace("instance_uuid", value.substr(value.rfind('/') + 1));
    else if (key == "type")
      glance.emplace("image_type", value);
    else if (key == "changes-since")
      glance.emplace("updated_at", "gte:" + value);
  }
  if (!glance.count("limit"))
    glance.emplace("limit", "1000");
  if (auto refusal = list_images(compute.images_catalog().visible(req.ctx), glance, req.ctx, page))
    return bad_request(refusal->message);
  auto at_least = [&req](const std::string& key, std::int32_t value) {
    return !req.has_param(key) || value >= std::atoi(req.param(key).c_str());
  };
  auto& images = page->images;
  images.erase(std::remove_if(images.begin(), images.end(),
                              [&](const storage::image& i) {
                                return !at_least("minRam", i.min_ram)
                                       || !at_least("minDisk", i.min_disk);
                              }),
               images.end());
  return std::nullopt;
}

bool proxy_gone(const api_request& req) { return req.version.at_least(2, 36); }

} // namespace

void add_image_routes(router& r, compute::compute_api& compute) {
  add_image_metadata_routes(r, compute);
  auto list = [&compute](bool detail) {
    return [&compute, detail](const api_request& req, const params&) {
      if (proxy_gone(req))
        return not_found("The resource could not be found.");
      glance_page page;
      if (auto refusal = matching(compute, req, &page))
        return *refusal;
      json images = json::array();
      for (auto& i : page.images)
        images.push_back(detail ? nova_image_detail(i, req.base_url)
                                : nova_image_brief(i, req.base_url));
      json out = {{"images", images}};
      if (req.has_param("limit") && page.more && !page.images.empty()) {
        auto rest = query_string(req.query, {"marker"});
        out["images_links"] =
          json::array({{{"rel", "next"},
                        {"href", req.base_url + "/v2.1/images" + (detail ? "/detail" : "") + "?"
                                   + rest + "&marker=" + percent_encode(page.images.back().id)}}});
      }
      return json_response(200, out);
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

} // namespace nimbus::api
