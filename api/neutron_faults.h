#pragma once
// Neutron's error bodies: {"NeutronError": {"type": "NetworkNotFound",
// "message": "Network x could not be found.", "detail": ""}}, at the status
// the refusal carries.
#include <string>

#include "api/http_types.h"
#include "network/failure.h"

namespace nimbus::api {

api_response neutron_error(const network::failure& f);
api_response neutron_error(int status, const std::string& type, const std::string& message);
/// The router's own refusals (unknown path, method) in Neutron's body.
api_response neutron_router_error(int status, const std::string& message);

} // namespace nimbus::api
