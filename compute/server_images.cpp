#include "compute/server_images.h"

#include <algorithm>

#include "storage/ids.h"

namespace nimbus::compute {

storage::image snapshot_of(const storage::instance_record& r, const storage::image* base,
                           const std::string& name,
                           const std::map<std::string, std::string>& metadata,
                           std::int64_t now_us) {
  storage::image i;
  if (base)
    i = *base;
  i.id = storage::random_uuid();
  i.name = name;
  i.status = "active";
  i.owner = r.project_id;
  i.visibility = "private";
  i.properties = metadata;
  i.properties["instance_uuid"] = r.uuid;
  i.properties["image_type"] = "snapshot";
  i.properties["base_image_ref"] = r.image_ref;
  i.properties["user_id"] = r.user_id;
  i.min_ram = std::max(i.min_ram, r.flavor_copy.memory_mb);
  i.min_disk = std::max(i.min_disk, r.flavor_copy.root_gb);
  i.created_us = i.updated_us = now_us;
  return i;
}

storage::image shelved_image_of(const storage::instance_record& r, const storage::image* base,
                                std::int64_t now_us) {
  return snapshot_of(r, base, r.name + "-shelved", {}, now_us);
}

bool is_shelved_image_of(const storage::image& i, const std::string& uuid) {
  auto it = i.properties.find("instance_uuid");
  auto suffix = std::string("-shelved");
  return it != i.properties.end() && it->second == uuid && i.name.size() >= suffix.size()
         && i.name.compare(i.name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool image_visible(const storage::image& i, const std::string& project_id, bool is_admin) {
  return is_admin || i.visibility != "private" || i.owner == project_id;
}

} // namespace nimbus::compute
