#pragma once
// The bodies of POST /servers/{id}/action: which action, its arguments
// (Nova's request schemas per microversion, with jsonschema's messages), and
// the policy rule that guards it.
#include <optional>
#include <string>
#include <vector>

#include "actors/protocol/message_types.h"
#include "api/http_types.h"

namespace nimbus::api {

struct parsed_action {
  action_request request; // the action and its arguments (who asks: the facade fills in)
  std::string rule;       // the policy rule of the action
  /// os-getConsoleOutput: not an instance action but a read (200 with the
  /// log's last `console_length` lines; -1: all).
  bool console_output = false;
  std::int64_t console_length = -1;
  /// createBackup: its type and how many backups of it to keep (its name
  /// and metadata are in request.fields).
  std::string backup_type;
  std::int64_t backup_rotation = -1;
};

/// Reads the body of `req`. On success fills *out and returns nullopt;
/// otherwise the 400 (or 404 for an action newer than the microversion).
/// *no_such_action is set for an action name Nimbus does not serve.
std::optional<api_response> parse_action_body(const api_request& req, parsed_action* out,
                                              bool* no_such_action);

/// Every policy rule an action may be guarded by (for the route's access).
std::vector<std::string> action_rules();

/// The last `length` lines of a console log, as Nova's _tail_log cuts them
/// (split at '\n', keep the last `length` pieces); length -1: all of it.
std::string tail_lines(const std::string& log, std::int64_t length);

} // namespace nimbus::api
