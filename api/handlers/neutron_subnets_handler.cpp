// /v2.0/subnets: list, show, create, update, delete.
#include "api/handlers/neutron_common.h"
#include "api/neutron_list.h"
#include "api/views/network_views.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::set<std::string> subnet_attributes = {"name",
                                                 "description",
                                                 "network_id",
                                                 "ip_version",
                                                 "cidr",
                                                 "gateway_ip",
                                                 "allocation_pools",
                                                 "dns_nameservers",
                                                 "host_routes",
                                                 "enable_dhcp",
                                                 "ipv6_ra_mode",
                                                 "ipv6_address_mode",
                                                 "tenant_id",
                                                 "project_id",
                                                 "subnetpool_id",
                                                 "prefixlen",
                                                 "service_types",
                                                 "use_default_subnetpool",
                                                 "segment_id",
                                                 "dns_publish_fixed_ip"};

// [{"start": a, "end": b}, ...]
std::optional<std::vector<storage::allocation_pool>> pools_attr(const json& body,
                                                                api_response* bad) {
  if (!body.contains("allocation_pools") || body["allocation_pools"].is_null())
    return std::nullopt;
  auto& v = body["allocation_pools"];
  std::vector<storage::allocation_pool> out;
  if (v.is_array())
    for (auto& p : v) {
      if (!p.is_object() || !p.contains("start") || !p.contains("end") || !p["start"].is_string()
          || !p["end"].is_string())
        break;
      out.push_back({p["start"].get<std::string>(), p["end"].get<std::string>()});
    }
  if (!v.is_array() || out.size() != v.size()) {
    *bad = neutron_error(400, "HTTPBadRequest",
                         "Invalid input for allocation_pools. Reason: Invalid data format for IP "
                         "pool: '"
                           + v.dump() + "'.");
    return std::nullopt;
  }
  return out;
}

std::optional<std::vector<storage::host_route>> routes_attr(const json& body, api_response* bad) {
  if (!body.contains("host_routes") || body["host_routes"].is_null())
    return std::nullopt;
  auto& v = body["host_routes"];
  std::vector<storage::host_route> out;
  if (v.is_array())
    for (auto& r : v) {
      if (!r.is_object() || !r.contains("destination") || !r.contains("nexthop")
          || !r["destination"].is_string() || !r["nexthop"].is_string())
        break;
      out.push_back({r["destination"].get<std::string>(), r["nexthop"].get<std::string>()});
    }
  if (!v.is_array() || out.size() != v.size()) {
    *bad = neutron_error(400, "HTTPBadRequest",
                         "Invalid input for host_routes. Reason: Invalid data format for "
                         "hostroute: '"
                           + v.dump() + "'.");
    return std::nullopt;
  }
  return out;
}

api_response create(network::network_book& book, const api_request& req) {
  api_response bad{0, "", {}};
  auto body = resource_body(req, "subnet", subnet_attributes, {}, "create_subnet", &bad);
  if (!body)
    return bad;
  storage::subnet s;
  auto network_id = string_attr(*body, "network_id", &bad);
  auto version = int_attr(*body, "ip_version", &bad);
  auto cidr = string_attr(*body, "cidr", &bad);
  if (refused(bad))
    return bad;
  if (!network_id || network_id->empty())
    return neutron_error(400, "HTTPBadRequest",
                         "Failed to parse request. Required attribute "
                         "'network_id' not specified");
  if (!version || (*version != 4 && *version != 6))
    return neutron_error(400, "HTTPBadRequest",
                         version ? "Invalid input for ip_version. Reason: "
                                     + std::to_string(*version) + " is not in [4, 6]."
                                 : std::string{"Failed to parse request. Required attribute "
                                               "'ip_version' not specified"});
  if (!cidr)
    return neutron_error(400, "BadRequest",
                         "Bad subnets request: A cidr must be specified in "
                         "the absence of a subnet pool.");
  s.network_id = *network_id;
  s.ip_version = *version;
  s.cidr = *cidr;
  std::optional<std::string> gateway;
  if (body->contains("gateway_ip"))
    gateway = (*body)["gateway_ip"].is_null() ? std::string{}
                                              : string_attr(*body, "gateway_ip", &bad).value_or("");
  if (auto v = string_attr(*body, "name", &bad))
    s.name = *v;
  if (auto v = string_attr(*body, "description", &bad))
    s.description = *v;
  if (auto v = bool_attr(*body, "enable_dhcp", &bad))
    s.enable_dhcp = *v;
  if (auto v = strings_attr(*body, "dns_nameservers", &bad))
    s.dns_nameservers = *v;
  if (auto v = pools_attr(*body, &bad))
    s.allocation_pools = *v;
  if (auto v = routes_attr(*body, &bad))
    s.host_routes = *v;
  if (auto v = string_attr(*body, "ipv6_ra_mode", &bad))
    s.ipv6_ra_mode = *v;
  if (auto v = string_attr(*body, "ipv6_address_mode", &bad))
    s.ipv6_address_mode = *v;
  for (auto key : {"project_id", "tenant_id"})
    if (auto v = string_attr(*body, key, &bad)) {
      if (!req.ctx.is_admin && *v != req.ctx.project_id)
        return neutron_error(403, "PolicyNotAuthorized",
                             "rule:create_subnet is disallowed by policy");
      s.project_id = *v;
    }
  if (refused(bad))
    return bad;
  auto made = book.create_subnet(caller_of(req), std::move(s), gateway);
  return neutron_answer(made, 201, "subnet", subnet_view);
}

api_response update(network::network_book& book, const api_request& req, const std::string& id) {
  api_response bad{0, "", {}};
  auto body = resource_body(req, "subnet", subnet_attributes, {}, "update_subnet", &bad);
  if (!body)
    return bad;
  for (auto key : {"network_id", "ip_version", "cidr", "tenant_id", "project_id"})
    if (body->contains(key))
      return neutron_error(400, "HTTPBadRequest",
                           std::string{"Cannot update read-only attribute "} + key);
  network::subnet_change c;
  c.name = string_attr(*body, "name", &bad);
  c.description = string_attr(*body, "description", &bad);
  c.enable_dhcp = bool_attr(*body, "enable_dhcp", &bad);
  c.dns_nameservers = strings_attr(*body, "dns_nameservers", &bad);
  c.host_routes = routes_attr(*body, &bad);
  c.allocation_pools = pools_attr(*body, &bad);
  if (body->contains("gateway_ip")) {
    auto& g = (*body)["gateway_ip"];
    c.gateway_ip =
      g.is_null() ? std::optional<std::string>{} : string_attr(*body, "gateway_ip", &bad);
  }
  if (refused(bad))
    return bad;
  auto changed = book.update_subnet(caller_of(req), id, c);
  return neutron_answer(changed, 200, "subnet", subnet_view);
}

} // namespace

void add_neutron_subnet_routes(router& r, network::network_book& book) {
  r.add("GET", "/v2.0/subnets", access::open(), [&book](const api_request& req, const params&) {
    json items = json::array();
    for (auto& s : book.subnets(caller_of(req)))
      items.push_back(subnet_view(s));
    return neutron_json(200, neutron_list(req, std::move(items), "subnets", "/v2.0/subnets"));
  });
  r.add("GET", "/v2.0/subnets/{}", access::open(),
        [&book](const api_request& req, const params& p) {
          auto s = book.subnet(caller_of(req), p[0]);
          if (!s.ok())
            return neutron_error(s.error);
          return neutron_json(200, {{"subnet", neutron_fields(req, subnet_view(*s.value))}});
        });
  r.add("POST", "/v2.0/subnets", access::open(),
        [&book](const api_request& req, const params&) { return create(book, req); });
  r.add("PUT", "/v2.0/subnets/{}", access::open(),
        [&book](const api_request& req, const params& p) { return update(book, req, p[0]); });
  r.add("DELETE", "/v2.0/subnets/{}", access::open(),
        [&book](const api_request& req, const params& p) {
          auto f = book.delete_subnet(caller_of(req), p[0]);
          return f ? neutron_error(*f) : neutron_no_content();
        });
}

} // namespace nimbus::api
