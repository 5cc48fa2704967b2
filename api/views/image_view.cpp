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
  out["status"] = "ACTIVE";
  out["progress"] = 100;
  out["minDisk"] = i.min_disk;
  out["minRam"] = i.min_ram;
  out["created"] = iso_seconds(i.created_us);
  out["updated"] = iso_seconds(i.created_us);
  out["metadata"] = i.properties;
  out["OS-EXT-IMG-SIZE:size"] = i.size;
  return out;
}

json glance_image(const storage::image& i) {
  json out = {{"id", i.id},
              {"name", i.name},
              {"status", i.status},
              {"visibility", i.visibility},
              {"protected", false},
              {"disk_format", i.disk_format},
              {"container_format", i.container_format},
              {"size", i.size},
              {"min_disk", i.min_disk},
              {"min_ram", i.min_ram},
              {"created_at", iso_seconds(i.created_us)},
              {"updated_at", iso_seconds(i.updated_us ? i.updated_us : i.created_us)},
              {"tags", json::array()},
              {"owner", i.owner.empty() ? json(nullptr) : json(i.owner)},
              {"self", "/v2/images/" + i.id},
              {"file", "/v2/images/" + i.id + "/file"},
              {"schema", "/v2/schemas/image"}};
  for (auto& [k, v] : i.properties) // Glance shows extra properties beside its own
    if (!out.contains(k))
      out[k] = v;
  return out;
}

} // namespace nimbus::api
