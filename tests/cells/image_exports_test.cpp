// The end of a createImage's export, as the API cell settles it: on a real
// RocksDB store and a real image store in a temporary folder.
#include <doctest/doctest.h>

#include <fstream>

#include "cells/image_exports.h"
#include "tests/support/temp_dir.h"

using namespace nimbus;

namespace {

struct export_fixture {
  test::temp_dir dir;
  std::shared_ptr<storage::store> store = open();
  cells::api_cell api{store};
  storage::image_files files{dir.sub("images")};

  std::shared_ptr<storage::store> open() {
    std::error_code ec;
    std::shared_ptr<storage::store> s = storage::open_rocksdb_store({dir.sub("api")}, &ec);
    REQUIRE_FALSE(ec);
    return s;
  }

  /// A createImage's record as the API makes it: saving, the base image's
  /// formats and size.
  void saving(const std::string& id) {
    storage::image i;
    i.id = id;
    i.name = "snap";
    i.status = "saving";
    i.disk_format = "raw";
    i.container_format = "bare";
    i.size = 1234;
    REQUIRE_FALSE(api.put(i));
  }

  /// A staged export holding `data`.
  std::string staged(const std::string& data) {
    auto path = files.staging_path();
    std::ofstream(path, std::ios::binary) << data;
    return path;
  }

  bool has_data(const std::string& id) {
    std::string path;
    std::int64_t size = 0;
    return !files.locate(id, &path, &size);
  }
};

} // namespace

TEST_CASE_FIXTURE(export_fixture, "image export: the staged disk becomes the image's data") {
  saving("img-1");
  auto path = staged("QFI\xfb a disk");
  cells::settle_export(api, &files, "img-1", path, "");
  auto i = api.image("img-1");
  REQUIRE(i);
  CHECK(i->status == "active");
  CHECK(i->disk_format == "qcow2");
  CHECK(i->size == 11);
  CHECK(i->checksum.size() == 32);
  CHECK(i->os_hash_algo == "sha512");
  CHECK(i->os_hash_value.size() == 128);
  CHECK(has_data("img-1"));
  CHECK_FALSE(std::ifstream(path).good()); // moved into place
}

TEST_CASE_FIXTURE(export_fixture,
                  "image export: a host without disks makes an image without data") {
  saving("img-2");
  cells::settle_export(api, &files, "img-2", "", "");
  auto i = api.image("img-2");
  REQUIRE(i);
  CHECK(i->status == "active");
  CHECK(i->disk_format == "raw"); // as recorded
  CHECK(i->size == 1234);
  CHECK_FALSE(has_data("img-2"));
}

TEST_CASE_FIXTURE(export_fixture, "image export: a failed export deletes the image and its file") {
  saving("img-3");
  auto path = staged("part of a disk");
  cells::settle_export(api, &files, "img-3", path, "qemu-img: No space left on device");
  CHECK_FALSE(api.image("img-3"));
  CHECK_FALSE(std::ifstream(path).good());
}

TEST_CASE_FIXTURE(export_fixture, "image export: an image deleted meanwhile keeps no data") {
  auto path = staged("a disk");
  cells::settle_export(api, &files, "img-4", path, "");
  CHECK_FALSE(api.image("img-4"));
  CHECK_FALSE(has_data("img-4"));
}

TEST_CASE_FIXTURE(export_fixture, "image export: a file outside the staging folder is not taken") {
  saving("img-5");
  auto outside = dir.sub("elsewhere");
  std::ofstream(outside) << "secret";
  cells::settle_export(api, &files, "img-5", outside, "");
  CHECK_FALSE(api.image("img-5"));
  CHECK(std::ifstream(outside).good()); // left where it was
  CHECK_FALSE(has_data("img-5"));
  // Nor one that climbs out of it.
  saving("img-6");
  cells::settle_export(api, &files, "img-6", files.staging_path() + "/../../elsewhere", "");
  CHECK_FALSE(api.image("img-6"));
  CHECK(std::ifstream(outside).good());
}
