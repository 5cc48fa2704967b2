#include "api/handlers/nova_network_proxies.h"

#include "api/faults.h"
#include "api/validation.h"

namespace nimbus::api {

api_response proxy_gone() { return not_found("The resource could not be found."); }

api_response nova_fault_of(const network::failure& f, const std::map<int, int>& remap) {
  auto to = remap.find(f.status);
  return fault_response(to == remap.end() ? f.status : to->second, f.message);
}

std::optional<api_response> read_offset_limit(const api_request& req, std::size_t* offset,
                                              std::size_t* limit) {
  std::int32_t asked = 0;
  if (auto bad = read_limit(req, &asked))
    return bad;
  if (auto bad = read_offset(req, offset))
    return bad;
  *limit = asked == 0 ? 1000 : static_cast<std::size_t>(asked);
  return std::nullopt;
}

} // namespace nimbus::api
