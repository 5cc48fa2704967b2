#pragma once
// What Nova's network proxies share (os-security-groups, os-floating-ips,
// os-networks and their server actions): the microversions they live in,
// and Nova's faults for what the network service refuses.
#include <cstddef>
#include <map>
#include <optional>

#include "api/handlers/neutron_common.h"

namespace nimbus::compute {
class compute_api;
} // namespace nimbus::compute

namespace nimbus::api {

/// The proxies are served to 2.35 (Nova's MAX_PROXY_API_SUPPORT_VERSION).
inline bool proxy_served(const api_request& req) { return !req.version.at_least(2, 36); }
/// What a proxy answers from 2.36: Nova's 404 for a method of no version.
api_response proxy_gone();

/// A proxy route: `rule` checked on the caller's own project (as Nova
/// checks it), Nova's 404 from 2.36, else `serve(req, params)`.
template <class Serve>
void add_proxy_route(router& r, const std::string& method, const std::string& pattern,
                     const std::string& rule, Serve serve) {
  r.add(method, pattern, access::own(rule), [serve](const api_request& req, const params& p) {
    if (!proxy_served(req))
      return proxy_gone();
    return serve(req, p);
  });
}

/// Nova's fault for what the network service refused: Neutron's message,
/// at its status, or at the status `remap` turns it into (Nova's
/// translations: a 409 of Neutron is a 400 or a 403 of Nova's, by call).
api_response nova_fault_of(const network::failure& f, const std::map<int, int>& remap = {});

/// Nova's paging of a proxy list (common.limited): ?offset= and ?limit=
/// (0 or absent: [api] max_limit, 1000).
std::optional<api_response> read_offset_limit(const api_request& req, std::size_t* offset,
                                              std::size_t* limit);

/// Route adders, one per resource file.
void add_nova_security_group_routes(router& r, compute::compute_api& compute);
void add_nova_floating_ip_routes(router& r, compute::compute_api& compute);
void add_nova_network_routes(router& r, compute::compute_api& compute);

/// addSecurityGroup, removeSecurityGroup, addFloatingIp, removeFloatingIp:
/// whether the body of a server action names one of them.
bool is_network_action(const api_request& req);
/// Serves one of those on server `uuid` (its policy checked on the
/// server's owner).
void network_action(compute::compute_api& compute, const api_request& req, const std::string& uuid,
                    const reply_fn& reply);
/// The policy rules of those actions (for the action route's access).
std::vector<std::string> network_action_rules();

} // namespace nimbus::api
