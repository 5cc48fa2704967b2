#include "actors/instance/server_update.h"

#include <algorithm>

#include "actors/protocol/errors.h"

namespace nimbus::instance {
namespace {

bool touches_metadata(const server_update& u) {
  return u.replace_metadata || !u.metadata.empty() || !u.delete_metadata.empty();
}

bool has_tag(const std::vector<std::string>& tags, const std::string& t) {
  return std::find(tags.begin(), tags.end(), t) != tags.end();
}

} // namespace

std::string metadata_refusal(std::int64_t limit, std::size_t items) {
  if (limit < 0 || items <= static_cast<std::uint64_t>(limit))
    return {};
  std::string out = "Quota exceeded for metadata_items: Maximum number of metadata items exceeds ";
  out.append(std::to_string(limit));
  return out;
}

caf::error apply_update(const server_update& u, storage::instance_record& r) {
  if (touches_metadata(u) && r.locked && !u.is_admin)
    return make_error(errc::conflict, "Instance " + r.uuid + " is locked");
  auto next = r;
  if (u.set_name)
    next.name = u.name;
  if (u.set_description)
    next.description = u.description;
  if (u.set_hostname)
    next.hostname = u.hostname;
  if (u.set_access_ip_v4)
    next.access_ip_v4 = u.access_ip_v4;
  if (u.set_access_ip_v6)
    next.access_ip_v6 = u.access_ip_v6;
  if (u.set_user_data)
    next.user_data = u.user_data;
  if (u.set_key_name)
    next.key_name = u.key_name;
  if (u.replace_metadata)
    next.metadata = u.metadata;
  else
    for (auto& [k, v] : u.metadata)
      next.metadata[k] = v;
  for (auto& key : u.delete_metadata)
    if (next.metadata.erase(key) == 0)
      return make_error(errc::not_found, "Metadata item was not found");
  // Nova checks the metadata a request sets (merged with what the server
  // keeps), never a rename or a removal: a limit lowered below what a server
  // holds does not freeze its other fields.
  if (u.replace_metadata || !u.metadata.empty())
    if (auto refusal = metadata_refusal(u.metadata_limit, next.metadata.size()); !refusal.empty())
      return make_error(errc::forbidden, refusal);
  if (u.replace_tags)
    next.tags.clear();
  for (auto& t : u.tags)
    if (!has_tag(next.tags, t))
      next.tags.push_back(t);
  for (auto& t : u.delete_tags) {
    auto it = std::find(next.tags.begin(), next.tags.end(), t);
    if (it == next.tags.end())
      return make_error(errc::not_found, "Instance " + r.uuid + " has no tag '" + t + "'");
    next.tags.erase(it);
  }
  if (next.tags.size() > max_tags)
    return make_error(errc::bad_request, "The number of tags exceeded the per-server limit "
                                           + std::to_string(max_tags));
  r = std::move(next);
  return {};
}

} // namespace nimbus::instance
