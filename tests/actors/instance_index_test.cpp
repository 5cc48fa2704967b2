#include <doctest/doctest.h>

#include "actors/conductor/instance_index.h"

using namespace nimbus;

namespace {
storage::instance_record rec(std::string uuid, std::int64_t created, std::string project = "p") {
  storage::instance_record r;
  r.uuid = std::move(uuid);
  r.created_us = created;
  r.project_id = std::move(project);
  return r;
}
std::vector<std::string> uuids(const std::vector<storage::instance_record>& v) {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (auto& r : v)
    out.push_back(r.uuid);
  return out;
}
} // namespace

TEST_CASE("pages come newest first, ties broken by uuid, and resume after the marker") {
  conductor::instance_index idx;
  idx.upsert(rec("a", 1));
  idx.upsert(rec("c", 2));
  idx.upsert(rec("b", 2));
  idx.upsert(rec("d", 3, "other"));
  list_query q;
  q.limit = 10;
  CHECK(uuids(idx.page(q)) == std::vector<std::string>{"d", "c", "b", "a"});
  q.limit = 2;
  CHECK(uuids(idx.page(q)) == std::vector<std::string>{"d", "c"});
  q.has_marker = true;
  q.marker_created_us = 2;
  q.marker_uuid = "c";
  CHECK(uuids(idx.page(q)) == std::vector<std::string>{"b", "a"});
  q.has_marker = false;
  q.project_id = "p";
  q.limit = 10;
  CHECK(uuids(idx.page(q)) == std::vector<std::string>{"c", "b", "a"});
}

TEST_CASE("upsert replaces and erase removes") {
  conductor::instance_index idx;
  idx.upsert(rec("a", 1));
  auto r = rec("a", 1);
  r.name = "renamed";
  idx.upsert(r);
  CHECK(idx.size() == 1);
  CHECK(idx.find("a")->name == "renamed");
  CHECK(idx.erase("a"));
  CHECK_FALSE(idx.erase("a"));
  CHECK(idx.page({}).empty());
}
