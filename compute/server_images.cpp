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
  i.properties["instance_uuid"] = r.uuid;
  i.properties["image_type"] = "snapshot";
  i.properties["base_image_ref"] = r.image_ref;
  i.properties["user_id"] = r.user_id;
  for (auto& [k, v] : metadata) // the caller's properties win, as in Nova's _create_image
    i.properties[k] = v;
  // Nova keeps the base image's min_ram, and the larger of its min_disk and
  // the flavor's root disk.
  i.min_disk = std::max(i.min_disk, r.flavor_copy.root_gb);
  i.created_us = i.updated_us = now_us;
  return i;
}

storage::image backup_of(const storage::instance_record& r, const storage::image* base,
                         const std::string& name, const std::string& backup_type,
                         const std::map<std::string, std::string>& metadata, std::int64_t now_us) {
  auto i = snapshot_of(r, base, name, metadata, now_us);
  i.properties["image_type"] = "backup";
  i.properties["backup_type"] = backup_type;
  return i;
}

std::vector<storage::image> backups_to_rotate(const std::vector<storage::image>& images,
                                              const std::string& uuid,
                                              const std::string& backup_type,
                                              std::int64_t rotation) {
  auto prop = [](const storage::image& i, const char* key) {
    auto it = i.properties.find(key);
    return it == i.properties.end() ? std::string{} : it->second;
  };
  std::vector<storage::image> backups;
  for (auto& i : images)
    if (prop(i, "instance_uuid") == uuid && prop(i, "image_type") == "backup"
        && prop(i, "backup_type") == backup_type)
      backups.push_back(i);
  std::sort(backups.begin(), backups.end(), [](auto& a, auto& b) {
    return a.created_us != b.created_us ? a.created_us > b.created_us : a.id > b.id;
  });
  if (static_cast<std::int64_t>(backups.size()) <= rotation)
    return {};
  backups.erase(backups.begin(), backups.begin() + rotation);
  return backups;
}

storage::image shelved_image_of(const storage::instance_record& r, const storage::image* base,
                                std::int64_t now_us) {
  return snapshot_of(r, base, r.name + "-shelved", {}, now_us);
}

outcome<storage::disk_tier> disk_type_of(const create_server_request& req,
                                         const storage::flavor& flavor,
                                         storage::disk_tier fallback) {
  using result = outcome<storage::disk_tier>;
  result out;
  out.value = req.disk_type.value_or(fallback);
  auto pin = flavor.extra_specs.find("nimbus:disk_type");
  if (pin == flavor.extra_specs.end())
    return out;
  auto pinned = storage::disk_tier_named(pin->second);
  if (!pinned)
    return result::failure(fault_kind::bad_request, "Flavor " + flavor.id + " pins disk type "
                                                      + pin->second + ", which is no tier.");
  if (req.disk_type && *req.disk_type != *pinned)
    return result::failure(fault_kind::bad_request,
                           "Flavor " + flavor.id + " pins disk type "
                             + std::string(storage::nova_name(*pinned)) + "; "
                             + std::string(storage::nova_name(*req.disk_type)) + " was asked for.");
  out.value = *pinned;
  return out;
}

bool is_shelved_image_of(const storage::image& i, const std::string& uuid) {
  auto it = i.properties.find("instance_uuid");
  auto suffix = std::string("-shelved");
  return it != i.properties.end() && it->second == uuid && i.name.size() >= suffix.size()
         && i.name.compare(i.name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string boot_image_refusal(const storage::image& i, const storage::flavor& flavor) {
  if (i.status != "active")
    return "Image " + i.id + " is not active.";
  if (i.min_ram > flavor.memory_mb)
    return "Flavor's memory is too small for requested image.";
  if (flavor.root_gb == 0) // a volume-backed boot's flavor: Nova checks nothing more
    return {};
  constexpr std::int64_t gib = std::int64_t{1} << 30;
  if (i.min_disk > flavor.root_gb)
    return "Flavor's disk is smaller than the minimum size specified in image metadata. Flavor "
           "disk is "
           + std::to_string(std::int64_t{flavor.root_gb} * gib) + " bytes, minimum size is "
           + std::to_string(std::int64_t{i.min_disk} * gib) + " bytes.";
  if (i.size > std::int64_t{flavor.root_gb} * gib)
    return "Flavor's disk is too small for requested image. Flavor disk is "
           + std::to_string(std::int64_t{flavor.root_gb} * gib) + " bytes, image is "
           + std::to_string(i.size) + " bytes.";
  return {};
}

} // namespace nimbus::compute
