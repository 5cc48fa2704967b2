// The network service's documents: versions (GET /), the v2.0 resources
// (GET /v2.0) and the extensions Nimbus serves (clients check these
// aliases before using an attribute or a resource).
#include "api/handlers/neutron_common.h"
#include "api/neutron_list.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

struct extension {
  const char* alias;
  const char* name;
  const char* description;
};

// Only what is served: a client that finds an alias uses what it names.
const extension served[] = {
  {"security-group", "security-group", "The security groups extension."},
  {"provider", "Provider Network", "Expose mapping of virtual networks to physical networks"},
  {"external-net", "Neutron external network",
   "Adds external network attribute to network "
   "resource."},
  {"port-security", "Port Security", "Provides port security"},
  {"binding", "Port Binding", "Expose port bindings of a virtual port to external application"},
  {"network-mtu", "Network MTU", "Provides MTU attribute for a network resource."},
  {"project-id", "project_id field enabled",
   "Extension that indicates that project_id field "
   "is enabled."},
  {"standard-attr-description", "standard-attr-description",
   "Extension to add descriptions to standard attributes"},
  {"standard-attr-revisions", "Resource revision numbers",
   "This extension will display the revision number of neutron resources."},
  {"standard-attr-timestamp", "Resource timestamps",
   "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard "
   "attributes."},
  {"availability_zone", "Availability Zone", "The availability zone extension."},
  {"quotas", "Quota management support", "Expose functions for quotas management per tenant"},
  {"quota_details", "Quota details management support",
   "Expose functions for quotas usage statistics per project"},
  {"pagination", "Pagination support", "Extension that indicates that pagination is enabled."},
  {"sorting", "Sorting support", "Extension that indicates that sorting is enabled."},
};

json extension_view(const extension& e) {
  return {{"alias", e.alias},
          {"name", e.name},
          {"description", e.description},
          {"updated", "2013-01-01T10:00:00-00:00"},
          {"links", json::array()}};
}

} // namespace

void add_neutron_meta_routes(router& r) {
  r.add("GET", "/", access::open(), [](const api_request& req, const params&) {
    return neutron_json(
      200, {{"versions", json::array({{{"id", "v2.0"},
                                       {"status", "CURRENT"},
                                       {"links", json::array({{{"href", req.base_url + "/v2.0/"},
                                                               {"rel", "self"}}})}}})}});
  });
  r.add("GET", "/v2.0", access::open(), [](const api_request& req, const params&) {
    json resources = json::array();
    for (auto [name, collection] :
         {std::pair{"network", "networks"}, std::pair{"subnet", "subnets"},
          std::pair{"port", "ports"}, std::pair{"security_group", "security-groups"},
          std::pair{"security_group_rule", "security-group-rules"},
          std::pair{"floatingip", "floatingips"}})
      resources.push_back({{"name", name},
                           {"collection", collection},
                           {"links", json::array({{{"href", req.base_url + "/v2.0/" + collection},
                                                   {"rel", "self"}}})}});
    return neutron_json(200, {{"resources", resources}});
  });
  // One zone: the compute service's default (network resources have no
  // zone hints here).
  r.add("GET", "/v2.0/availability_zones", access::open(),
        [](const api_request& req, const params&) {
          json zones = json::array();
          for (auto resource : {"network", "router"})
            zones.push_back({{"name", "nova"}, {"resource", resource}, {"state", "available"}});
          return neutron_json(
            200, neutron_list(req, zones, "availability_zones", "/v2.0/availability_zones"));
        });
  r.add("GET", "/v2.0/extensions", access::open(), [](const api_request&, const params&) {
    json list = json::array();
    for (auto& e : served)
      list.push_back(extension_view(e));
    return neutron_json(200, {{"extensions", list}});
  });
  r.add("GET", "/v2.0/extensions/{}", access::open(), [](const api_request&, const params& p) {
    for (auto& e : served)
      if (p[0] == e.alias)
        return neutron_json(200, {{"extension", extension_view(e)}});
    return neutron_error(404, "HTTPNotFound", "Extension with alias " + p[0] + " does not exist");
  });
}

} // namespace nimbus::api
