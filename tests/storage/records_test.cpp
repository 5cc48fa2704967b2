// The record writer puts JSON text straight into a string; the reader is
// nlohmann's. Every field must survive the trip, whatever its characters.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "storage/errc.h"
#include "storage/records.h"

using namespace nimbus::storage;

namespace {

instance_record full_record() {
  instance_record r;
  r.uuid = "6f1a8f3e-0000-4000-8000-000000000001";
  r.name = "web \"01\" \\ caf\xc3\xa9 \xe2\x98\x83\ttab\nline\x01";
  r.project_id = "demo";
  r.user_id = "alice";
  r.request_id = "req-1";
  r.flavor_copy.id = "2";
  r.flavor_copy.name = "m1.small";
  r.flavor_copy.vcpus = 1;
  r.flavor_copy.memory_mb = 2048;
  r.flavor_copy.root_gb = 20;
  r.flavor_copy.rxtx_factor = 1.1;
  r.flavor_copy.is_public = false;
  r.flavor_copy.extra_specs = {{"hw:cpu_policy", "dedicated"}};
  r.image_ref = "img";
  r.host = r.node = "compute-1";
  r.vm_state = vm_state::active;
  r.task_state = task_state::powering_off;
  r.power_state = 1;
  r.created_us = 1'700'000'000'123'456;
  r.launched_us = -1; // negative numbers too
  r.instance_name = "instance-00000001";
  r.launch_index = 3;
  r.metadata = {{"k", "v"}, {"empty", ""}, {"quote\"d", "\\"}};
  r.tags = {"a", "b c"};
  r.fault = {500, "boom", "trace\nback", 9};
  return r;
}

} // namespace

TEST_CASE("records: an instance survives encode and decode, field for field") {
  build_request br{full_record(), "req-9"};
  auto text = encode(br);
  auto j = nlohmann::json::parse(text); // valid JSON (throws otherwise)
  CHECK(j["schema_version"] == schema_version);
  CHECK(j["instance"]["flavor_copy"]["memory_mb"] == 2048);
  CHECK(j["instance"]["name"] == br.instance.name);

  build_request back;
  REQUIRE_FALSE(decode(text, &back));
  auto& r = back.instance;
  CHECK(back.request_id == "req-9");
  CHECK(r.name == br.instance.name);
  CHECK(r.flavor_copy.rxtx_factor == 1.1); // exact, not rounded
  CHECK_FALSE(r.flavor_copy.is_public);
  CHECK(r.flavor_copy.extra_specs == br.instance.flavor_copy.extra_specs);
  CHECK(r.created_us == br.instance.created_us);
  CHECK(r.launched_us == -1);
  CHECK(r.launch_index == 3);
  CHECK(r.metadata == br.instance.metadata);
  CHECK(r.tags == br.instance.tags);
  CHECK(r.fault.details == "trace\nback");
  CHECK(encode(back) == text); // nothing else was lost either
}

TEST_CASE("records: actions keep their events in order") {
  instance_action a;
  a.request_id = "req-1";
  a.instance_uuid = "u";
  a.action = server_action::reboot;
  a.events = {{"spawn", 1, 2, "Success", "", "h1"}, {"reboot", 3, 0, "", "", ""}};
  instance_action back;
  REQUIRE_FALSE(decode(encode(a), &back));
  REQUIRE(back.events.size() == 2);
  CHECK(back.events[0].event == "spawn");
  CHECK(back.events[0].host == "h1");
  CHECK(back.events[1].start_us == 3);
  CHECK(back.events[1].result.empty());
}

TEST_CASE("records: bytes that are not UTF-8 are written as U+FFFD and the record still decodes") {
  build_request br{full_record(), "req-9"};
  br.instance.user_id = "bad\xff";          // a lone byte
  br.instance.project_id = "cut\xe2\x98";   // a sequence cut short
  br.instance.key_name = "sur\xed\xa0\x80"; // a surrogate
  br.delete_requested = true;
  build_request back;
  REQUIRE_FALSE(decode(encode(br), &back));
  CHECK(back.instance.user_id == "bad\xef\xbf\xbd");
  CHECK(back.instance.project_id == "cut\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(back.instance.key_name == "sur\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(back.instance.name == br.instance.name); // good UTF-8 untouched
  CHECK(back.delete_requested);
}

TEST_CASE("records: states are written by Nova's names, and an unknown name is refused") {
  instance_record r;
  r.uuid = "u";
  r.vm_state = vm_state::stopped;
  r.task_state = task_state::powering_on;
  auto text = encode(r);
  CHECK(text.find(R"("vm_state":"stopped")") != std::string::npos);
  CHECK(text.find(R"("task_state":"powering-on")") != std::string::npos);
  auto at = text.find(R"("stopped")");
  text.replace(at, 9, R"("deleted")"); // a state of a later build
  instance_record back;
  CHECK(decode(text, &back) == make_error_code(errc::corruption));
}
