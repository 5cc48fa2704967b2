// The image records of server actions: snapshots, backups and their rotation.
#include <doctest/doctest.h>

#include "compute/server_images.h"

using namespace nimbus;

TEST_CASE("backups rotate by server and type, newest kept") {
  storage::instance_record r;
  r.uuid = "srv";
  r.project_id = "p";
  std::vector<storage::image> images;
  images.reserve(6);
  for (int i = 0; i < 4; ++i)
    images.push_back(compute::backup_of(r, nullptr, "b" + std::to_string(i), "daily", {}, 10 + i));
  images.push_back(compute::backup_of(r, nullptr, "weekly", "weekly", {}, 1));
  images.push_back(compute::snapshot_of(r, nullptr, "snap", {}, 2));
  CHECK(images[0].properties.at("image_type") == "backup");
  CHECK(images[0].properties.at("backup_type") == "daily");
  CHECK(images[0].visibility == "private");

  auto gone = compute::backups_to_rotate(images, "srv", "daily", 2);
  REQUIRE(gone.size() == 2);
  CHECK(gone[0].name == "b1"); // the two oldest daily ones
  CHECK(gone[1].name == "b0");
  CHECK(compute::backups_to_rotate(images, "srv", "daily", 0).size() == 4);
  CHECK(compute::backups_to_rotate(images, "srv", "weekly", 1).empty());
  CHECK(compute::backups_to_rotate(images, "other", "daily", 0).empty());
}
