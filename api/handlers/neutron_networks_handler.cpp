// /v2.0/networks: list, show, create, update, delete (with the provider
// and external-net attributes, admin only).
#include "api/handlers/neutron_common.h"
#include "api/neutron_list.h"
#include "api/views/network_views.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::set<std::string> network_attributes = {"name",
                                                  "description",
                                                  "admin_state_up",
                                                  "shared",
                                                  "tenant_id",
                                                  "project_id",
                                                  "router:external",
                                                  "mtu",
                                                  "port_security_enabled",
                                                  "provider:network_type",
                                                  "provider:physical_network",
                                                  "provider:segmentation_id",
                                                  "availability_zone_hints",
                                                  "dns_domain",
                                                  "qos_policy_id",
                                                  "is_default"};
const std::set<std::string> admin_network_attributes = {"shared",
                                                        "router:external",
                                                        "provider:network_type",
                                                        "provider:physical_network",
                                                        "provider:segmentation_id",
                                                        "is_default"};

std::vector<std::string> subnet_ids(network::network_book& book, const network::caller& who,
                                    const std::string& network_id) {
  std::vector<std::string> out;
  for (auto& s : book.subnets(who))
    if (s.network_id == network_id)
      out.push_back(s.id);
  return out;
}

api_response create(network::network_book& book, const api_request& req) {
  api_response bad{0, "", {}};
  auto body = resource_body(req, "network", network_attributes, admin_network_attributes,
                            "create_network", &bad);
  if (!body)
    return bad;
  storage::network n;
  n.network_type.clear();
  if (auto v = string_attr(*body, "name", &bad))
    n.name = *v;
  if (auto v = string_attr(*body, "description", &bad))
    n.description = *v;
  if (auto v = bool_attr(*body, "admin_state_up", &bad))
    n.admin_state_up = *v;
  if (auto v = bool_attr(*body, "shared", &bad))
    n.shared = *v;
  if (auto v = bool_attr(*body, "router:external", &bad))
    n.external = *v;
  if (auto v = bool_attr(*body, "port_security_enabled", &bad))
    n.port_security_enabled = *v;
  if (auto v = int_attr(*body, "mtu", &bad))
    n.mtu = *v;
  if (auto v = string_attr(*body, "provider:network_type", &bad))
    n.network_type = *v;
  if (auto v = string_attr(*body, "provider:physical_network", &bad))
    n.physical_network = *v;
  if (auto v = int_attr(*body, "provider:segmentation_id", &bad))
    n.segmentation_id = *v;
  for (auto key : {"project_id", "tenant_id"})
    if (auto v = string_attr(*body, key, &bad)) {
      if (!req.ctx.is_admin && *v != req.ctx.project_id)
        return neutron_error(403, "PolicyNotAuthorized",
                             "rule:create_network is disallowed by policy");
      n.project_id = *v;
    }
  if (refused(bad))
    return bad;
  auto who = caller_of(req);
  auto made = book.create_network(who, std::move(n));
  return neutron_answer(made, 201, "network", [&](const storage::network& x) {
    return network_view(x, {}, who.is_admin);
  });
}

api_response update(network::network_book& book, const api_request& req, const std::string& id) {
  api_response bad{0, "", {}};
  auto body = resource_body(req, "network", network_attributes, admin_network_attributes,
                            "update_network", &bad);
  if (!body)
    return bad;
  for (auto key : {"provider:network_type", "provider:physical_network", "provider:segmentation_id",
                   "tenant_id", "project_id"})
    if (body->contains(key))
      return neutron_error(400, "HTTPBadRequest",
                           std::string{"Cannot update read-only attribute "} + key);
  network::network_change c;
  c.name = string_attr(*body, "name", &bad);
  c.description = string_attr(*body, "description", &bad);
  c.admin_state_up = bool_attr(*body, "admin_state_up", &bad);
  c.shared = bool_attr(*body, "shared", &bad);
  c.external = bool_attr(*body, "router:external", &bad);
  c.port_security_enabled = bool_attr(*body, "port_security_enabled", &bad);
  c.mtu = int_attr(*body, "mtu", &bad);
  if (refused(bad))
    return bad;
  auto who = caller_of(req);
  auto changed = book.update_network(who, id, c);
  return neutron_answer(changed, 200, "network", [&](const storage::network& x) {
    return network_view(x, subnet_ids(book, who, x.id), who.is_admin);
  });
}

} // namespace

void add_neutron_network_routes(router& r, network::network_book& book) {
  r.add("GET", "/v2.0/networks", access::open(), [&book](const api_request& req, const params&) {
    auto who = caller_of(req);
    auto subnets = book.subnets(who);
    json items = json::array();
    for (auto& n : book.networks(who)) {
      std::vector<std::string> ids;
      for (auto& s : subnets)
        if (s.network_id == n.id)
          ids.push_back(s.id);
      items.push_back(network_view(n, ids, who.is_admin));
    }
    return neutron_json(200, neutron_list(req, std::move(items), "networks", "/v2.0/networks"));
  });
  r.add("GET", "/v2.0/networks/{}", access::open(),
        [&book](const api_request& req, const params& p) {
          auto who = caller_of(req);
          auto n = book.network(who, p[0]);
          if (!n.ok())
            return neutron_error(n.error);
          auto view = network_view(*n.value, subnet_ids(book, who, p[0]), who.is_admin);
          return neutron_json(200, {{"network", neutron_fields(req, view)}});
        });
  r.add("POST", "/v2.0/networks", access::open(),
        [&book](const api_request& req, const params&) { return create(book, req); });
  r.add("PUT", "/v2.0/networks/{}", access::open(),
        [&book](const api_request& req, const params& p) { return update(book, req, p[0]); });
  r.add("DELETE", "/v2.0/networks/{}", access::open(),
        [&book](const api_request& req, const params& p) {
          auto f = book.delete_network(caller_of(req), p[0]);
          return f ? neutron_error(*f) : neutron_no_content();
        });
}

} // namespace nimbus::api
