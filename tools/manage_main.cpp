// nimbus-manage: the operator's cell management CLI (cf. nova-manage cell_v2).
// Works on the API cell's data directory; reading is safe while the service runs.
#include <iostream>
#include <string>
#include <vector>

#include "cells/api_cell.h"
#include "tools/config.h"
#include "tools/table.h"

namespace {

const char* usage =
  "usage: nimbus-manage [--config-file PATH] [--data-dir DIR] cell_v2 <command> [options]\n"
  "\n"
  "commands:\n"
  "  list_cells [--verbose]        list the cell mappings\n"
  "  list_hosts [--cell_uuid UUID] list the host mappings\n";

// Hides the password of a database connection URL unless verbose (as Nova does).
std::string shown_url(const std::string& url, bool verbose) {
  if (verbose)
    return url;
  auto scheme = url.find("://"), at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos)
    return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at)
    return url;
  return url.substr(0, colon + 1) + "****" + url.substr(at);
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string config_file, data_dir;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "--config-file" || args[i] == "--data-dir") && i + 1 < args.size())
      (args[i] == "--config-file" ? config_file : data_dir) = args[++i];
    else if (args[i] == "-h" || args[i] == "--help") {
      std::cout << usage;
      return 0;
    } else
      rest.push_back(args[i]);
  }
  if (rest.size() < 2 || rest[0] != "cell_v2") {
    std::cerr << usage;
    return 2;
  }
  nimbus::tools::service_config cfg;
  std::string error;
  if (!nimbus::tools::load_config(config_file, &cfg, &error)) {
    std::cerr << "nimbus-manage: " << error << "\n";
    return 2;
  }
  if (!data_dir.empty())
    cfg.deployment.data_dir = data_dir;
  auto command = rest[1];
  std::vector<std::string> opts(rest.begin() + 2, rest.end());
  bool verbose = false;
  std::string cell_filter;
  for (std::size_t i = 0; i < opts.size(); ++i) {
    if (opts[i] == "--verbose" && command == "list_cells")
      verbose = true;
    else if (opts[i] == "--cell_uuid" && command == "list_hosts" && i + 1 < opts.size())
      cell_filter = opts[++i];
    else if (opts[i] == "-h" || opts[i] == "--help") {
      std::cout << usage;
      return 0;
    } else {
      std::cerr << "nimbus-manage: unrecognized arguments: " << opts[i] << "\n" << usage;
      return 2;
    }
  }
  if (command != "list_cells" && command != "list_hosts") {
    std::cerr << "nimbus-manage: unknown command cell_v2 " << command << "\n" << usage;
    return 2;
  }
  std::error_code ec;
  auto store = nimbus::storage::open_rocksdb_store(
    {cfg.deployment.data_dir + "/api", true, false}, &ec);
  if (!store) {
    std::cerr << "nimbus-manage: cannot open the API cell store under " << cfg.deployment.data_dir
              << ": " << ec.message() << "\n";
    return 1;
  }
  nimbus::cells::api_cell api(std::move(store));
  auto cells = api.cell_mappings();
  if (command == "list_cells") {
    nimbus::tools::table t({"Name", "UUID", "Transport URL", "Database Connection", "Disabled"});
    for (auto& c : cells)
      t.add({c.name, c.uuid, shown_url(c.transport_url, verbose),
             shown_url(c.database_connection, verbose), c.disabled ? "True" : "False"});
    std::cout << t.render();
    return 0;
  }
  nimbus::tools::table t({"Cell Name", "Cell UUID", "Hostname"});
  for (auto& h : api.host_mappings()) {
    if (!cell_filter.empty() && h.cell_uuid != cell_filter)
      continue;
    std::string name;
    for (auto& c : cells)
      if (c.uuid == h.cell_uuid)
        name = c.name;
    t.add({name, h.cell_uuid, h.host});
  }
  std::cout << t.render();
  return 0;
}
