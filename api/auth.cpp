#include "api/auth.h"

#include <algorithm>

namespace nimbus::api {

std::optional<compute::request_context> context_from_token(const std::string& token) {
  // Ids are printable ASCII (as Keystone's are): anything else is no token.
  bool printable =
    std::all_of(token.begin(), token.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
  if (token.empty() || !printable)
    return std::nullopt;
  compute::request_context ctx;
  auto colon = token.find(':');
  ctx.user_id = token.substr(0, colon);
  ctx.project_id = colon == std::string::npos ? ctx.user_id : token.substr(colon + 1);
  if (ctx.user_id.empty() || ctx.project_id.empty())
    return std::nullopt;
  ctx.is_admin = ctx.user_id == "admin";
  return ctx;
}

} // namespace nimbus::api
