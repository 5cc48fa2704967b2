// nimbus-manage: the operator's cell management CLI (cf. nova-manage cell_v2).
// Before the first start, or with the API stopped, it works on the API cell's
// data directory. While the API runs (it holds the store), reading commands
// still read the directory, and changing ones go through the API.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cells/api_cell.h"
#include "identity/key_repository.h"
#include "identity/token_codec.h"
#include "manage/cell_commands.h"
#include "storage/clock.h"
#include "tools/api_client.h"
#include "tools/config.h"

namespace {

using nimbus::manage::command_spec;

void print_usage(std::ostream& os) {
  os << "usage: nimbus-manage [--config-file PATH] [--data-dir DIR] [--api-url http://HOST:PORT]\n"
        "                     cell_v2 <command> [options]\n"
        "       nimbus-manage [--config-file PATH] [--data-dir DIR] token_setup|token_rotate\n\n"
        "token_setup   makes the identity token keys if there are none (the first start\n"
        "              does it too)\n"
        "token_rotate  rotates them ([token] max_active_keys are kept); running APIs\n"
        "              pick the new keys up by themselves\n\n"
        "cell_v2 commands:\n";
  for (auto& c : nimbus::manage::cell_v2_commands())
    os << "  " << c.name << " " << c.usage << "\n      " << c.summary << "\n";
}

void print_command_usage(std::ostream& os, const command_spec& c) {
  os << "usage: nimbus-manage cell_v2 " << c.name << " " << c.usage << "\n\n" << c.summary << "\n";
}

// Parses a command's options; returns false (after printing why) on bad ones.
bool parse_options(const command_spec& spec, const std::vector<std::string>& args,
                   nimbus::manage::options* out, bool* help) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto& a = args[i];
    if (a == "-h" || a == "--help") {
      *help = true;
      return true;
    }
    auto name = a.rfind("--", 0) == 0 ? a.substr(2) : std::string{};
    auto eq = name.find('=');
    bool inline_value = eq != std::string::npos;
    std::string value = inline_value ? name.substr(eq + 1) : std::string{};
    if (inline_value)
      name = name.substr(0, eq);
    bool is_flag = std::count(spec.flags.begin(), spec.flags.end(), name) > 0;
    bool takes_value = std::count(spec.values.begin(), spec.values.end(), name) > 0;
    if (is_flag && !inline_value) {
      (*out)[name] = "";
    } else if (takes_value && (inline_value || i + 1 < args.size())) {
      (*out)[name] = inline_value ? value : args[++i];
    } else {
      std::cerr << "nimbus-manage: error: unrecognized arguments: " << a << "\n";
      print_command_usage(std::cerr, spec);
      return false;
    }
  }
  return true;
}

std::string token_keys(const nimbus::tools::service_config& cfg) {
  return cfg.deployment.data_dir + "/identity/token_keys";
}

// token_setup and token_rotate (as keystone-manage fernet_setup / _rotate).
int run_token_command(const std::string& command, const nimbus::tools::service_config& cfg) {
  std::string why;
  bool done = command == "token_setup"
                ? nimbus::identity::key_repository::create(token_keys(cfg), &why)
                : nimbus::identity::key_repository::rotate(token_keys(cfg),
                                                           cfg.identity.max_active_keys, &why);
  if (!done) {
    std::cerr << "nimbus-manage: " << command << ": " << why << "\n";
    return 1;
  }
  auto keys = nimbus::identity::key_repository::open(token_keys(cfg), &why);
  if (!keys) {
    std::cerr << "nimbus-manage: " << why << "\n";
    return 1;
  }
  std::cout << "token keys in " << token_keys(cfg) << ": primary " << keys->primary_index() << ", "
            << keys->decryption_keys().size() << " keys\n";
  return 0;
}

// The token nimbus-manage speaks to a running API with: noauth2's admin, or
// a short-lived admin token sealed with the identity keys (whoever may read
// them may act as anyone anyway).
std::string admin_token(const nimbus::tools::service_config& cfg) {
  if (cfg.api.auth_strategy != "keystone")
    return "admin:admin";
  std::string why;
  auto keys = nimbus::identity::key_repository::open(token_keys(cfg), &why);
  if (!keys)
    return {};
  nimbus::identity::token_payload p;
  p.user_id = "nimbus-manage";
  p.methods = {"token"};
  p.roles = {"admin", "member", "reader"};
  p.issued_us = nimbus::storage::now_us();
  p.expires_us = p.issued_us + 300'000'000;
  p.audit_id = nimbus::identity::random_audit_id();
  return nimbus::identity::seal(p, *keys);
}

// The API holds the store: let it run the command on its live API cell.
int run_through_api(const std::string& api_url, const std::string& command,
                    const nimbus::manage::options& opts, const std::string& token) {
  auto rest =
    api_url.substr(api_url.find("://") == std::string::npos ? 0 : api_url.find("://") + 3);
  auto colon = rest.rfind(':');
  auto host = rest.substr(0, colon);
  int port = colon == std::string::npos ? 80 : std::atoi(rest.c_str() + colon + 1);
  nlohmann::json body = {{"options", opts}};
  auto reply =
    nimbus::tools::post_json(host, port, "/nimbus-manage/cell_v2/" + command, body.dump(), token);
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  if (reply.status != 200 || j.is_discarded() || !j.contains("rc")) {
    std::cerr << "nimbus-manage: the API cell store is in use and no API answered at " << api_url
              << " (status " << reply.status << ").\n";
    return 1;
  }
  std::cout << j.value("stdout", "");
  std::cerr << j.value("stderr", "");
  return j.value("rc", 1);
}

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string config_file, data_dir, api_url;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto* global = args[i] == "--config-file" ? &config_file
                   : args[i] == "--data-dir"  ? &data_dir
                   : args[i] == "--api-url"   ? &api_url
                                              : nullptr;
    if (global && i + 1 < args.size())
      *global = args[++i];
    else if ((args[i] == "-h" || args[i] == "--help") && rest.size() < 2) {
      print_usage(std::cout);
      return 0;
    } else
      rest.push_back(args[i]);
  }
  nimbus::tools::service_config cfg;
  // The configuration, with --data-dir over it; false (said why) if it is bad.
  auto load = [&] {
    std::string error;
    if (!nimbus::tools::load_config(config_file, &cfg, &error)) {
      std::cerr << "nimbus-manage: " << error << "\n";
      return false;
    }
    if (!data_dir.empty())
      cfg.deployment.data_dir = data_dir;
    return true;
  };
  if (rest.size() == 1 && (rest[0] == "token_setup" || rest[0] == "token_rotate"))
    return load() ? run_token_command(rest[0], cfg) : 2;
  if (rest.size() < 2 || rest[0] != "cell_v2") {
    print_usage(std::cerr);
    return 2;
  }
  auto command = rest[1];
  auto* spec = nimbus::manage::find_cell_v2_command(command);
  if (!spec) {
    std::cerr << "nimbus-manage: unknown command cell_v2 " << command << "\n";
    print_usage(std::cerr);
    return 2;
  }
  nimbus::manage::options opts;
  bool help = false;
  if (!parse_options(*spec, {rest.begin() + 2, rest.end()}, &opts, &help))
    return 2;
  if (help) {
    print_command_usage(std::cout, *spec);
    return 0;
  }
  if (!load())
    return 2;
  if (api_url.empty())
    api_url = "http://" + cfg.api.listen + ":" + std::to_string(cfg.api.port);
  bool reads = nimbus::manage::cell_v2_reads_only(command);
  std::error_code ec;
  auto store =
    nimbus::storage::open_rocksdb_store({cfg.deployment.data_dir + "/api", reads, !reads}, &ec);
  if (!store) {
    if (!reads && ec == nimbus::storage::errc::io_error) // held by a running API
      return run_through_api(api_url, command, opts, admin_token(cfg));
    std::cerr << "nimbus-manage: cannot open the API cell store under " << cfg.deployment.data_dir
              << ": " << ec.message() << "\n";
    return 1;
  }
  nimbus::cells::api_cell api(std::move(store));
  return nimbus::manage::run_cell_v2(command, opts, api, cfg.deployment.data_dir, std::cout,
                                     std::cerr);
}

} // namespace

int main(int argc, char** argv) {
  // An error ends the run with a message, not through std::terminate: an API
  // answer whose fields have other types, say, makes nlohmann::json throw.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "nimbus-manage: " << e.what() << "\n";
    return 1;
  }
}
