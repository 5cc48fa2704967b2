// Glance's PATCH dialects and attribute rules, on records alone.
#include <doctest/doctest.h>

#include "api/glance_attributes.h"
#include "api/glance_patch.h"

using namespace nimbus;
using api::patch_dialect;
using compute::fault_kind;
using nlohmann::json;

namespace {

std::optional<compute::fault> patch(storage::image& i, const std::string& body,
                                    patch_dialect d = patch_dialect::v2_1, bool admin = false) {
  std::vector<api::patch_op> ops;
  if (auto refusal = api::parse_image_patch(body, d, &ops))
    return refusal;
  return api::apply_image_patch(i, ops, d, admin);
}

} // namespace

TEST_CASE("the two dialects set, add and remove attributes and properties") {
  storage::image i;
  i.status = "queued";
  CHECK_FALSE(patch(i, R"([{"op": "replace", "path": "/name", "value": "new"},
                           {"op": "add", "path": "/hw_disk_bus", "value": "scsi"},
                           {"op": "replace", "path": "/min_ram", "value": 512},
                           {"op": "add", "path": "/tags", "value": ["a", "b", "a"]}])"));
  CHECK(i.name == "new");
  CHECK(i.properties["hw_disk_bus"] == "scsi");
  CHECK(i.min_ram == 512);
  CHECK(i.tags == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(patch(i, R"([{"remove": "/hw_disk_bus"}, {"replace": "/name", "value": "v20"}])",
                    patch_dialect::v2_0));
  CHECK(i.properties.empty());
  CHECK(i.name == "v20");
  CHECK_FALSE(patch(i, R"([{"op": "add", "path": "/a~1b", "value": "x"}])"));
  CHECK(i.properties["a/b"] == "x");
}

TEST_CASE("Glance's refusals: read-only, reserved, missing, present, not removable, schema") {
  storage::image i;
  i.status = "active";
  i.visibility = "shared";
  i.properties["k"] = "v";
  CHECK(patch(i, R"([{"op": "replace", "path": "/status", "value": "x"}])")->message
        == "Attribute 'status' is read-only.");
  CHECK(patch(i, R"([{"op": "add", "path": "/os_glance_x", "value": "x"}])")->message
        == "Attribute 'os_glance_x' is reserved.");
  CHECK(patch(i, R"([{"op": "replace", "path": "/nope", "value": "x"}])")->kind
        == fault_kind::conflict);
  CHECK(patch(i, R"([{"add": "/k", "value": "x"}])", patch_dialect::v2_0)->message
        == "Property k already present.");
  CHECK_FALSE(patch(i, R"([{"op": "add", "path": "/k", "value": "w"}])")); // 2.1's add sets
  CHECK(patch(i, R"([{"op": "remove", "path": "/name"}])")->message
        == "Property name may not be removed.");
  CHECK(patch(i, R"([{"op": "replace", "path": "/protected", "value": "yes"}])")->kind
        == fault_kind::bad_request);
  CHECK(patch(i, R"([{"op": "replace", "path": "/min_ram", "value": -1}])")->message
        == "Invalid value '-1' for parameter 'min_ram': Cannot be a negative value");
  CHECK(patch(i, R"([{"op": "replace", "path": "/disk_format", "value": "raw"}])")->message
        == "Attribute disk_format can be only replaced for a queued image.");
  CHECK(patch(i, R"([{"op": "replace", "path": "/owner", "value": "p"}])")->message
        == "Owner can't be updated by non admin.");
  CHECK_FALSE(
    patch(i, R"([{"op": "replace", "path": "/owner", "value": "p"}])", patch_dialect::v2_1, true));
  CHECK(patch(i, R"([{"op": "replace", "path": "/visibility", "value": "public"}])")->message
        == "You are not authorized to complete publicize_image action.");
  CHECK(patch(i, R"([{"op": "replace", "path": "/k", "value": 1}])")->kind
        == fault_kind::bad_request);
}

TEST_CASE("malformed patches get Glance's 400 wording") {
  storage::image i;
  CHECK(patch(i, R"({"op": "add"})")->message
        == "Request body must be a JSON array of operation objects.");
  CHECK(patch(i, R"([1])")->message == "Operations must be JSON objects.");
  CHECK(patch(i, R"([{"op": "move", "path": "/a"}])")->message
        == "Invalid operation: `move`. It must be one of the following: add, remove, replace.");
  CHECK(patch(i, R"([{"op": "add", "path": "/a"}])")->message
        == "Operation \"add\" requires a member named \"value\".");
  CHECK(patch(i, R"([{"op": "add", "path": "a", "value": "x"}])")->message
        == "Pointer `a` does not start with \"/\".");
  CHECK(patch(i, R"([{"op": "add", "path": "/a/b", "value": "x"}])")->message
        == "Invalid JSON pointer for this resource: '/a/b'");
  CHECK(patch(i, R"([{"add": "/a", "remove": "/a", "value": "x"}])", patch_dialect::v2_0)
          ->message.find("only one member")
        != std::string::npos);
  CHECK(patch(i, "not json")->message == "Malformed JSON in request body.");
}

TEST_CASE("the content types of the two dialects, and no other") {
  CHECK(api::patch_dialect_of("application/openstack-images-v2.1-json-patch")
        == patch_dialect::v2_1);
  CHECK(api::patch_dialect_of("application/openstack-images-v2.0-json-patch; charset=utf-8")
        == patch_dialect::v2_0);
  CHECK_FALSE(api::patch_dialect_of("application/json"));
}

TEST_CASE("a create's attributes: the id must be a uuid, extra properties strings") {
  storage::image i;
  using api::attribute_change;
  CHECK(api::set_image_attribute(i, "id", "not-a-uuid", attribute_change::create, false)->kind
        == fault_kind::bad_request);
  CHECK_FALSE(api::set_image_attribute(i, "id", "0d3d7ab7-6a1c-4a4c-8e63-1a7b0f9c0c8b",
                                       attribute_change::create, false));
  CHECK(api::set_image_attribute(i, "size", 1, attribute_change::create, false)->message
        == "Attribute 'size' is read-only.");
  CHECK(api::set_image_attribute(i, std::string(256, 'k'), "v", attribute_change::create, false)
          ->message
        == "Custom property should not be greater than 255 characters.");
  CHECK(api::set_image_attribute(i, "disk_format", "floppy", attribute_change::create, false)->kind
        == fault_kind::bad_request);
  i.tags = std::vector<std::string>(3, "t");
  CHECK(api::tag_limit_refusal(i, 2)->kind == fault_kind::too_large);
  CHECK_FALSE(api::tag_limit_refusal(i, -1));
}
