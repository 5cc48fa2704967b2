// Nova's read-only network proxies to 2.35: /os-networks and
// /os-tenant-networks, the networks the caller sees in the shapes
// nova-network left behind (a label and empty addressing fields).
#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/handlers/nova_network_proxies.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

// os-networks: the id and label; the rest of nova-network's fields are
// there and null (admins see more of them).
json network_view(const storage::network& n, bool admin) {
  static const char* fields[] = {"cidr", "netmask", "gateway",    "broadcast", "dns1",
                                 "dns2", "cidr_v6", "gateway_v6", "netmask_v6"};
  static const char* admin_fields[] = {"created_at",
                                       "updated_at",
                                       "deleted_at",
                                       "deleted",
                                       "injected",
                                       "bridge",
                                       "vlan",
                                       "vpn_public_address",
                                       "vpn_public_port",
                                       "vpn_private_address",
                                       "dhcp_start",
                                       "project_id",
                                       "host",
                                       "bridge_interface",
                                       "multi_host",
                                       "priority",
                                       "rxtx_base",
                                       "mtu",
                                       "dhcp_server",
                                       "enable_dhcp",
                                       "share_address"};
  json out = {{"id", n.id}, {"label", n.name}};
  for (auto* f : fields)
    out[f] = nullptr;
  if (admin)
    for (auto* f : admin_fields)
      out[f] = nullptr;
  return out;
}

json tenant_network_view(const storage::network& n) {
  return {{"id", n.id}, {"cidr", "None"}, {"label", n.name}};
}

template <class View>
api_response list(network::network_book& book, const api_request& req, View view) {
  json items = json::array();
  for (auto& n : book.networks(caller_of(req)))
    items.push_back(view(n));
  return json_response(200, {{"networks", items}});
}

template <class View>
api_response show(network::network_book& book, const api_request& req, const std::string& id,
                  View view) {
  auto n = book.network(caller_of(req), id);
  if (!n.ok())
    return not_found("Network not found");
  return json_response(200, {{"network", view(*n.value)}});
}

} // namespace

void add_nova_network_routes(router& r, compute::compute_api& compute) {
  // The book is asked for at each call: a facade made only for its route
  // table (route_table_test) has none.
  auto full = [](const api_request& req) {
    return [admin = req.ctx.is_admin](const storage::network& n) { return network_view(n, admin); };
  };
  add_proxy_route(
    r, "GET", "/v2.1/os-networks", "os_compute_api:os-networks:list",
    [&compute, full](auto& req, auto&) { return list(compute.networks(), req, full(req)); });
  add_proxy_route(r, "GET", "/v2.1/os-networks/{}", "os_compute_api:os-networks:show",
                  [&compute, full](auto& req, auto& p) {
                    return show(compute.networks(), req, p[0], full(req));
                  });
  add_proxy_route(
    r, "GET", "/v2.1/os-tenant-networks", "os_compute_api:os-tenant-networks:list",
    [&compute](auto& req, auto&) { return list(compute.networks(), req, tenant_network_view); });
  add_proxy_route(r, "GET", "/v2.1/os-tenant-networks/{}", "os_compute_api:os-tenant-networks:show",
                  [&compute](auto& req, auto& p) {
                    return show(compute.networks(), req, p[0], tenant_network_view);
                  });
}

} // namespace nimbus::api
