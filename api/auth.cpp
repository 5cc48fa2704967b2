#include "api/auth.h"

namespace nimbus::api {

std::optional<cells::request_context> context_from_token(const std::string& token) {
  if (token.empty())
    return std::nullopt;
  cells::request_context ctx;
  auto colon = token.find(':');
  ctx.user_id = token.substr(0, colon);
  ctx.project_id = colon == std::string::npos ? ctx.user_id : token.substr(colon + 1);
  if (ctx.user_id.empty() || ctx.project_id.empty())
    return std::nullopt;
  ctx.is_admin = ctx.user_id == "admin";
  return ctx;
}

} // namespace nimbus::api
