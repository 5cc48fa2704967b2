// The bodies of server actions, read as Nova's schemas read them.
#include <doctest/doctest.h>

#include "api/handlers/server_action_bodies.h"

using namespace nimbus;
using namespace nimbus::api;

namespace {

struct outcome {
  int status = 0;   // 0: accepted
  std::string body; // of the refusal
  parsed_action parsed;
  bool no_such_action = false;
};

outcome parse(const std::string& body, microversion v = {2, 1}) {
  api_request req;
  req.body = body;
  req.version = v;
  outcome out;
  if (auto refusal = parse_action_body(req, &out.parsed, &out.no_such_action)) {
    out.status = refusal->status;
    out.body = refusal->body;
  }
  return out;
}

} // namespace

TEST_CASE("each action names its rule and reads its arguments") {
  auto pause = parse(R"({"pause": null})");
  CHECK(pause.status == 0);
  CHECK(pause.parsed.request.action == storage::server_action::pause);
  CHECK(pause.parsed.rule == "os_compute_api:os-pause-server:pause");

  auto lock = parse(R"({"lock": {"locked_reason": "maint"}})", {2, 73});
  CHECK(lock.status == 0);
  CHECK(lock.parsed.request.locked_reason == "maint");
  CHECK(parse(R"({"lock": {"locked_reason": ""}})", {2, 73}).status == 400);
  CHECK(parse(R"({"lock": {"other": 1}})", {2, 73}).status == 400);
  CHECK(parse(R"({"lock": {"other": 1}})").status == 0); // no schema before 2.73

  auto reset = parse(R"({"os-resetState": {"state": "error"}})");
  CHECK(reset.parsed.request.reset_to == storage::vm_state::error);
  CHECK(parse(R"({"os-resetState": {"state": "stopped"}})").status == 400);
  CHECK(parse(R"({"os-resetState": {}})").status == 400);

  CHECK(parse(R"({"changePassword": {}})").status == 400);
  CHECK(parse(R"({"changePassword": {"adminPass": "x"}})").parsed.request.admin_pass == "x");

  auto unshelve = parse(R"({"unshelve": {"host": "h2"}})", {2, 91});
  CHECK(unshelve.parsed.request.host == "h2");
  CHECK(unshelve.parsed.rule == "os_compute_api:os-shelve:unshelve_to_host");
  CHECK(parse(R"({"unshelve": {"host": "h2"}})", {2, 77}).status == 400);

  CHECK(parse(R"({"rescue": {"rescue_image_ref": "not-a-uuid"}})").status == 400);
  CHECK(parse(R"({"trigger_crash_dump": null})").no_such_action); // 2.17
  CHECK(parse(R"({"trigger_crash_dump": null})", {2, 17}).status == 0);
  CHECK(parse(R"({"trigger_crash_dump": {}})", {2, 17}).status == 400);

  auto rebuild = parse(R"({"rebuild": {"imageRef": "155d900f-4e14-4e4c-a73d-069cbf4541e6",
                                        "name": "n", "metadata": {"a": "b"}}})");
  CHECK(rebuild.status == 0);
  CHECK(rebuild.parsed.request.fields.name == "n");
  CHECK(rebuild.parsed.request.fields.replace_metadata);
  CHECK(parse(R"({"rebuild": {"name": "n"}})").status == 400);
  CHECK(parse(R"({"rebuild": {"imageRef": "155d900f-4e14-4e4c-a73d-069cbf4541e6",
                               "key_name": "k"}})")
          .status
        == 400); // 2.54
  auto with_key = [](const char* key) {
    return std::string(R"({"rebuild": {"imageRef": "155d900f-4e14-4e4c-a73d-069cbf4541e6", )")
           + R"("key_name": )" + key + "}}";
  };
  auto unset_key = parse(with_key("null"), {2, 54});
  CHECK(unset_key.parsed.request.fields.set_key_name);
  CHECK(unset_key.parsed.request.fields.key_name.empty());
  CHECK(parse(with_key(R"("k")"), {2, 54}).parsed.request.fields.key_name == "k");
  CHECK(parse(with_key("5"), {2, 54}).status == 400);

  auto force = parse(R"({"forceDelete": null})");
  CHECK(force.parsed.request.action == storage::server_action::delete_server);
  CHECK(force.parsed.request.hard);

  auto console = parse(R"({"os-getConsoleOutput": {"length": "5"}})");
  CHECK(console.parsed.console_output);
  CHECK(console.parsed.console_length == 5);
  CHECK(parse(R"({"os-getConsoleOutput": {"length": -2}})").status == 400);
  CHECK(parse(R"({"os-getConsoleOutput": {"length": "x"}})").status == 400);

  auto resize = parse(R"({"resize": {"flavorRef": 2}})");
  CHECK(resize.status == 0);
  CHECK(resize.parsed.request.flavor.id == "2");
  CHECK(resize.parsed.rule == "os_compute_api:servers:resize");
  CHECK(parse(R"({"resize": {}})").status == 400);
  CHECK(parse(R"({"resize": {"flavorRef": ""}})").status == 400);
  CHECK(parse(R"({"resize": {"flavorRef": "2", "OS-DCF:diskConfig": "X"}})").status == 400);

  CHECK(parse(R"({"migrate": {"host": "h2"}})").status == 0); // no schema before 2.56
  CHECK(parse(R"({"migrate": {"host": "h2"}})", {2, 56}).parsed.request.host == "h2");
  CHECK(parse(R"({"migrate": {"other": 1}})", {2, 56}).status == 400);

  auto live = parse(R"({"os-migrateLive": {"host": null, "block_migration": "auto"}})", {2, 25});
  CHECK(live.status == 0);
  CHECK(live.parsed.request.action == storage::server_action::live_migration);
  CHECK(parse(R"({"os-migrateLive": {"host": null, "block_migration": "auto"}})").status
        == 400); // "auto" and no disk_over_commit from 2.25
  CHECK(parse(R"({"os-migrateLive": {"host": null, "block_migration": false,
                                     "disk_over_commit": false}})")
          .status
        == 0);
  auto forced = parse(R"({"os-migrateLive": {"host": null, "block_migration": true,
                                             "force": true}})",
                      {2, 30});
  CHECK(forced.body.find("Can't force to a non-provided destination") != std::string::npos);

  auto evacuate = parse(R"({"evacuate": {"host": "h2"}})", {2, 95});
  CHECK(evacuate.status == 0);
  CHECK(evacuate.parsed.request.host == "h2");
  CHECK(evacuate.parsed.request.stay_stopped);
  CHECK(parse(R"({"evacuate": {"host": "h2"}})").status == 400); // onSharedStorage before 2.14
  CHECK_FALSE(parse(R"({"evacuate": {}})", {2, 14}).parsed.request.stay_stopped);

  auto backup =
    parse(R"({"createBackup": {"name": "b", "backup_type": "daily", "rotation": "2"}})");
  CHECK(backup.status == 0);
  CHECK(backup.parsed.backup_rotation == 2);
  CHECK(backup.parsed.backup_type == "daily");
  CHECK(parse(R"({"createBackup": {"name": "b", "backup_type": "daily"}})").status == 400);
  CHECK(parse(R"({"createBackup": {"name": "b", "backup_type": "d", "rotation": -1}})").status
        == 400);

  auto unknown = parse(R"({"addFloatingIp": null})");
  CHECK(unknown.status == 400);
  CHECK(unknown.no_such_action);
}

TEST_CASE("a console log is cut as Nova's _tail_log cuts it") {
  std::string log = "a\nb\nc\n";
  CHECK(tail_lines(log, -1) == log);
  CHECK(tail_lines(log, 0).empty());
  CHECK(tail_lines(log, 1).empty()); // the piece after the last newline
  CHECK(tail_lines(log, 3) == "b\nc\n");
  CHECK(tail_lines(log, 10) == log);
}
