#pragma once
// What the network service's handlers share: the caller, the body of a
// create or update with Neutron's attribute checks, and answers.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/authorization.h"
#include "api/http_types.h"
#include "api/neutron_faults.h"
#include "api/router.h"
#include "network/network_book.h"

namespace nimbus::api {

network::caller caller_of(const api_request& req);

/// The object under `resource` of a JSON body ({"network": {...}}), with
/// only `allowed` keys (Neutron: 400 "Unrecognized attribute(s)"); keys in
/// `admin_only` need an admin (403, Neutron's policy wording for `action`).
/// nullopt and *refusal set when it cannot be used.
std::optional<nlohmann::json> resource_body(const api_request& req, const std::string& resource,
                                            const std::set<std::string>& allowed,
                                            const std::set<std::string>& admin_only,
                                            const std::string& action, api_response* refusal);

/// Typed attribute reads: nullopt when absent; *refusal set (and nullopt)
/// when of the wrong type, in Neutron's words.
std::optional<std::string> string_attr(const nlohmann::json& body, const std::string& key,
                                       api_response* refusal, std::size_t max_length = 255);
std::optional<bool> bool_attr(const nlohmann::json& body, const std::string& key,
                              api_response* refusal);
std::optional<std::int32_t> int_attr(const nlohmann::json& body, const std::string& key,
                                     api_response* refusal);
std::optional<std::vector<std::string>> strings_attr(const nlohmann::json& body,
                                                     const std::string& key, api_response* refusal);
/// The refusal of a typed read, if it set one.
inline bool refused(const api_response& r) { return r.status != 0; }

/// Invalid UTF-8 in a stored name is replaced, as the compute API's
/// json_response does, rather than ending the request in a 500.
inline api_response neutron_json(int status, const nlohmann::json& body) {
  return {status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}
inline api_response neutron_no_content() { return {204, "", {}}; }
/// A show / create / update answer: {resource: view}, or the refusal.
template <class T, class View>
api_response neutron_answer(const network::result<T>& r, int status, const std::string& resource,
                            View view) {
  if (!r.ok())
    return neutron_error(r.error);
  return neutron_json(status, {{resource, view(*r.value)}});
}

/// Route adders, one per resource file.
void add_neutron_network_routes(router& r, network::network_book& book);
void add_neutron_subnet_routes(router& r, network::network_book& book);
void add_neutron_port_routes(router& r, network::network_book& book);
void add_neutron_security_group_routes(router& r, network::network_book& book);
void add_neutron_quota_routes(router& r, network::network_book& book);
void add_neutron_floating_ip_routes(router& r, network::network_book& book);
void add_neutron_meta_routes(router& r);

} // namespace nimbus::api
