// The server actions that reach the network service: addSecurityGroup,
// removeSecurityGroup (every microversion) and addFloatingIp,
// removeFloatingIp (to 2.43), with Nova's checks and words. The server is
// the compute API's (its mapping, in memory, says whether the caller sees
// it); its ports and addresses are the network book's, whose writes are
// made on the HTTP thread (they wait for the disk).
#include <algorithm>

#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/handlers/nova_network_proxies.h"
#include "api/validation.h"
#include "network/address.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

const std::string add_group = "addSecurityGroup";
const std::string remove_group = "removeSecurityGroup";
const std::string add_floating = "addFloatingIp";
const std::string remove_floating = "removeFloatingIp";

std::string server_not_found(const std::string& uuid) {
  return "Instance " + uuid + " could not be found.";
}

std::string rule_of(const std::string& action) {
  if (action == add_group)
    return "os_compute_api:os-security-groups:add";
  if (action == remove_group)
    return "os_compute_api:os-security-groups:remove";
  if (action == add_floating)
    return "os_compute_api:os-floating-ips:add";
  return "os_compute_api:os-floating-ips:remove";
}

// The action's arguments: an object of only `keys`, with `required`; each
// value a string. The 400 of Nova's schema otherwise.
std::optional<api_response> read_arguments(const ordered_json& body, const std::string& action,
                                           const std::vector<std::string>& keys,
                                           const std::string& required) {
  auto& args = body[action];
  if (!args.is_object())
    return bad_request(invalid_input(action, args, python_repr(args) + " is not of type 'object'"));
  for (auto& [key, value] : args.items())
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      return bad_request(invalid_input(action, args, unexpected_property(key)));
  if (!args.contains(required))
    return bad_request(invalid_input(action, args, "'" + required + "' is a required property"));
  for (auto& key : keys) {
    if (!args.contains(key))
      continue;
    auto& v = args[key];
    if (!v.is_string()) {
      std::string field = action;
      field.append("/").append(key);
      return bad_request(invalid_input(field, v, python_repr(v) + " is not of type 'string'"));
    }
  }
  return std::nullopt;
}

// An IP address argument (Nova's ip_address format: IPv4 or IPv6).
std::optional<api_response> check_address(const ordered_json& args, const std::string& action,
                                          const std::string& key) {
  if (!args.contains(key))
    return std::nullopt;
  auto& v = args[key];
  if (!network::parse_address(v.get<std::string>()))
    return bad_request(invalid_input(
      action + "/" + key, v, python_repr(v) + " is not valid under any of the given schemas"));
  return std::nullopt;
}

// The id of the caller's project's group `name` (a name, or an id), as
// Neutron's client finds it for Nova.
network::result<std::string> group_named(network::network_book& book, const api_request& req,
                                         const std::string& name) {
  using R = network::result<std::string>;
  auto who = caller_of(req);
  if (is_uuid_like(name))
    if (auto g = book.security_group(who, name); g.ok())
      return R::of(g.value->id);
  std::vector<std::string> ids;
  for (auto& g : book.security_groups(who))
    if (g.name == name && g.project_id == req.ctx.project_id)
      ids.push_back(g.id);
  if (ids.size() == 1)
    return R::of(ids[0]);
  if (ids.empty())
    return R::fail(
      {404, "", "Security group " + name + " is not found for project " + req.ctx.project_id});
  return R::fail({409, "",
                  "Multiple security_group matches found for name '" + name
                    + "', use an ID to be more specific."});
}

// Adds (or removes) group `name` on every port of server `uuid`.
api_response change_groups(network::network_book& book, const api_request& req,
                           const std::string& uuid, const std::string& name, bool add) {
  auto id = group_named(book, req, name);
  if (!id.ok())
    return nova_fault_of(id.error);
  auto ports = book.ports_of_device(uuid);
  if (ports.empty())
    return not_found("instance_id " + uuid + " could not be found as device id on any ports");
  auto who = caller_of(req);
  bool removed = false;
  for (auto& port : ports) {
    auto groups = port.security_groups;
    auto at = std::find(groups.begin(), groups.end(), *id.value);
    network::port_change change;
    if (add) {
      if (!port.port_security_enabled || port.fixed_ips.empty())
        return bad_request("Network requires port_security_enabled and subnet associated in "
                           "order to apply security groups.");
      if (at == groups.end())
        groups.push_back(*id.value);
    } else {
      if (at == groups.end())
        continue;
      groups.erase(at);
      removed = true;
    }
    change.security_groups = groups;
    if (auto changed = book.update_port(who, port.id, change); !changed.ok())
      return nova_fault_of(changed.error);
  }
  if (!add && !removed)
    return not_found("Security group " + name + " not associated with the instance " + uuid);
  return {202, "", {}};
}

void security_group_action(compute::compute_api& compute, const api_request& req,
                           const std::string& uuid, const ordered_json& body,
                           const std::string& action, const reply_fn& reply) {
  auto& args = body[action];
  if (!args.is_object() || !args.contains("name"))
    return reply(bad_request("Security group not specified"));
  if (auto bad = read_arguments(body, action, {"name"}, "name"))
    return reply(*bad);
  auto name = args["name"].get<std::string>();
  if (name.empty())
    return reply(bad_request(invalid_input(action + "/name", args["name"], "'' is too short")));
  if (name.find_first_not_of(" \t\n\r\f\v") == std::string::npos)
    return reply(bad_request("Security group name cannot be empty"));
  if (!compute.owner_of(req.ctx, uuid))
    return reply(not_found(server_not_found(uuid)));
  // The book's writes wait for the disk: here, on the HTTP thread, never
  // in a callback of the compute API (its gateway actor must not block).
  reply(change_groups(compute.networks(), req, uuid, name, action == add_group));
}

// The floating IP at `address` the caller sees.
std::optional<storage::floating_ip> floating_at(network::network_book& book, const api_request& req,
                                                const std::string& address) {
  for (auto& f : book.floating_ips(caller_of(req)))
    if (f.floating_ip_address == address)
      return f;
  return std::nullopt;
}

// Points floating IP `address` at a fixed address of server `uuid` (its
// ports' addresses: what Nova's info cache lists).
api_response associate(network::network_book& book, const api_request& req, const std::string& uuid,
                       const std::string& address, std::string fixed) {
  auto ports = book.ports_of_device(uuid);
  if (ports.empty())
    return bad_request("Instance network is not ready yet");
  std::string port_id;
  std::string first_v4;
  std::string first_v4_port;
  bool any = false;
  for (auto& port : ports)
    for (auto& ip : port.fixed_ips) {
      any = true;
      if (ip.ip_address == fixed)
        port_id = port.id;
      auto a = network::parse_address(ip.ip_address);
      if (first_v4.empty() && a && a->version == 4) {
        first_v4 = ip.ip_address;
        first_v4_port = port.id;
      }
    }
  if (!any)
    return bad_request("No fixed IPs associated to instance");
  if (!fixed.empty() && port_id.empty())
    return bad_request("Specified fixed address not assigned to instance");
  if (fixed.empty()) {
    if (first_v4.empty())
      return bad_request("Unable to associate floating IP " + address
                         + " to any fixed IPs for instance " + uuid
                         + ". Instance has no fixed IPv4 addresses to associate.");
    fixed = first_v4;
    port_id = first_v4_port;
  }
  auto f = floating_at(book, req, address);
  if (!f)
    return not_found("floating IP not found");
  auto done = book.update_floating_ip(caller_of(req), f->id, port_id, fixed, std::nullopt);
  if (!done.ok())
    return bad_request("Unable to associate floating IP " + address + " to fixed IP " + fixed
                       + " for instance " + uuid + ". Error: " + done.error.message);
  return {202, "", {}};
}

void floating_ip_action(compute::compute_api& compute, const api_request& req,
                        const std::string& uuid, const ordered_json& body,
                        const std::string& action, const reply_fn& reply) {
  bool add = action == add_floating;
  std::vector<std::string> keys{"address"};
  if (add)
    keys.emplace_back("fixed_address");
  for (auto& [key, value] : body.items())
    if (key != action)
      return reply(bad_request(unexpected_property(key)));
  if (auto bad = read_arguments(body, action, keys, "address"))
    return reply(*bad);
  auto& args = body[action];
  for (auto& key : keys)
    if (auto bad = check_address(args, action, key))
      return reply(*bad);
  auto address = args["address"].get<std::string>();
  auto& book = compute.networks();
  if (add) {
    auto fixed = args.contains("fixed_address") ? args["fixed_address"].get<std::string>() : "";
    // The book's writes wait for the disk: here, on the HTTP thread.
    if (!compute.owner_of(req.ctx, uuid))
      return reply(not_found(server_not_found(uuid)));
    return reply(associate(book, req, uuid, address, fixed));
  }
  auto f = floating_at(book, req, address);
  if (!f)
    return reply(not_found("Floating IP not found for address " + address + "."));
  std::string instance;
  if (!f->port_id.empty())
    if (auto port = book.port(network::caller{"", true}, f->port_id); port.ok())
      instance = port.value->device_id;
  // The policy is checked on the server the address points at.
  if (auto refusal =
        refused_on_server(compute, req, instance.empty() ? uuid : instance, rule_of(action)))
    return reply(*refusal);
  if (instance != uuid)
    return reply(fault_response(409, "Floating IP " + address + " is not associated with instance "
                                       + uuid + "."));
  if (!compute.owner_of(req.ctx, uuid))
    return reply(not_found(server_not_found(uuid)));
  auto done =
    book.update_floating_ip(caller_of(req), f->id, std::string(), std::nullopt, std::nullopt);
  reply(done.ok() ? api_response{202, "", {}} : nova_fault_of(done.error));
}

// The action a body names, if it is one of these (the first key decides,
// as it does for every action).
std::string network_action_of(const std::optional<ordered_json>& body) {
  if (!body || !body->is_object() || body->empty())
    return {};
  auto name = body->begin().key();
  for (auto* known : {&add_group, &remove_group, &add_floating, &remove_floating})
    if (name == *known)
      return name;
  return {};
}

} // namespace

bool is_network_action(const api_request& req) {
  // Most action bodies are not these: a look before a parse.
  if (req.body.find("SecurityGroup") == std::string::npos
      && req.body.find("FloatingIp") == std::string::npos)
    return false;
  return !network_action_of(parse_body(req.body)).empty();
}

void network_action(compute::compute_api& compute, const api_request& req, const std::string& uuid,
                    const reply_fn& reply) {
  auto body = parse_body(req.body);
  auto action = network_action_of(body);
  bool floating = action == add_floating || action == remove_floating;
  if (floating && req.version.at_least(2, 44))
    return reply(proxy_gone());
  // removeFloatingIp checks its policy on the server the address is on.
  if (action != remove_floating)
    if (auto refusal = refused_on_server(compute, req, uuid, rule_of(action)))
      return reply(*refusal);
  if (floating)
    return floating_ip_action(compute, req, uuid, *body, action, reply);
  security_group_action(compute, req, uuid, *body, action, reply);
}

std::vector<std::string> network_action_rules() {
  return {rule_of(add_group), rule_of(remove_group), rule_of(add_floating),
          rule_of(remove_floating)};
}

} // namespace nimbus::api
