// GET / and GET /v2.1: the version documents clients discover microversions from.
#include "api/handlers/handlers.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

json v21(const std::string& base) {
  return {{"id", "v2.1"},
          {"status", "CURRENT"},
          {"version", max_version.text()},
          {"min_version", min_version.text()},
          {"updated", "2013-07-23T11:33:21Z"},
          {"links", json::array({{{"rel", "self"}, {"href", base + "/v2.1/"}},
                                 {{"rel", "describedby"},
                                  {"type", "text/html"},
                                  {"href", "http://docs.openstack.org/"}}})},
          {"media-types",
           json::array({{{"base", "application/json"},
                         {"type", "application/vnd.openstack.compute+json;version=2.1"}}})}};
}

} // namespace

void add_version_routes(router& r) {
  r.add("GET", "/", access::open(), [](const api_request& req, const params&) {
    json v20 = {{"id", "v2.0"},
                {"status", "SUPPORTED"},
                {"version", ""},
                {"min_version", ""},
                {"updated", "2011-01-21T11:33:21Z"},
                {"links", json::array({{{"rel", "self"}, {"href", req.base_url + "/v2/"}}})}};
    auto cur = v21(req.base_url);
    cur.erase("media-types");
    cur["links"] = json::array({{{"rel", "self"}, {"href", req.base_url + "/v2.1/"}}});
    return json_response(200, {{"versions", json::array({v20, cur})}});
  });
  r.add("GET", "/v2.1", access::open(), [](const api_request& req, const params&) {
    return json_response(200, {{"version", v21(req.base_url)}});
  });
}

} // namespace nimbus::api
