#include "api/views/image_view.h"

#include "api/formats.h"

namespace nimbus::api {

using nlohmann::json;

json nova_image_brief(const storage::image& i, const std::string& base_url) {
  auto links = self_links(base_url, "images", i.id);
  links.push_back({{"rel", "alternate"},
                   {"type", "application/vnd.openstack.image"},
                   {"href", base_url + "/images/" + i.id}});
  return {{"id", i.id}, {"name", i.name}, {"links", links}};
}

json nova_image_detail(const storage::image& i, const std::string& base_url) {
  auto out = nova_image_brief(i, base_url);
  // Nova's proxy words Glance's states its own way.
  auto saving = i.status == "queued" || i.status == "saving" || i.status == "importing";
  out["status"] = saving                      ? "SAVING"
                  : i.status == "killed"      ? "ERROR"
                  : i.status == "deactivated" ? "DEACTIVATED"
                                              : "ACTIVE";
  out["progress"] = i.status == "queued" ? 25 : saving ? 50 : 100;
  out["minDisk"] = i.min_disk;
  out["minRam"] = i.min_ram;
  out["created"] = iso_seconds(i.created_us);
  out["updated"] = iso_seconds(i.updated_us ? i.updated_us : i.created_us);
  out["metadata"] = i.properties;
  out["OS-EXT-IMG-SIZE:size"] = i.size;
  return out;
}

namespace {

bool has_no_data_yet(const storage::image& i) {
  return i.status == "queued" || i.status == "saving";
}

} // namespace

json glance_image(const storage::image& i) {
  json out = json::object();
  for (auto& [k, v] : i.properties) // Glance shows extra properties beside its own
    out[k] = v;
  out["name"] = string_or_null(i.name);
  out["disk_format"] = string_or_null(i.disk_format);
  out["container_format"] = string_or_null(i.container_format);
  out["visibility"] = i.visibility;
  out["size"] = has_no_data_yet(i) ? json(nullptr) : json(i.size);
  out["virtual_size"] = nullptr;
  out["status"] = i.status;
  out["checksum"] = string_or_null(i.checksum);
  out["protected"] = i.is_protected;
  out["min_ram"] = i.min_ram;
  out["min_disk"] = i.min_disk;
  out["owner"] = string_or_null(i.owner);
  out["os_hidden"] = i.os_hidden;
  out["os_hash_algo"] = string_or_null(i.os_hash_algo);
  out["os_hash_value"] = string_or_null(i.os_hash_value);
  out["id"] = i.id;
  out["created_at"] = iso_seconds(i.created_us);
  out["updated_at"] = iso_seconds(i.updated_us ? i.updated_us : i.created_us);
  out["tags"] = i.tags;
  out["self"] = "/v2/images/" + i.id;
  out["file"] = "/v2/images/" + i.id + "/file";
  out["schema"] = "/v2/schemas/image";
  return out;
}

json glance_member(const std::string& image_id, const storage::image_member& m) {
  return {{"member_id", m.member_id},
          {"image_id", image_id},
          {"status", m.status},
          {"created_at", iso_seconds(m.created_us)},
          {"updated_at", iso_seconds(m.updated_us)},
          {"schema", "/v2/schemas/member"}};
}

} // namespace nimbus::api
