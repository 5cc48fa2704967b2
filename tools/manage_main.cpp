// nimbus-manage: the operator's cell management CLI (cf. nova-manage cell_v2).
// Works on the API cell's data directory; reading is safe while the service runs.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cells/api_cell.h"
#include "storage/ids.h"
#include "tools/config.h"
#include "tools/table.h"

namespace {

const char* usage =
  "usage: nimbus-manage [--config-file PATH] [--data-dir DIR] cell_v2 <command> [options]\n"
  "\n"
  "commands:\n"
  "  list_cells [--verbose]        list the cell mappings\n"
  "  list_hosts [--cell_uuid UUID] list the host mappings\n"
  "  create_cell --name NAME --transport-url caf://HOST:PORT\n"
  "              --database_connection rocksdb:///PATH [--disabled] [--verbose]\n"
  "                                map a cell (run while the API is stopped)\n";

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

// Nova's create_cell: 0 created; 1 transport URL or database connection
// missing; 2 another cell already uses them.
int create_cell(const std::string& data_dir, const std::string& name, const std::string& transport_url,
                const std::string& database_connection, bool disabled, bool verbose) {
  if (transport_url.empty() || database_connection.empty()) {
    std::cerr << "Must specify --transport-url and --database_connection.\n";
    return 1;
  }
  std::error_code ec;
  auto store = nimbus::storage::open_rocksdb_store({data_dir + "/api"}, &ec);
  if (!store) {
    std::cerr << "nimbus-manage: cannot open the API cell store under " << data_dir << " ("
              << ec.message() << "); is the API running?\n";
    return 1;
  }
  nimbus::cells::api_cell api(std::move(store));
  for (auto& c : api.cell_mappings())
    if (c.transport_url == transport_url && c.database_connection == database_connection) {
      std::cerr << "The specified transport_url and/or database_connection combination already "
                   "exists for another cell with uuid " << c.uuid << ".\n";
      return 2;
    }
  nimbus::storage::cell_mapping c{nimbus::storage::random_uuid(), name, transport_url,
                                  database_connection, disabled};
  if (auto e = api.put(c)) {
    std::cerr << "nimbus-manage: cannot record the cell: " << e.message() << "\n";
    return 1;
  }
  if (verbose)
    std::cout << c.uuid << "\n";
  return 0;
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
  bool verbose = false, disabled = false;
  std::string cell_filter, name, transport_url, database_connection;
  auto known = [&](const std::string& opt, const std::vector<std::string>& cmds) {
    return std::find(cmds.begin(), cmds.end(), command) != cmds.end();
  };
  for (std::size_t i = 0; i < opts.size(); ++i) {
    auto& o = opts[i];
    bool has_value = i + 1 < opts.size();
    if (o == "--verbose" && known(o, {"list_cells", "create_cell"}))
      verbose = true;
    else if (o == "--disabled" && known(o, {"create_cell"}))
      disabled = true;
    else if (o == "--cell_uuid" && has_value && known(o, {"list_hosts"}))
      cell_filter = opts[++i];
    else if (o == "--name" && has_value && known(o, {"create_cell"}))
      name = opts[++i];
    else if (o == "--transport-url" && has_value && known(o, {"create_cell"}))
      transport_url = opts[++i];
    else if (o == "--database_connection" && has_value && known(o, {"create_cell"}))
      database_connection = opts[++i];
    else if (o == "-h" || o == "--help") {
      std::cout << usage;
      return 0;
    } else {
      std::cerr << "nimbus-manage: unrecognized arguments: " << o << "\n" << usage;
      return 2;
    }
  }
  if (command != "list_cells" && command != "list_hosts" && command != "create_cell") {
    std::cerr << "nimbus-manage: unknown command cell_v2 " << command << "\n" << usage;
    return 2;
  }
  if (command == "create_cell")
    return create_cell(cfg.deployment.data_dir, name, transport_url, database_connection, disabled,
                       verbose);
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
