#pragma once
// Server lists across cells, for the compute facade. Internal to compute/.
#include <string>
#include <vector>

#include "compute/compute_api.h"

namespace nimbus::cells {
class api_cell;
}

namespace nimbus::compute {

struct context;

/// What the API cell alone knows of a server whose cell does not answer
/// (2.69's down-cell record).
storage::instance_record down_record(const cells::api_cell& api,
                                     const storage::instance_mapping& m);

/// One page of servers in Nova's order (created_at, then uuid, descending)
/// after q's marker, merged from every cell that answers and from the build
/// requests not yet in a cell; then `req`'s filters. Never blocks: the cells
/// are asked from the gateway and `then` is called from there.
void list_page(context& ctx, const request_context& rc, const server_page_request& req,
               const list_query& q, const reply<std::vector<storage::instance_record>>& then);

} // namespace nimbus::compute
