#include "api/neutron_faults.h"

#include <nlohmann/json.hpp>

namespace nimbus::api {

api_response neutron_error(int status, const std::string& type, const std::string& message) {
  nlohmann::json body = {{"NeutronError", {{"type", type}, {"message", message}, {"detail", ""}}}};
  return {status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

api_response neutron_error(const network::failure& f) {
  return neutron_error(f.status, f.type, f.message);
}

api_response neutron_router_error(int status, const std::string& message) {
  if (status == 404)
    return neutron_error(404, "HTTPNotFound", "The resource could not be found.");
  if (status == 405)
    return neutron_error(405, "HTTPMethodNotAllowed",
                         "The server could not comply with the request since it is either "
                         "malformed or otherwise incorrect.");
  return neutron_error(status, "HTTPError", message);
}

} // namespace nimbus::api
