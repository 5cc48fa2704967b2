#include "compute/server_ports.h"

namespace nimbus::compute {
namespace {

// A refusal of the network service, as the compute API answers it (Nova
// turns a missing network or port into a 400).
fault fault_of(const network::failure& f) {
  if (f.type == "OverQuota") // Nova's PortLimitExceeded
    return {fault_kind::forbidden, "Maximum number of ports exceeded"};
  auto kind = f.status == 409   ? fault_kind::conflict
              : f.status == 403 ? fault_kind::forbidden
              : f.status < 500  ? fault_kind::bad_request
                                : fault_kind::internal;
  return {kind, f.message};
}

} // namespace

outcome<done> allocate_ports(network::network_book& net, const request_context& ctx,
                             const create_server_request& req,
                             std::vector<storage::build_request>& builds,
                             std::vector<storage::instance_record>& created) {
  if (req.networks == network::server_networks::none)
    return {};
  if (created.size() > 1)
    for (auto& want : req.requested_networks) {
      if (!want.port_id.empty())
        return outcome<done>::failure(fault_kind::bad_request,
                                      "Unable to launch multiple instances with a single "
                                      "configured port ID. Please launch your instance one by "
                                      "one with different ports.");
      if (!want.fixed_ip.empty())
        return outcome<done>::failure(fault_kind::bad_request,
                                      "max_count cannot be greater than 1 if an fixed_ip is "
                                      "specified.");
    }
  network::caller who{ctx.project_id, ctx.is_admin};
  auto zone = req.availability_zone.empty() ? std::string{"nova"} : req.availability_zone;
  for (std::size_t i = 0; i < created.size(); ++i) {
    auto vifs = net.allocate_for_server(who, created[i].uuid, zone, req.networks,
                                        req.requested_networks, req.security_groups);
    if (!vifs.ok()) {
      for (std::size_t j = 0; j < i; ++j)
        net.release_for_server(created[j].uuid);
      return outcome<done>::failure(fault_of(vifs.error));
    }
    created[i].vifs = *vifs.value;
    builds[i].instance.vifs = std::move(*vifs.value);
  }
  return {};
}

} // namespace nimbus::compute
