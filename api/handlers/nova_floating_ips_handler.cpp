// Nova's floating IP proxies to 2.35: /os-floating-ips (a project's
// addresses on external networks, as Nova shows them) and
// /os-floating-ip-pools (the external networks).
#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/handlers/nova_network_proxies.h"
#include "api/validation.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::string rule_prefix = "os_compute_api:os-floating-ips:";
// Nova's [neutron] default_floating_pool, the pool of a create that names none.
const std::string default_pool = "nova";

json floating_ip_view(network::network_book& book, const storage::floating_ip& f) {
  network::caller anyone{"", true};
  json instance = nullptr;
  if (!f.port_id.empty())
    if (auto port = book.port(anyone, f.port_id); port.ok() && !port.value->device_id.empty())
      instance = port.value->device_id;
  std::string pool = f.floating_network_id;
  if (auto n = book.network(anyone, f.floating_network_id); n.ok() && !n.value->name.empty())
    pool = n.value->name;
  return {{"fixed_ip", f.fixed_ip_address.empty() ? json(nullptr) : json(f.fixed_ip_address)},
          {"id", f.id},
          {"instance_id", instance},
          {"ip", f.floating_ip_address},
          {"pool", pool}};
}

api_response list(network::network_book& book, const api_request& req) {
  json items = json::array();
  for (auto& f : book.floating_ips(caller_of(req)))
    if (f.project_id == req.ctx.project_id)
      items.push_back(floating_ip_view(book, f));
  return json_response(200, {{"floating_ips", items}});
}

api_response show(network::network_book& book, const api_request& req, const std::string& id) {
  auto f = book.floating_ip(caller_of(req), id);
  if (!f.ok())
    return not_found("Floating IP not found for ID " + id);
  return json_response(200, {{"floating_ip", floating_ip_view(book, *f.value)}});
}

// The external network a pool names (by id when it looks like one, else
// by name), as Nova finds it; without a pool, Nova's default one, or else
// the cloud's only external network.
network::result<storage::network> pool_network(network::network_book& book,
                                               const network::caller& who, const std::string& pool,
                                               bool named) {
  using R = network::result<storage::network>;
  std::vector<storage::network> external;
  for (auto& n : book.networks(who))
    if (n.external)
      external.push_back(n);
  std::vector<storage::network> matches;
  bool by_id = is_uuid_like(pool);
  for (auto& n : external)
    if (by_id ? n.id == pool : n.name == pool)
      matches.push_back(n);
  if (matches.empty() && !named && external.size() == 1)
    matches = external;
  if (matches.size() == 1)
    return R::of(matches[0]);
  if (matches.empty())
    return R::fail({404, "", "Floating IP pool not found."});
  return R::fail({409, "", "Multiple floating IP pools matches found for name '" + pool + "'"});
}

api_response create(network::network_book& book, const api_request& req) {
  std::string pool;
  bool named = false;
  if (!req.body.empty()) {
    auto body = parse_body(req.body);
    if (!body)
      return malformed_body();
    if (!body->is_object() && !body->is_null())
      return bad_request(python_repr(*body) + " is not of type 'object', 'null'");
    if (body->is_object() && body->contains("pool") && !(*body)["pool"].is_null()) {
      auto& p = (*body)["pool"];
      if (!p.is_string())
        return bad_request(
          invalid_input("pool", p, python_repr(p) + " is not of type 'string', 'null'"));
      pool = p.get<std::string>();
      named = !pool.empty();
    }
  }
  auto who = caller_of(req);
  auto net = pool_network(book, who, named ? pool : default_pool, named);
  if (!net.ok())
    return nova_fault_of(net.error);
  storage::floating_ip f;
  f.floating_network_id = net.value->id;
  auto made = book.create_floating_ip(who, std::move(f));
  if (!made.ok()) {
    auto in_pool = named ? " in pool " + pool : std::string();
    if (made.error.type == "OverQuota")
      return fault_response(403, "IP allocation over quota" + in_pool + ".");
    if (made.error.type == "ExternalIpAddressExhausted")
      return not_found(named ? "No more floating IPs in pool " + pool + "."
                             : std::string("No more floating IPs available."));
    return bad_request("The floating IP request failed with a BadRequest");
  }
  return json_response(200, {{"floating_ip", floating_ip_view(book, *made.value)}});
}

api_response release(network::network_book& book, const api_request& req, const std::string& id) {
  auto who = caller_of(req);
  if (auto f = book.floating_ip(who, id); !f.ok())
    return not_found("Floating IP not found for ID " + id);
  if (auto failed = book.delete_floating_ip(who, id))
    return nova_fault_of(*failed);
  return {202, "", {}};
}

api_response pools(network::network_book& book, const api_request& req) {
  json items = json::array();
  for (auto& n : book.networks(caller_of(req)))
    if (n.external)
      items.push_back({{"name", n.name.empty() ? n.id : n.name}});
  return json_response(200, {{"floating_ip_pools", items}});
}

} // namespace

void add_nova_floating_ip_routes(router& r, compute::compute_api& compute) {
  // The book is asked for at each call: a facade made only for its route
  // table (route_table_test) has none.
  add_proxy_route(r, "GET", "/v2.1/os-floating-ips", rule_prefix + "list",
                  [&compute](auto& req, auto&) { return list(compute.networks(), req); });
  add_proxy_route(r, "POST", "/v2.1/os-floating-ips", rule_prefix + "create",
                  [&compute](auto& req, auto&) { return create(compute.networks(), req); });
  add_proxy_route(r, "GET", "/v2.1/os-floating-ips/{}", rule_prefix + "show",
                  [&compute](auto& req, auto& p) { return show(compute.networks(), req, p[0]); });
  add_proxy_route(
    r, "DELETE", "/v2.1/os-floating-ips/{}", rule_prefix + "delete",
    [&compute](auto& req, auto& p) { return release(compute.networks(), req, p[0]); });
  add_proxy_route(r, "GET", "/v2.1/os-floating-ip-pools", "os_compute_api:os-floating-ip-pools",
                  [&compute](auto& req, auto&) { return pools(compute.networks(), req); });
}

} // namespace nimbus::api
