// The Glance subset's rules without HTTP: who sees and changes an image, the
// upload's states, members, and that records and data survive a restart.
#include <doctest/doctest.h>

#include <fstream>

#include "cells/api_cell.h"
#include "compute/image_catalog.h"
#include "storage/store.h"
#include "tests/support/temp_dir.h"

using namespace nimbus;
using compute::fault_kind;

namespace {

compute::request_context caller(const std::string& project, bool admin = false) {
  compute::request_context ctx;
  ctx.user_id = "u-" + project;
  ctx.project_id = project;
  ctx.is_admin = admin;
  return ctx;
}

struct catalog_fixture {
  test::temp_dir dir;
  std::shared_ptr<cells::api_cell> api;
  std::unique_ptr<compute::image_catalog> catalog;
  compute::image_options options;

  catalog_fixture() { open(); }

  void open() {
    catalog.reset();
    api.reset();
    std::error_code ec;
    std::shared_ptr<storage::store> s = storage::open_rocksdb_store({dir.sub("api")}, &ec);
    REQUIRE_FALSE(ec);
    api = std::make_shared<cells::api_cell>(s);
    catalog = std::make_unique<compute::image_catalog>(
      api, std::make_shared<storage::image_files>(dir.sub("images")), options);
  }

  storage::image make(const std::string& project, const std::string& visibility = "shared") {
    storage::image i;
    i.name = "img";
    i.visibility = visibility;
    auto made = catalog->create(caller(project), i);
    REQUIRE(made.ok());
    return made.value;
  }

  std::string staged(const std::string& data) {
    auto path = catalog->staging_path();
    std::ofstream(path, std::ios::binary) << data;
    return path;
  }
};

} // namespace

TEST_CASE("an upload makes a queued image active with its size and hashes, once") {
  catalog_fixture f;
  auto i = f.make("p1");
  CHECK(i.status == "queued");
  auto up = f.catalog->upload(caller("p1"), i.id, f.staged("abc"));
  REQUIRE(up.ok());
  CHECK(up.value.status == "active");
  CHECK(up.value.size == 3);
  CHECK(up.value.checksum == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(up.value.os_hash_algo == "sha512");
  CHECK(up.value.os_hash_value.size() == 128);
  auto again = f.catalog->upload(caller("p1"), i.id, f.staged("abcd"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error->kind == fault_kind::conflict);
  CHECK(again.error->message == "Image status transition from active to saving is not allowed");
  auto data = f.catalog->data(caller("p1"), i.id);
  REQUIRE(data.ok());
  REQUIRE(data.value);
  CHECK(data.value->size == 3);
}

TEST_CASE("an image without data has none to download, and another project cannot upload") {
  catalog_fixture f;
  auto i = f.make("p1", "public");
  auto data = f.catalog->data(caller("p2"), i.id);
  REQUIRE(data.ok());
  CHECK_FALSE(data.value);
  auto up = f.catalog->upload(caller("p2"), i.id, f.staged("x"));
  REQUIRE_FALSE(up.ok());
  CHECK(up.error->kind == fault_kind::forbidden);
  CHECK(f.catalog->find(caller("p1"), i.id)->status == "queued");
}

TEST_CASE("an upload past the project's storage quota is refused and the image stays queued") {
  catalog_fixture f;
  f.options.user_storage_quota = 5;
  f.open();
  auto first = f.make("p1");
  REQUIRE(f.catalog->upload(caller("p1"), first.id, f.staged("abcd")).ok());
  auto second = f.make("p1");
  auto up = f.catalog->upload(caller("p1"), second.id, f.staged("ab"));
  REQUIRE_FALSE(up.ok());
  CHECK(up.error->kind == fault_kind::too_large);
  CHECK(up.error->message.find("1 bytes remaining") != std::string::npos);
  CHECK(f.catalog->find(caller("p1"), second.id)->status == "queued");
  CHECK(f.catalog->upload(caller("p2"), f.make("p2").id, f.staged("abcd")).ok()); // its own quota
}

TEST_CASE("private and shared images are seen by their owner, members and admins only") {
  catalog_fixture f;
  auto priv = f.make("p1", "private");
  auto shared = f.make("p1", "shared");
  auto community = f.make("p1", "community");
  CHECK(f.catalog->find(caller("p1"), priv.id));
  CHECK_FALSE(f.catalog->find(caller("p2"), priv.id));
  CHECK(f.catalog->find(caller("p2", true), priv.id));
  CHECK_FALSE(f.catalog->find(caller("p2"), shared.id));
  CHECK(f.catalog->find(caller("p2"), community.id));

  REQUIRE(f.catalog->add_member(caller("p1"), shared.id, "p2").ok());
  CHECK(f.catalog->find(caller("p2"), shared.id)); // pending members see it
  auto dup = f.catalog->add_member(caller("p1"), shared.id, "p2");
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error->kind == fault_kind::conflict);
  auto not_shared = f.catalog->add_member(caller("p1"), priv.id, "p2");
  REQUIRE_FALSE(not_shared.ok());
  CHECK(not_shared.error->kind == fault_kind::forbidden);
  // Only the member answers for itself.
  CHECK_FALSE(f.catalog->set_member_status(caller("p1"), shared.id, "p2", "accepted").ok());
  auto accepted = f.catalog->set_member_status(caller("p2"), shared.id, "p2", "accepted");
  REQUIRE(accepted.ok());
  CHECK(accepted.value.status == "accepted");
  REQUIRE(f.catalog->remove_member(caller("p1"), shared.id, "p2").ok());
  CHECK_FALSE(f.catalog->find(caller("p2"), shared.id));
}

TEST_CASE("a protected image is not deleted; a deleted one loses its data") {
  catalog_fixture f;
  auto i = f.make("p1");
  REQUIRE(f.catalog->upload(caller("p1"), i.id, f.staged("data")).ok());
  REQUIRE(f.catalog
            ->change(caller("p1"), i.id,
                     [](storage::image& x) -> std::optional<compute::fault> {
                       x.is_protected = true;
                       return std::nullopt;
                     })
            .ok());
  auto refused = f.catalog->erase(caller("p1"), i.id);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error->message == "Image " + i.id + " is protected and cannot be deleted.");
  f.catalog->change(caller("p1"), i.id, [](storage::image& x) -> std::optional<compute::fault> {
    x.is_protected = false;
    return std::nullopt;
  });
  auto path = f.catalog->data(caller("p1"), i.id).value->path;
  REQUIRE(f.catalog->erase(caller("p1"), i.id).ok());
  CHECK_FALSE(std::ifstream(path).good());
  CHECK_FALSE(f.catalog->find(caller("p1"), i.id));
}

TEST_CASE("deactivation is the owner's; a deactivated image's data is an admin's only") {
  catalog_fixture f;
  auto i = f.make("p1", "public");
  CHECK(f.catalog->set_deactivated(caller("p1"), i.id, true).error->message
        == "Not allowed to deactivate image in status 'queued'");
  REQUIRE(f.catalog->upload(caller("p1"), i.id, f.staged("data")).ok());
  CHECK(f.catalog->set_deactivated(caller("p2"), i.id, true).error->kind == fault_kind::forbidden);
  REQUIRE(f.catalog->set_deactivated(caller("p1"), i.id, true).ok());
  REQUIRE(f.catalog->set_deactivated(caller("p1"), i.id, true).ok()); // again: a no-op
  CHECK(f.catalog->data(caller("p2"), i.id).error->kind == fault_kind::forbidden);
  CHECK(f.catalog->data(caller("admin", true), i.id).value);
  REQUIRE(f.catalog->set_deactivated(caller("p1"), i.id, false).ok());
  CHECK(f.catalog->data(caller("p2"), i.id).value);
}

TEST_CASE("records and data survive a restart") {
  catalog_fixture f;
  auto i = f.make("p1");
  REQUIRE(f.catalog->upload(caller("p1"), i.id, f.staged("kept")).ok());
  f.open();
  auto again = f.catalog->find(caller("p1"), i.id);
  REQUIRE(again);
  CHECK(again->status == "active");
  CHECK(again->size == 4);
  auto data = f.catalog->data(caller("p1"), i.id);
  REQUIRE(data.value);
  std::ifstream in(data.value->path);
  std::string text;
  in >> text;
  CHECK(text == "kept");
}

TEST_CASE("an image with a taken id is refused, and a project cannot create for another") {
  catalog_fixture f;
  auto i = f.make("p1");
  storage::image same;
  same.id = i.id;
  auto dup = f.catalog->create(caller("p1"), same);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error->message == "Image ID " + i.id + " already exists!");
  storage::image theirs;
  theirs.owner = "p2";
  CHECK(f.catalog->create(caller("p1"), theirs).error->kind == fault_kind::forbidden);
  CHECK(f.catalog->create(caller("p1", true), theirs).value.owner == "p2");
}
