// /v2.0/floatingips: list, show, create (with or without a port),
// associate / disassociate (PUT port_id), delete.
#include "api/handlers/neutron_common.h"
#include "api/neutron_list.h"
#include "api/views/network_views.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::set<std::string> floating_ip_attributes = {
  "floating_network_id", "floating_ip_address", "port_id",     "fixed_ip_address", "subnet_id",
  "tenant_id",           "project_id",          "description", "dns_name",         "dns_domain",
  "qos_policy_id"};

json view(network::network_book& book, const network::caller& who, const storage::floating_ip& f) {
  if (f.port_id.empty())
    return floating_ip_view(f, nullptr);
  auto port = book.port(who, f.port_id);
  return floating_ip_view(f, port.ok() ? &*port.value : nullptr);
}

api_response create(network::network_book& book, const api_request& req) {
  api_response bad{0, "", {}};
  auto body =
    resource_body(req, "floatingip", floating_ip_attributes, {}, "create_floatingip", &bad);
  if (!body)
    return bad;
  storage::floating_ip f;
  auto network_id = string_attr(*body, "floating_network_id", &bad);
  if (refused(bad))
    return bad;
  if (!network_id || network_id->empty())
    return neutron_error(400, "HTTPBadRequest",
                         "Failed to parse request. Required attribute "
                         "'floating_network_id' not specified");
  f.floating_network_id = *network_id;
  if (auto v = string_attr(*body, "floating_ip_address", &bad))
    f.floating_ip_address = *v;
  if (auto v = string_attr(*body, "port_id", &bad))
    f.port_id = *v;
  if (auto v = string_attr(*body, "fixed_ip_address", &bad))
    f.fixed_ip_address = *v;
  if (auto v = string_attr(*body, "description", &bad))
    f.description = *v;
  for (auto key : {"project_id", "tenant_id"})
    if (auto v = string_attr(*body, key, &bad))
      f.project_id = *v;
  if (refused(bad))
    return bad;
  auto who = caller_of(req);
  auto made = book.create_floating_ip(who, std::move(f));
  return neutron_answer(made, 201, "floatingip",
                        [&](const storage::floating_ip& x) { return view(book, who, x); });
}

api_response update(network::network_book& book, const api_request& req, const std::string& id) {
  api_response bad{0, "", {}};
  auto body =
    resource_body(req, "floatingip", floating_ip_attributes, {}, "update_floatingip", &bad);
  if (!body)
    return bad;
  for (auto key : {"floating_network_id", "floating_ip_address", "tenant_id", "project_id"})
    if (body->contains(key))
      return neutron_error(400, "HTTPBadRequest",
                           std::string{"Cannot update read-only attribute "} + key);
  auto port_id = string_attr(*body, "port_id", &bad); // null: disassociate
  auto fixed_ip = string_attr(*body, "fixed_ip_address", &bad);
  auto description = string_attr(*body, "description", &bad);
  if (refused(bad))
    return bad;
  auto who = caller_of(req);
  auto changed = book.update_floating_ip(who, id, port_id, fixed_ip, description);
  return neutron_answer(changed, 200, "floatingip",
                        [&](const storage::floating_ip& x) { return view(book, who, x); });
}

} // namespace

void add_neutron_floating_ip_routes(router& r, network::network_book& book) {
  r.add("GET", "/v2.0/floatingips", access::open(), [&book](const api_request& req, const params&) {
    auto who = caller_of(req);
    json items = json::array();
    for (auto& f : book.floating_ips(who))
      items.push_back(view(book, who, f));
    return neutron_json(200,
                        neutron_list(req, std::move(items), "floatingips", "/v2.0/floatingips"));
  });
  r.add(
    "GET", "/v2.0/floatingips/{}", access::open(),
    [&book](const api_request& req, const params& p) {
      auto who = caller_of(req);
      auto f = book.floating_ip(who, p[0]);
      if (!f.ok())
        return neutron_error(f.error);
      return neutron_json(200, {{"floatingip", neutron_fields(req, view(book, who, *f.value))}});
    });
  r.add("POST", "/v2.0/floatingips", access::open(),
        [&book](const api_request& req, const params&) { return create(book, req); });
  r.add("PUT", "/v2.0/floatingips/{}", access::open(),
        [&book](const api_request& req, const params& p) { return update(book, req, p[0]); });
  r.add("DELETE", "/v2.0/floatingips/{}", access::open(),
        [&book](const api_request& req, const params& p) {
          auto f = book.delete_floating_ip(caller_of(req), p[0]);
          return f ? neutron_error(*f) : neutron_no_content();
        });
}

} // namespace nimbus::api
