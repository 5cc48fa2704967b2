#pragma once
// How a server_update changes an instance record, with Nova's limits and
// errors: the metadata_items quota the update carries, keys of 1-255
// characters, values up to 255; 50 tags of up to 60 characters without "/"
// or ","; removing a metadata key or tag the server lacks is not_found;
// metadata of a locked server changes only for an admin.
#include <caf/error.hpp>

#include "actors/protocol/message_types.h"

namespace nimbus::instance {

/// Applies `u` to `r`; on an error `r` is left as it was.
caf::error apply_update(const server_update& u, storage::instance_record& r);

/// Nova's metadata_items check: empty if `items` fit `limit` (-1:
/// unlimited), else its 403 message.
std::string metadata_refusal(std::int64_t limit, std::size_t items);

constexpr std::size_t max_tags = 50;

} // namespace nimbus::instance
