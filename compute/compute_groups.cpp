// compute_api's server groups: the `group` hint of a boot (the group found,
// its members quota, the servers joined before they are scheduled) and the
// group a server is in.
#include "compute/compute_api.h"
#include "compute/context.h"
#include "compute/quota_book.h"
#include "compute/server_group_book.h"

namespace nimbus::compute {

namespace {

// The hint's value as sent (JSON text): "uuid", or ["uuid"] (Nova's schema
// allows a list; its code uses the one value).
std::string hinted_uuid(std::string text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
    text = text.substr(1, text.size() - 2);
  return text;
}

} // namespace

server_group_book& compute_api::server_groups() const { return *ctx_->server_groups; }

std::string compute_api::server_group_of(const std::string& uuid) const {
  return ctx_->server_groups->group_of(uuid);
}

outcome<std::optional<storage::server_group>>
compute_api::join_hinted_group(const request_context& ctx, const create_server_request& req,
                               const std::vector<std::string>& servers) {
  using result = outcome<std::optional<storage::server_group>>;
  auto hint = req.scheduler_hints.find("group");
  if (hint == req.scheduler_hints.end())
    return {};
  auto uuid = hinted_uuid(hint->second);
  auto group = ctx_->server_groups->find(uuid);
  if (!group || (!ctx.is_admin && group->project_id != ctx.project_id))
    return result::failure(fault_kind::bad_request, server_group_not_found(uuid));
  auto limit = ctx_->quotas->user_limit(ctx.project_id, ctx.user_id, "server_group_members");
  auto api = ctx_->api;
  auto joined = ctx_->server_groups->join(
    uuid, servers, ctx.user_id, limit, [api](const std::string& m) -> std::optional<std::string> {
      auto mapping = api->instance_mapping(m);
      if (!mapping)
        return std::nullopt;
      return mapping->user_id;
    });
  if (!joined.ok())
    return result::failure(*joined.error);
  result out;
  out.value = std::move(joined.value);
  return out;
}

} // namespace nimbus::compute
