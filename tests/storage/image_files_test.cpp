#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/errc.h"
#include "storage/image_files.h"
#include "tests/support/temp_dir.h"

using namespace nimbus::storage;
using nimbus::storage::errc;
namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

} // namespace

TEST_CASE("an adopted upload is in place with Glance's size, md5 and sha512") {
  nimbus::test::temp_dir dir;
  image_files files(dir.sub("images"));
  REQUIRE(files.usable());
  auto staged = files.staging_path();
  write_file(staged, "abc");
  file_digest d;
  REQUIRE_FALSE(files.adopt("img-1", staged, &d));
  CHECK(d.size == 3);
  CHECK(d.md5 == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(d.sha512.substr(0, 16) == "ddaf35a193617aba");
  CHECK_FALSE(fs::exists(staged));
  std::string path;
  std::int64_t size = 0;
  REQUIRE_FALSE(files.locate("img-1", &path, &size));
  CHECK(size == 3);
  CHECK(read_file(path) == "abc");
}

TEST_CASE("an image without data is not found, and removing it twice is no error") {
  nimbus::test::temp_dir dir;
  image_files files(dir.sub("images"));
  std::string path;
  std::int64_t size = 0;
  CHECK(files.locate("none", &path, &size) == errc::not_found);
  file_digest d;
  REQUIRE_FALSE(files.write("x", "data", &d));
  CHECK_FALSE(files.remove("x"));
  CHECK_FALSE(files.remove("x"));
  CHECK(files.locate("x", &path, &size) == errc::not_found);
}

TEST_CASE("ids that are not plain file names are refused, and the staged file goes") {
  nimbus::test::temp_dir dir;
  image_files files(dir.sub("images"));
  auto staged = files.staging_path();
  write_file(staged, "abc");
  file_digest d;
  CHECK(files.adopt("../escape", staged, &d) == errc::invalid_argument);
  CHECK_FALSE(fs::exists(staged));
  CHECK_FALSE(fs::exists(dir.sub("escape")));
  CHECK(files.write("a/b", "x", &d) == errc::invalid_argument);
  CHECK(files.remove("") == errc::invalid_argument);
}

TEST_CASE("a new start removes the uploads a crash left in staging, not the images") {
  nimbus::test::temp_dir dir;
  std::string staged;
  {
    image_files files(dir.sub("images"));
    file_digest d;
    REQUIRE_FALSE(files.write("kept", "image", &d));
    staged = files.staging_path();
    write_file(staged, "half an upload");
  }
  image_files again(dir.sub("images"));
  CHECK_FALSE(fs::exists(staged));
  std::string path;
  std::int64_t size = 0;
  REQUIRE_FALSE(again.locate("kept", &path, &size));
  CHECK(read_file(path) == "image");
}

TEST_CASE("a second adopt replaces the data whole") {
  nimbus::test::temp_dir dir;
  image_files files(dir.sub("images"));
  file_digest d;
  REQUIRE_FALSE(files.write("i", std::string(100000, 'a'), &d));
  REQUIRE_FALSE(files.write("i", "b", &d));
  CHECK(d.size == 1);
  std::string path;
  std::int64_t size = 0;
  REQUIRE_FALSE(files.locate("i", &path, &size));
  CHECK(read_file(path) == "b");
}

TEST_CASE("a folder that cannot be made leaves the store unusable, and writes fail") {
  nimbus::test::temp_dir dir;
  write_file(dir.sub("file"), "not a folder");
  image_files files(dir.sub("file") + "/images");
  CHECK_FALSE(files.usable());
  file_digest d;
  CHECK(files.write("i", "x", &d));
}
