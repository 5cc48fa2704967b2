// How a server_update changes a record: the metadata_items quota it carries.
#include <doctest/doctest.h>

#include "actors/instance/server_update.h"

using nimbus::server_update;
using nimbus::instance::apply_update;
using nimbus::instance::metadata_refusal;

TEST_CASE("the metadata_items limit counts the metadata as changed, -1 is unlimited") {
  CHECK(metadata_refusal(2, 2).empty());
  CHECK(metadata_refusal(-1, 100000).empty());
  CHECK(metadata_refusal(0, 1)
        == "Quota exceeded for metadata_items: Maximum number of metadata items exceeds 0");

  nimbus::storage::instance_record r;
  r.uuid = "u1";
  r.metadata = {{"a", "1"}};
  server_update merge;
  merge.uuid = "u1";
  merge.metadata = {{"b", "2"}, {"c", "3"}};
  merge.metadata_limit = 2;
  CHECK(apply_update(merge, r)); // 1 kept + 2 new
  CHECK(r.metadata.size() == 1); // a refused update leaves the record as it was

  merge.metadata_limit = 3;
  CHECK(!apply_update(merge, r));
  CHECK(r.metadata.size() == 3);

  server_update replace;
  replace.uuid = "u1";
  replace.replace_metadata = true;
  replace.metadata = {{"z", "9"}};
  replace.metadata_limit = 1;
  CHECK(!apply_update(replace, r));
  CHECK(r.metadata == std::map<std::string, std::string>{{"z", "9"}});
}

TEST_CASE("a limit below what a server holds blocks no rename and no removal") {
  nimbus::storage::instance_record r;
  r.uuid = "u1";
  r.metadata = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  server_update rename;
  rename.uuid = "u1";
  rename.set_name = true;
  rename.name = "renamed";
  rename.metadata_limit = 1;
  CHECK(!apply_update(rename, r));
  CHECK(r.name == "renamed");
  server_update removal;
  removal.uuid = "u1";
  removal.delete_metadata = {"a"};
  removal.metadata_limit = 1;
  CHECK(!apply_update(removal, r));
  CHECK(r.metadata.size() == 2);
  server_update more; // setting an item is checked against what stays
  more.uuid = "u1";
  more.metadata = {{"b", "9"}};
  more.metadata_limit = 1;
  CHECK(apply_update(more, r));
}
