#pragma once
// nimbus.conf into typed options. Every option, its section and its default
// is in etc/nimbus.conf; this file is where they are read.
#include <chrono>
#include <string>
#include <vector>

#include "api/http_server.h"
#include "app/deployment.h"

namespace nimbus::tools {

struct api_options {
  std::string listen = "127.0.0.1";       // [api] listen
  int port = 8774;                        // [api] port
  int image_port = 9292;                  // [api] image_port (Glance v2 subset)
  int network_port = 9696;                // [api] network_port (Neutron v2.0 subset)
  std::string auth_strategy = "keystone"; // [api] auth_strategy: keystone or noauth2
  /// [oslo_policy] policy_file, made absolute against the config file's
  /// directory when relative.
  std::string policy_file = "policy.yaml";
  /// [api] workers (HTTP threads), max_request_body_size, max_header_size,
  /// client_timeout, keepalive_timeout, max_connections, request_timeout.
  api::http_limits http;
};

/// The Keystone v3 subset ([identity], [token], [security_compliance]).
struct identity_options {
  int port = 5000;                        // [identity] port (listens on [api] listen)
  int workers = 4;                        // [identity] workers (HTTP threads)
  std::string region = "RegionOne";       // [identity] region (of every catalog endpoint)
  std::string admin_user = "admin";       // [identity] bootstrap_admin_user
  std::string admin_project = "admin";    // [identity] bootstrap_admin_project
  std::string admin_password;             // [identity] bootstrap_admin_password; empty: generated
  int max_concurrent_password_checks = 2; // [identity] max_concurrent_password_checks
  std::chrono::seconds token_expiration{3600}; // [token] expiration
  int max_active_keys = 3;                     // [token] max_active_keys
  int lockout_failure_attempts = 5;            // [security_compliance] lockout_failure_attempts
  std::chrono::seconds lockout_duration{300};  // [security_compliance] lockout_duration
};

struct service_config {
  std::string log_level = "info"; // [DEFAULT] log_level
  api_options api;
  identity_options identity;
  app::deployment_options deployment;
  std::vector<std::string> warnings; // unknown keys, ignored
};

/// Reads the file at `path` (missing file: every default). Returns false
/// with *error set for unreadable files or bad values.
bool load_config(const std::string& path, service_config* out, std::string* error);

} // namespace nimbus::tools
