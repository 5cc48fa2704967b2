#include "identity/implied_roles.h"

#include <algorithm>

namespace nimbus::identity {

const std::vector<std::pair<std::string, std::string>>& role_inferences() {
  static const std::vector<std::pair<std::string, std::string>> pairs{{"admin", "member"},
                                                                      {"member", "reader"}};
  return pairs;
}

std::vector<std::string> with_implied(std::vector<std::string> names) {
  // A fixed point over a two-pair table: each pass adds what the last implied.
  for (std::size_t i = 0; i < names.size(); ++i)
    for (auto& [prior, implied] : role_inferences())
      if (names[i] == prior && std::find(names.begin(), names.end(), implied) == names.end())
        names.push_back(implied);
  return names;
}

} // namespace nimbus::identity
