#pragma once
// Keystone's implied roles as its bootstrap sets them: admin implies member,
// member implies reader. A token carries the roles its holder was granted
// and every role they imply, so a policy check needs no lookup.
#include <string>
#include <utility>
#include <vector>

namespace nimbus::identity {

/// (prior, implied) pairs, by role name.
const std::vector<std::pair<std::string, std::string>>& role_inferences();

/// `names` and every role they imply, each once, in first-seen order.
std::vector<std::string> with_implied(std::vector<std::string> names);

} // namespace nimbus::identity
