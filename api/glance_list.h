#pragma once
// GET /v2/images: Glance's filters, sort and paging over the images a
// caller may see (compute/image_catalog.h), free of HTTP so that it can be
// tested alone.
//
// By default a caller lists public images, its project's images, and shared
// images it has accepted; others' community images only with
// ?visibility=community (or all), hidden ones only with ?os_hidden=true.
// Killed images are never listed.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compute/compute_api.h"
#include "compute/outcome.h"
#include "storage/records.h"

namespace nimbus::api {

struct glance_page {
  std::vector<storage::image> images;
  bool more = false; // a full page: Glance gives a "next" link (marker: the last id)
};

/// Filters, sorts and pages `visible` by the query; a 400 in Glance's
/// words for a parameter it refuses.
std::optional<compute::fault> list_images(std::vector<storage::image> visible,
                                          const std::multimap<std::string, std::string>& query,
                                          const compute::request_context& ctx, glance_page* out);

} // namespace nimbus::api
