#pragma once
// Images, as Nova's deprecated /v2.1/images proxy and as Glance v2 show them.
#include <nlohmann/json.hpp>

#include "api/views/server_view.h"

namespace nimbus::api {

nlohmann::json nova_image_brief(const storage::image& i, const std::string& base_url);
nlohmann::json nova_image_detail(const storage::image& i, const std::string& base_url);
/// Glance v2's image object (unwrapped): extra properties, then Glance's
/// own attributes, null where there is no value yet.
nlohmann::json glance_image(const storage::image& i);
/// Glance v2's image member object.
nlohmann::json glance_member(const std::string& image_id, const storage::image_member& m);

} // namespace nimbus::api
