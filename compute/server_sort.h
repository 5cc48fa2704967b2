#pragma once
// ?sort_key=&sort_dir= of server lists: Nova's sortable fields and the order
// they make (then created_at and uuid, in the first key's direction, as
// Nova's database query appends them). Free of CAF; compute/ and api/ use it.
#include <string>
#include <vector>

#include "storage/records.h"

namespace nimbus::compute {

struct sort_key {
  std::string key;
  bool descending = true;
};

/// The sort keys a server list accepts (Nova's query schema enum).
const std::vector<std::string>& sortable_server_keys();

/// Whether `a` comes before `b` in the order of `keys` (known keys only).
bool sorted_before(const std::vector<sort_key>& keys, const storage::instance_record& a,
                   const storage::instance_record& b);

} // namespace nimbus::compute
