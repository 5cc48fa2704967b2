// nimbus-manage: the operator's cell management CLI (cf. nova-manage cell_v2).
// It works on the API cell's data directory: commands that only read work
// beside a running API; commands that write need the API process stopped.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "tools/cell_v2_commands.h"
#include "tools/config.h"

namespace {

void print_usage(std::ostream& os) {
  os << "usage: nimbus-manage [--config-file PATH] [--data-dir DIR] cell_v2 <command> [options]\n\n"
        "commands:\n";
  for (auto& c : nimbus::tools::cell_v2_commands())
    os << "  " << c.name << " " << c.usage << "\n      " << c.summary << "\n";
}

void print_command_usage(std::ostream& os, const nimbus::tools::command_spec& c) {
  os << "usage: nimbus-manage cell_v2 " << c.name << " " << c.usage << "\n\n" << c.summary << "\n";
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string config_file, data_dir;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "--config-file" || args[i] == "--data-dir") && i + 1 < args.size())
      (args[i] == "--config-file" ? config_file : data_dir) = args[++i];
    else if ((args[i] == "-h" || args[i] == "--help") && rest.size() < 2) {
      print_usage(std::cout);
      return 0;
    } else
      rest.push_back(args[i]);
  }
  if (rest.size() < 2 || rest[0] != "cell_v2") {
    print_usage(std::cerr);
    return 2;
  }
  auto& commands = nimbus::tools::cell_v2_commands();
  auto spec = std::find_if(commands.begin(), commands.end(), [&](auto& c) { return rest[1] == c.name; });
  if (spec == commands.end()) {
    std::cerr << "nimbus-manage: unknown command cell_v2 " << rest[1] << "\n";
    print_usage(std::cerr);
    return 2;
  }
  nimbus::tools::options opts;
  for (std::size_t i = 2; i < rest.size(); ++i) {
    auto& a = rest[i];
    if (a == "-h" || a == "--help") {
      print_command_usage(std::cout, *spec);
      return 0;
    }
    auto name = a.rfind("--", 0) == 0 ? a.substr(2) : std::string{};
    auto eq = name.find('=');
    std::string value;
    bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    bool is_flag = std::count(spec->flags.begin(), spec->flags.end(), name) > 0;
    bool takes_value = std::count(spec->values.begin(), spec->values.end(), name) > 0;
    if (is_flag && !inline_value) {
      opts[name] = "";
    } else if (takes_value && (inline_value || i + 1 < rest.size())) {
      opts[name] = inline_value ? value : rest[++i];
    } else {
      std::cerr << "nimbus-manage: error: unrecognized arguments: " << a << "\n";
      print_command_usage(std::cerr, *spec);
      return 2;
    }
  }
  nimbus::tools::service_config cfg;
  std::string error;
  if (!nimbus::tools::load_config(config_file, &cfg, &error)) {
    std::cerr << "nimbus-manage: " << error << "\n";
    return 2;
  }
  if (!data_dir.empty())
    cfg.deployment.data_dir = data_dir;
  return nimbus::tools::run_cell_v2(rest[1], opts, cfg.deployment.data_dir, std::cout, std::cerr);
}
