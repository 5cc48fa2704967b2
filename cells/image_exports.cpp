#include "cells/image_exports.h"

#include <spdlog/spdlog.h>

#include "storage/clock.h"

namespace nimbus::cells {
namespace {

// The image leaves only while it is still the export's: one an operator
// changed meanwhile (deactivated, say) is theirs.
void drop_saving(api_cell& api, const std::string& image) {
  auto i = api.image(image);
  if (!i || i->status != "saving")
    return;
  api.erase_image(image, [image](std::error_code ec) {
    if (ec)
      spdlog::error("image {}: cannot delete the failed snapshot: {}", image, ec.message());
  });
}

} // namespace

void settle_export(api_cell& api, storage::image_files* files, const std::string& image,
                   const std::string& path, const std::string& error) {
  bool has_file = files && !path.empty();
  if (has_file && !files->is_staged(path)) {
    spdlog::error("image {}: refused an export outside the image store's staging folder: {}", image,
                  path);
    return drop_saving(api, image);
  }
  if (!error.empty()) {
    spdlog::warn("image {}: the server's disk could not be written out: {}", image, error);
    if (has_file)
      storage::image_files::discard(path);
    return drop_saving(api, image);
  }
  storage::file_digest d;
  if (has_file) {
    if (auto ec = files->adopt(image, path, &d)) {
      spdlog::error("image {}: cannot store the exported disk: {}", image, ec.message());
      return drop_saving(api, image);
    }
  }
  storage::image after;
  auto ec = api.change_image(
    image,
    [&](storage::image& i) {
      if (i.status != "saving")
        return false;
      i.status = "active";
      if (has_file) {
        i.disk_format = "qcow2";
        i.container_format = "bare";
        i.size = d.size;
        i.checksum = d.md5;
        i.os_hash_algo = "sha512";
        i.os_hash_value = d.sha512;
      }
      i.updated_us = storage::now_us();
      return true;
    },
    &after);
  if (has_file && (ec || after.status != "active")) // deleted (or changed) meanwhile
    files->remove(image);
  if (ec && ec != storage::errc::not_found)
    spdlog::error("image {}: cannot record the snapshot as active: {}", image, ec.message());
}

} // namespace nimbus::cells
