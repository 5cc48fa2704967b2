#pragma once
// PATCH /v2/images/{id}: Glance's two JSON-patch dialects, parsed into
// operations and applied to an image record.
//   application/openstack-images-v2.1-json-patch  {"op": "replace", "path": "/name", "value": "x"}
//   application/openstack-images-v2.0-json-patch  {"replace": "/name", "value": "x"}  (tempest's)
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compute/outcome.h"
#include "storage/records.h"

namespace nimbus::api {

enum class patch_dialect { v2_0, v2_1 };

// NOLINTNEXTLINE(bugprone-exception-escape): json's copy may throw (memory), as any string's
struct patch_op {
  enum class kind { add, replace, remove };
  kind op = kind::replace;
  std::string key; // the path's one segment, decoded
  nlohmann::json value;
};

/// The dialect a Content-Type names; nullopt for any other (Glance's 415).
std::optional<patch_dialect> patch_dialect_of(const std::string& content_type);

/// Parses a PATCH body into `out`; a 400 in Glance's words if it is not one.
std::optional<compute::fault> parse_image_patch(const std::string& body, patch_dialect dialect,
                                                std::vector<patch_op>* out);

/// Applies `ops` in order; the first refusal refuses them all (the caller
/// drops `i`).
std::optional<compute::fault> apply_image_patch(storage::image& i, const std::vector<patch_op>& ops,
                                                patch_dialect dialect, bool is_admin);

} // namespace nimbus::api
