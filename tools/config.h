#pragma once
// nimbus.conf into typed options. Every option, its section and its default
// is in etc/nimbus.conf; this file is where they are read.
#include <string>
#include <vector>

#include "api/http_server.h"
#include "app/deployment.h"

namespace nimbus::tools {

struct api_options {
  std::string listen = "127.0.0.1";      // [api] listen
  int port = 8774;                       // [api] port
  int image_port = 9292;                 // [api] image_port (Glance v2 subset)
  std::string auth_strategy = "noauth2"; // [api] auth_strategy: keystone or noauth2
  /// [oslo_policy] policy_file, made absolute against the config file's
  /// directory when relative.
  std::string policy_file = "policy.yaml";
  /// [api] workers (HTTP threads), max_request_body_size, max_header_size,
  /// client_timeout, keepalive_timeout, max_connections, request_timeout.
  api::http_limits http;
};

struct service_config {
  std::string log_level = "info"; // [DEFAULT] log_level
  api_options api;
  app::deployment_options deployment;
  std::vector<std::string> warnings; // unknown keys, ignored
};

/// Reads the file at `path` (missing file: every default). Returns false
/// with *error set for unreadable files or bad values.
bool load_config(const std::string& path, service_config* out, std::string* error);

} // namespace nimbus::tools
