// nimbus: runs the all-in-one service (API cell, cell0, the cells and their
// simulated hosts) from a nimbus.conf until SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "api/http_server.h"
#include "api/keystone_authenticator.h"
#include "api/service.h"
#include "app/deployment.h"
#include "manage/cell_commands.h"
#include "policy/nova_defaults.h"
#include "policy/policy_file.h"
#include "tools/config.h"
#include "tools/identity_setup.h"

namespace {

const char* usage =
  "usage: nimbus [all-in-one|api|cell|compute] [--config-file PATH] [--data-dir DIR]\n"
  "              [--port N] [--image-port N] [--network-port N] [--identity-port N]\n"
  "              [--name CELL]\n"
  "              [--host HOST]\n"
  "\n"
  "Runs one Nimbus role (default all-in-one):\n"
  "  all-in-one  the compute API, the API cell, cell0, the cells and their\n"
  "              simulated compute hosts, in this process\n"
  "  api         the compute API, the API cell and cell0; connects to the cells\n"
  "              of the cell mappings\n"
  "  cell        one cell (--name), published at [cell] listen\n"
  "  compute     one compute host (--host), connected to [compute] cell_url\n"
  "Options override the config file.\n";

struct cli {
  std::string role = "all-in-one";
  std::string name;
  std::string host;
  std::string config_file;
  std::string data_dir;
  int port = 0;
  int image_port = 0;
  int network_port = 0;
  int identity_port = 0;
};

// Returns 0 to go on, or the exit code to leave with (-1: done, success).
int parse_args(int argc, char** argv, cli* out) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::cout << usage;
      return -1;
    }
    if (i == 1 && a.rfind('-', 0) != 0) {
      out->role = a;
      continue;
    }
    bool takes_value = a == "--config-file" || a == "--data-dir" || a == "--port"
                       || a == "--image-port" || a == "--network-port" || a == "--identity-port"
                       || a == "--name" || a == "--host";
    if (!takes_value) {
      std::cerr << "nimbus: unknown argument " << a << "\n" << usage;
      return 2;
    }
    if (i + 1 >= argc) {
      std::cerr << "nimbus: " << a << " needs a value\n" << usage;
      return 2;
    }
    std::string v = argv[++i];
    if (a == "--config-file")
      out->config_file = v;
    else if (a == "--data-dir")
      out->data_dir = v;
    else if (a == "--name")
      out->name = v;
    else if (a == "--host")
      out->host = v;
    else {
      int port = 0;
      try {
        port = std::stoi(v);
      } catch (const std::exception&) {
      }
      if (port <= 0 || port > 65535) {
        std::cerr << "nimbus: " << a << " wants a port number, not " << v << "\n";
        return 2;
      }
      (a == "--port"           ? out->port
       : a == "--image-port"   ? out->image_port
       : a == "--network-port" ? out->network_port
                               : out->identity_port) = port;
    }
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  cli args;
  if (int rc = parse_args(argc, argv, &args))
    return rc < 0 ? 0 : rc;
  nimbus::tools::service_config cfg;
  std::string error;
  if (!nimbus::tools::load_config(args.config_file, &cfg, &error)) {
    std::cerr << "nimbus: " << error << "\n";
    return 2;
  }
  if (!nimbus::app::parse_role(args.role, &cfg.deployment.role)) {
    std::cerr << "nimbus: unknown role " << args.role << "\n" << usage;
    return 2;
  }
  if (!args.data_dir.empty())
    cfg.deployment.data_dir = args.data_dir;
  if (!args.name.empty())
    cfg.deployment.cell_name = args.name;
  if (!args.host.empty())
    cfg.deployment.compute_host = args.host;
  if (args.port)
    cfg.api.port = args.port;
  if (args.image_port)
    cfg.api.image_port = args.image_port;
  if (args.network_port)
    cfg.api.network_port = args.network_port;
  if (args.identity_port)
    cfg.identity.port = args.identity_port;
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ nimbus %v");
  for (auto& w : cfg.warnings)
    spdlog::warn("{}", w);

  // Threads made from here on inherit this mask; main waits for the signals.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto overrides = nimbus::policy::read_policy_file(cfg.api.policy_file, &error);
  auto rules = overrides ? nimbus::policy::make_rule_set(*overrides, &error) : std::nullopt;
  if (!rules) {
    std::cerr << "nimbus: " << error << "\n";
    return 2;
  }
  if (!overrides->empty())
    spdlog::info("policy: {} rules of {} override the defaults", overrides->size(),
                 cfg.api.policy_file);

  auto deployment = nimbus::app::deployment::start(cfg.deployment, &error);
  if (!deployment) {
    spdlog::critical("cannot start: {}", error);
    return 1;
  }
  std::unique_ptr<nimbus::tools::identity_stack> identity;
  std::unique_ptr<nimbus::api::authenticator> authenticator;
  std::unique_ptr<nimbus::api::compute_service> compute;
  std::unique_ptr<nimbus::api::image_service> images;
  std::unique_ptr<nimbus::api::network_service> networks;
  std::unique_ptr<nimbus::api::http_server> compute_http, image_http, network_http;
  if (auto* facade = deployment->compute()) { // the api and all-in-one roles serve HTTP
    auto files = nimbus::api::raise_open_files_limit();
    if (files < cfg.api.http.max_connections + 256)
      spdlog::warn("open files limit {} is below [api] max_connections {} plus room for stores",
                   files, cfg.api.http.max_connections);
    auto image_limits = cfg.api.http;
    // The image API serves lookups and uploads, not storms; two threads, so
    // that one upload's hashing does not hold up the lookups.
    image_limits.threads = 2;
    facade->set_cell_commands({nimbus::manage::run_cell_v2, nimbus::manage::cell_v2_reads_only});
    if (cfg.api.auth_strategy == "keystone") {
      identity = nimbus::tools::identity_stack::start(cfg, deployment->api_store(), *rules, &error);
      if (!identity) {
        spdlog::critical("cannot start the identity service: {}", error);
        return 1;
      }
      authenticator =
        nimbus::api::make_keystone_authenticator(identity->tokens(), identity->directory());
    } else {
      authenticator = nimbus::api::make_noauth2_authenticator();
    }
    compute = std::make_unique<nimbus::api::compute_service>(*facade, *authenticator, *rules);
    images = std::make_unique<nimbus::api::image_service>(*facade, *authenticator);
    compute_http = std::make_unique<nimbus::api::http_server>(
      cfg.api.listen, cfg.api.port, cfg.api.http,
      [&](nimbus::api::api_request r, nimbus::api::reply_fn reply) {
        compute->handle(std::move(r), std::move(reply));
      });
    image_http = std::make_unique<nimbus::api::http_server>(
      cfg.api.listen, cfg.api.image_port, image_limits,
      [&](nimbus::api::api_request r, nimbus::api::reply_fn reply) {
        images->handle(std::move(r), std::move(reply));
      });
    networks = std::make_unique<nimbus::api::network_service>(facade->networks(), *authenticator);
    network_http = std::make_unique<nimbus::api::http_server>(
      cfg.api.listen, cfg.api.network_port, image_limits,
      [&](nimbus::api::api_request r, nimbus::api::reply_fn reply) {
        networks->handle(std::move(r), std::move(reply));
      });
    image_http->spool_bodies(
      [&](const nimbus::api::api_request& head) { return images->spool_for(head); });
    if (!compute_http->open(&error) || !image_http->open(&error) || !network_http->open(&error)) {
      spdlog::critical("cannot listen on {}: {}", cfg.api.listen, error);
      return 1;
    }
    auto endpoint = "http://" + cfg.api.listen + ":" + std::to_string(cfg.api.port) + "/v2.1";
    std::printf("Nimbus is up. Compute API: %s   Image API: http://%s:%d   Network API: "
                "http://%s:%d\n",
                endpoint.c_str(), cfg.api.listen.c_str(), cfg.api.image_port,
                cfg.api.listen.c_str(), cfg.api.network_port);
    if (identity) {
      std::printf("Identity API: %s\n", identity->auth_url().c_str());
      if (!identity->clouds_yaml().empty())
        std::printf("Sign in as the admin, with a password:\n"
                    "  export OS_CLIENT_CONFIG_FILE=%s OS_CLOUD=nimbus\n"
                    "  openstack server list\n",
                    identity->clouds_yaml().c_str());
    } else
      std::printf("Try: openstack --os-auth-type admin_token --os-endpoint %s --os-token "
                  "admin:admin server list\n",
                  endpoint.c_str());
  } else if (!deployment->published_at().empty()) {
    std::printf("Nimbus cell %s is up at %s\n", cfg.deployment.cell_name.c_str(),
                deployment->published_at().c_str());
  } else {
    std::printf("Nimbus compute %s is up; its cell is %s\n", cfg.deployment.compute_host.c_str(),
                cfg.deployment.cell_url.c_str());
  }
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("signal {}: shutting down", sig);
  if (compute_http)
    compute_http->close();
  if (image_http)
    image_http->close();
  if (network_http)
    network_http->close();
  identity.reset();
  deployment.reset();
  spdlog::info("stopped");
  return 0;
}
