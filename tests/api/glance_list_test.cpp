// GET /v2/images' filters, visibility defaults, sort and paging.
#include <doctest/doctest.h>

#include "api/byte_range.h"
#include "api/glance_list.h"

using namespace nimbus;
using query = std::multimap<std::string, std::string>;

namespace {

storage::image img(const std::string& id, const std::string& owner, const std::string& visibility,
                   std::int64_t created_s, std::int64_t size = 0) {
  storage::image i;
  i.id = id;
  i.name = "n-" + id;
  i.owner = owner;
  i.visibility = visibility;
  i.created_us = i.updated_us = created_s * 1000000;
  i.size = size;
  return i;
}

compute::request_context as(const std::string& project) {
  compute::request_context ctx;
  ctx.project_id = project;
  return ctx;
}

std::vector<std::string> ids(const std::vector<storage::image>& all, const query& q,
                             const std::string& project = "p1") {
  api::glance_page page;
  auto refusal = api::list_images(all, q, as(project), &page);
  REQUIRE_FALSE(refusal);
  std::vector<std::string> out;
  for (auto& i : page.images)
    out.push_back(i.id);
  return out;
}

std::string refusal_of(const std::vector<storage::image>& all, const query& q) {
  api::glance_page page;
  auto refusal = api::list_images(all, q, as("p1"), &page);
  REQUIRE(refusal);
  return refusal->message;
}

} // namespace

TEST_CASE("the default list: public, own, accepted shared; not others' community or hidden") {
  auto shared = img("s", "p2", "shared", 5);
  shared.members.push_back({"p1", "pending", 0, 0});
  auto hidden = img("h", "p1", "private", 6);
  hidden.os_hidden = true;
  std::vector<storage::image> all{img("pub", "p2", "public", 1),
                                  img("own", "p1", "private", 2),
                                  img("com", "p2", "community", 3),
                                  img("mycom", "p1", "community", 4),
                                  shared,
                                  hidden};
  CHECK(ids(all, {}) == std::vector<std::string>{"mycom", "own", "pub"}); // newest first
  CHECK(ids(all, {{"member_status", "pending"}, {"visibility", "shared"}})
        == std::vector<std::string>{"s"});
  CHECK(ids(all, {{"visibility", "community"}}) == std::vector<std::string>{"mycom", "com"});
  CHECK(ids(all, {{"os_hidden", "True"}}) == std::vector<std::string>{"h"});
  all[4].members[0].status = "accepted";
  CHECK(ids(all, {}) == std::vector<std::string>{"s", "mycom", "own", "pub"});
}

TEST_CASE("filters: columns, in:, sizes, tags, properties") {
  auto a = img("a", "p1", "private", 1, 10);
  a.tags = {"x", "y"};
  a.properties["image_type"] = "snapshot";
  auto b = img("b", "p1", "private", 2, 20);
  b.tags = {"x"};
  b.disk_format = "raw";
  std::vector<storage::image> all{a, b};
  CHECK(ids(all, {{"size_min", "15"}}) == std::vector<std::string>{"b"});
  CHECK(ids(all, {{"size_max", "15"}}) == std::vector<std::string>{"a"});
  CHECK(ids(all, {{"tag", "x"}, {"tag", "y"}}) == std::vector<std::string>{"a"});
  CHECK(ids(all, {{"disk_format", "raw"}}) == std::vector<std::string>{"b"});
  CHECK(ids(all, {{"name", "in:n-a,n-b"}}) == std::vector<std::string>{"b", "a"});
  CHECK(ids(all, {{"image_type", "snapshot"}}) == std::vector<std::string>{"a"});
  CHECK(ids(all, {{"created_at", "gt:1970-01-01T00:00:01Z"}}) == std::vector<std::string>{"b"});
}

TEST_CASE("sort and paging as Glance: keys, directions, marker, limit") {
  std::vector<storage::image> all{img("a", "p1", "private", 1, 30),
                                  img("b", "p1", "private", 2, 10),
                                  img("c", "p1", "private", 3, 20)};
  CHECK(ids(all, {{"sort", "size:asc"}}) == std::vector<std::string>{"b", "c", "a"});
  CHECK(ids(all, {{"sort_key", "size"}, {"sort_dir", "desc"}})
        == std::vector<std::string>{"a", "c", "b"});
  CHECK(ids(all, {{"limit", "2"}}) == std::vector<std::string>{"c", "b"});
  CHECK(ids(all, {{"limit", "2"}, {"marker", "b"}}) == std::vector<std::string>{"a"});
  api::glance_page page;
  REQUIRE_FALSE(api::list_images(all, {{"limit", "2"}}, as("p1"), &page));
  CHECK(page.more);
}

TEST_CASE("images made within one second keep their order in a sort by created_at") {
  auto first = img("z-first", "p1", "private", 5);
  auto second = img("a-second", "p1", "private", 5);
  second.created_us += 1; // a microsecond later, the same second
  std::vector<storage::image> all{second, first};
  CHECK(ids(all, {{"sort_key", "created_at"}, {"sort_dir", "asc"}})
        == std::vector<std::string>{"z-first", "a-second"});
}

TEST_CASE("a list's refusals") {
  std::vector<storage::image> all{img("a", "p1", "private", 1)};
  CHECK(refusal_of(all, {{"visibility", "everyone"}}) == "Invalid visibility value: everyone");
  CHECK(refusal_of(all, {{"member_status", "x"}}) == "Invalid status: x");
  CHECK(refusal_of(all, {{"limit", "-1"}}) == "limit param must be positive");
  CHECK(refusal_of(all, {{"limit", "x"}}) == "limit param must be an integer");
  CHECK(refusal_of(all, {{"marker", "zz"}}) == "No image found with ID zz");
  CHECK(refusal_of(all, {{"sort_key", "owner"}}).rfind("Invalid sort key: owner.", 0) == 0);
  CHECK(refusal_of(all, {{"sort", "name"}, {"sort_key", "name"}})
        == "Old and new sorting syntax cannot be combined");
  CHECK(refusal_of(all, {{"os_hidden", "maybe"}}).rfind("Invalid value 'maybe'", 0) == 0);
}

TEST_CASE("one byte range of a body, as Glance serves ranges") {
  api::range_refusal why;
  auto r = api::parse_byte_range("bytes=0-4", 10, &why);
  REQUIRE(r);
  CHECK(r->first == 0);
  CHECK(r->length == 5);
  r = api::parse_byte_range("bytes=3-", 10, &why);
  CHECK(r->length == 7);
  r = api::parse_byte_range("bytes=-2", 10, &why);
  CHECK(r->first == 8);
  r = api::parse_byte_range("bytes=5-100", 10, &why);
  CHECK(r->length == 5); // clamped
  CHECK_FALSE(api::parse_byte_range("", 10, &why));
  CHECK(why == api::range_refusal::none);
  CHECK_FALSE(api::parse_byte_range("bytes=0-1,3-4", 10, &why));
  CHECK(why == api::range_refusal::several);
  CHECK_FALSE(api::parse_byte_range("bytes=10-", 10, &why));
  CHECK(why == api::range_refusal::unsatisfied);
  CHECK_FALSE(api::parse_byte_range("lines=1-2", 10, &why));
  CHECK(why == api::range_refusal::unparsable);
  CHECK_FALSE(api::parse_byte_range("bytes=4-2", 10, &why));
  CHECK(why == api::range_refusal::unparsable);
}
