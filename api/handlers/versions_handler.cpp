// GET /, GET /v2 and GET /v2.1: the version documents clients discover
// microversions from (and that tempest follows link by link).
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

// The legacy v2.0 API's document: Nimbus serves only this of it.
json v20(const std::string& base) {
  return {
    {"id", "v2.0"},
    {"status", "SUPPORTED"},
    {"version", ""},
    {"min_version", ""},
    {"updated", "2011-01-21T11:33:21Z"},
    {"links",
     json::array(
       {{{"rel", "self"}, {"href", base + "/v2/"}},
        {{"rel", "describedby"}, {"type", "text/html"}, {"href", "http://docs.openstack.org/"}}})},
    {"media-types", json::array({{{"base", "application/json"},
                                  {"type", "application/vnd.openstack.compute+json;version=2"}}})}};
}

} // namespace

void add_version_routes(router& r) {
  r.add("GET", "/", access::open(), [](const api_request& req, const params&) {
    // As listed: the self link only, no media types.
    auto listed = [](json v) {
      v.erase("media-types");
      auto self = v["links"][0];
      v["links"] = json::array({self});
      return v;
    };
    return json_response(
      200, {{"versions", json::array({listed(v20(req.base_url)), listed(v21(req.base_url))})}});
  });
  r.add("GET", "/v2", access::open(), [](const api_request& req, const params&) {
    return json_response(200, {{"version", v20(req.base_url)}});
  });
  r.add("GET", "/v2.1", access::open(), [](const api_request& req, const params&) {
    return json_response(200, {{"version", v21(req.base_url)}});
  });
}

} // namespace nimbus::api
