// A host's image cache: a base per image (a hard link to the store's file),
// copy-on-write overlays on it whatever the image's size, and the cleanup
// of bases no guest uses.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include "hypervisor/errc.h"
#include "hypervisor/image_cache.h"
#include "tests/support/temp_dir.h"

using namespace nimbus::hypervisor;
namespace fs = std::filesystem;

TEST_CASE("a base is the store's file, linked once; unknown images are not found") {
  nimbus::test::temp_dir dir;
  fs::create_directories(dir.sub("store"));
  std::ofstream(dir.sub("store") + "/img") << "image data";
  image_cache cache(dir.sub("store"), dir.sub("cache"));
  std::string base;
  REQUIRE_FALSE(cache.base_of("img", &base));
  CHECK(base == dir.sub("cache") + "/img");
  struct stat a {
  }, b{};
  REQUIRE(::stat(base.c_str(), &a) == 0);
  REQUIRE(::stat((dir.sub("store") + "/img").c_str(), &b) == 0);
  CHECK(a.st_ino == b.st_ino); // a link, not a copy
  CHECK(cache.base_of("missing", &base) == errc::not_found);
  CHECK(cache.base_of("../store/img", &base) == errc::not_found);
}

TEST_CASE("an overlay is a small qcow2 on the base, however large the base is") {
  REQUIRE(run_program({"qemu-img", "--version"})); // qemu-utils, from scripts/install-deps.sh
  nimbus::test::temp_dir dir;
  fs::create_directories(dir.sub("store"));
  REQUIRE(run_program({"qemu-img", "create", "-q", "-f", "raw", dir.sub("store") + "/big", "10G"}));
  image_cache cache(dir.sub("store"), dir.sub("cache"));
  auto overlay = dir.sub("pool") + "/vm.qcow2";
  REQUIRE_FALSE(cache.create_overlay("big", overlay, 20));
  CHECK(fs::file_size(overlay) < 1024 * 1024); // metadata only: nothing of the 10 GB copied
  std::string info;
  REQUIRE(run_program({"qemu-img", "info", overlay}, &info));
  CHECK(info.find("backing file: " + dir.sub("cache") + "/big") != std::string::npos);
  CHECK(info.find("virtual size: 20 GiB") != std::string::npos);
  CHECK(cache.create_overlay("nope", overlay, 1) == errc::not_found);
}

TEST_CASE("bases no guest uses are removed, the others kept") {
  nimbus::test::temp_dir dir;
  fs::create_directories(dir.sub("store"));
  for (auto id : {"a", "b", "c"})
    std::ofstream(dir.sub("store") + "/" + id) << id;
  image_cache cache(dir.sub("store"), dir.sub("cache"));
  std::string base;
  for (auto id : {"a", "b", "c"})
    REQUIRE_FALSE(cache.base_of(id, &base));
  auto removed = cache.remove_unused({"b"});
  std::sort(removed.begin(), removed.end());
  CHECK(removed == std::vector<std::string>{"a", "c"});
  CHECK(fs::exists(dir.sub("cache") + "/b"));
  CHECK_FALSE(fs::exists(dir.sub("cache") + "/a"));
  CHECK(fs::exists(dir.sub("store") + "/a")); // the store keeps its own
}

TEST_CASE("a base used recently stays until it has been unused for the minimum age") {
  nimbus::test::temp_dir dir;
  fs::create_directories(dir.sub("store"));
  for (auto id : {"old", "new"})
    std::ofstream(dir.sub("store") + "/" + id) << id;
  image_cache cache(dir.sub("store"), dir.sub("cache"));
  std::string base;
  REQUIRE_FALSE(cache.base_of("old", &base));
  fs::last_write_time(base, fs::file_time_type::clock::now() - std::chrono::hours(48));
  REQUIRE_FALSE(cache.base_of("new", &base));
  CHECK(cache.remove_unused({}, std::chrono::hours(24)) == std::vector<std::string>{"old"});
  CHECK(fs::exists(dir.sub("cache") + "/new"));
  // Given to a guest again, a base is used now.
  fs::last_write_time(base, fs::file_time_type::clock::now() - std::chrono::hours(48));
  REQUIRE_FALSE(cache.base_of("new", &base));
  CHECK(cache.remove_unused({}, std::chrono::hours(24)).empty());
}

TEST_CASE("an image that names other files is refused, and a guest's own disk is kept") {
  REQUIRE(run_program({"qemu-img", "--version"}));
  nimbus::test::temp_dir dir;
  fs::create_directories(dir.sub("store"));
  std::ofstream(dir.sub("secret")) << "not the user's";
  // A qcow2 whose backing file is a host file: booting it would show that file to the guest.
  REQUIRE(run_program({"qemu-img", "create", "-q", "-f", "qcow2", "-b", dir.sub("secret"), "-F",
                       "raw", dir.sub("store") + "/evil"}));
  REQUIRE(
    run_program({"qemu-img", "create", "-q", "-f", "raw", dir.sub("store") + "/plain", "1M"}));
  image_cache cache(dir.sub("store"), dir.sub("cache"));
  CHECK(cache.create_overlay("evil", dir.sub("pool") + "/a.qcow2", 1) == errc::invalid_state);
  CHECK_FALSE(fs::exists(dir.sub("pool") + "/a.qcow2"));
  auto disk = dir.sub("pool") + "/b.qcow2";
  REQUIRE_FALSE(cache.create_overlay("plain", disk, 1));
  std::ofstream(disk, std::ios::app) << "written by the guest";
  auto size = fs::file_size(disk);
  REQUIRE_FALSE(cache.create_overlay("plain", disk, 1)); // a re-spawn
  CHECK(fs::file_size(disk) == size);
}
