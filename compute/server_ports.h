#pragma once
// The ports of the servers of a create, from the network service: what a
// create's `networks` asks for, bound to each new server. CAF-free.
#include <vector>

#include "compute/compute_api.h"
#include "compute/outcome.h"
#include "network/network_book.h"

namespace nimbus::compute {

/// Gives each server of `created` (and its build) its ports and their vifs,
/// as `req.networks` asks; on a refusal (Nova's 400 / 409) none is kept.
outcome<done> allocate_ports(network::network_book& net, const request_context& ctx,
                             const create_server_request& req,
                             std::vector<storage::build_request>& builds,
                             std::vector<storage::instance_record>& created);

} // namespace nimbus::compute
