#include "manage/cell_commands.h"

#include <algorithm>

#include "cells/api_cell.h"
#include "cells/cell_mapping.h"
#include "cells/cell_setup.h"
#include "manage/table.h"
#include "storage/ids.h"
#include "storage/keys.h"
#include "storage/record_io.h"

namespace nimbus::manage {
// The commands work on the cells' records and mappings throughout.
using namespace nimbus::cells;

namespace {

using storage::key_space;

const std::vector<command_spec> specs = {
  {"simple_cell_setup",
   "[--transport-url URL]",
   "map cell0 and cell1 and the hosts cell1 reports",
   {},
   {"transport-url"}},
  {"map_cell0", "[--database_connection URL]", "map cell0", {}, {"database_connection"}},
  {"create_cell",
   "--name NAME --transport-url URL --database_connection URL [--disabled] [--verbose]",
   "map a cell",
   {"disabled", "verbose"},
   {"name", "transport-url", "database_connection"}},
  {"list_cells", "[--verbose]", "list the cell mappings", {"verbose"}, {}},
  {"update_cell",
   "--cell_uuid UUID [--name NAME] [--transport-url URL] [--database_connection URL] [--disable] "
   "[--enable]",
   "change a cell mapping",
   {"disable", "enable"},
   {"cell_uuid", "name", "transport-url", "database_connection"}},
  {"delete_cell", "--cell_uuid UUID [--force]", "unmap a cell", {"force"}, {"cell_uuid"}},
  {"discover_hosts",
   "[--cell_uuid UUID] [--verbose] [--strict]",
   "map the hosts the cells report",
   {"verbose", "strict"},
   {"cell_uuid"}},
  {"list_hosts", "[--cell_uuid UUID]", "list the host mappings", {}, {"cell_uuid"}},
  {"delete_host", "--cell_uuid UUID --host HOST", "unmap a host", {}, {"cell_uuid", "host"}},
  {"map_instances",
   "--cell_uuid UUID [--max-count N]",
   "map the instances of a cell that have no mapping",
   {},
   {"cell_uuid", "max-count"}},
  {"verify_instance",
   "--uuid UUID [--quiet]",
   "tell which cell an instance is in",
   {"quiet"},
   {"uuid"}},
};

std::string opt(const options& o, const std::string& name) {
  auto it = o.find(name);
  return it == o.end() ? std::string{} : it->second;
}
bool flag(const options& o, const std::string& name) { return o.count(name) > 0; }

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

std::unique_ptr<storage::store> open_store(const std::string& path, bool read_only,
                                           std::ostream& err) {
  std::error_code ec;
  auto s = storage::open_rocksdb_store({path, read_only, !read_only}, &ec);
  if (!s)
    err << "Cannot open the store at " << path << " (" << ec.message() << ").\n";
  return s;
}

/// The path of a cell's store from its database connection, if it is local.
std::string store_path(const storage::cell_mapping& c) {
  const std::string rocks = "rocksdb://";
  return c.database_connection.rfind(rocks, 0) == 0 ? c.database_connection.substr(rocks.size())
                                                    : std::string{};
}

struct context {
  api_cell& api;
  const options& o;
  std::ostream& out;
  std::ostream& err;
  std::string data_dir;
};

int list_cells(context& c) {
  bool verbose = flag(c.o, "verbose");
  table t({"Name", "UUID", "Transport URL", "Database Connection", "Disabled"});
  auto cells = c.api.cell_mappings();
  std::sort(cells.begin(), cells.end(), [](auto& a, auto& b) { return a.name < b.name; });
  for (auto& m : cells)
    t.add({m.name, m.uuid, shown_url(m.transport_url, verbose),
           shown_url(m.database_connection, verbose), m.disabled ? "True" : "False"});
  c.out << t.render();
  return 0;
}

int list_hosts(context& c) {
  auto filter = opt(c.o, "cell_uuid");
  auto cells = c.api.cell_mappings();
  if (!filter.empty() && !c.api.cell_mapping(filter)) {
    c.err << "Cell with uuid " << filter << " was not found.\n";
    return 1;
  }
  table t({"Cell Name", "Cell UUID", "Hostname"});
  for (auto& h : c.api.host_mappings()) {
    if (!filter.empty() && h.cell_uuid != filter)
      continue;
    std::string name;
    for (auto& m : cells)
      if (m.uuid == h.cell_uuid)
        name = m.name;
    t.add({name, h.cell_uuid, h.host});
  }
  c.out << t.render();
  return 0;
}

bool used_elsewhere(api_cell& api, const std::string& uuid, const std::string& transport,
                    const std::string& db) {
  for (auto& m : api.cell_mappings())
    if (m.uuid != uuid && m.transport_url == transport && m.database_connection == db)
      return true;
  return false;
}

int create_cell(context& c) {
  auto transport = opt(c.o, "transport-url"), db = opt(c.o, "database_connection");
  if (transport.empty() || db.empty()) {
    c.err << "Must specify --transport-url and --database_connection.\n";
    return 1;
  }
  if (used_elsewhere(c.api, "", transport, db)) {
    c.err << "The specified transport_url and/or database_connection combination already exists "
             "for another cell.\n";
    return 2;
  }
  storage::cell_mapping m{storage::random_uuid(), opt(c.o, "name"), transport, db,
                          flag(c.o, "disabled")};
  if (auto ec = c.api.put(m)) {
    c.err << "Cannot record the cell: " << ec.message() << "\n";
    return 1;
  }
  if (flag(c.o, "verbose"))
    c.out << m.uuid << "\n";
  return 0;
}

int map_cell0(context& c) {
  if (c.api.cell_mapping(cell0_uuid)) {
    c.out << "Cell0 is already setup\n";
    return 0;
  }
  auto db = opt(c.o, "database_connection");
  if (db.empty())
    db = cells::default_cell_connection(c.data_dir, cell0_name);
  if (auto ec = c.api.put(storage::cell_mapping{cell0_uuid, cell0_name, "none:///", db, false})) {
    c.err << "Cannot map cell0: " << ec.message() << "\n";
    return 1;
  }
  return 0;
}

int update_cell(context& c) {
  auto uuid = opt(c.o, "cell_uuid");
  if (flag(c.o, "enable") && flag(c.o, "disable")) {
    c.err << "Cell cannot be disabled and enabled at the same time.\n";
    return 4;
  }
  auto m = c.api.cell_mapping(uuid);
  if (uuid.empty() || !m || m->uuid != uuid) {
    c.err << "Cell with uuid " << uuid << " was not found.\n";
    return 1;
  }
  if (uuid == cell0_uuid && flag(c.o, "disable")) {
    c.err << "Cell0 cannot be disabled.\n";
    return 3;
  }
  if (c.o.count("name"))
    m->name = opt(c.o, "name");
  if (c.o.count("transport-url"))
    m->transport_url = opt(c.o, "transport-url");
  if (c.o.count("database_connection"))
    m->database_connection = opt(c.o, "database_connection");
  if (used_elsewhere(c.api, uuid, m->transport_url, m->database_connection)) {
    c.err << "Unable to update CellMapping: the transport_url and database_connection are used by "
             "another cell.\n";
    return 2;
  }
  if (flag(c.o, "disable"))
    m->disabled = true;
  if (flag(c.o, "enable"))
    m->disabled = false;
  if (auto ec = c.api.put(*m)) {
    c.err << "Unable to update CellMapping: " << ec.message() << "\n";
    return 2;
  }
  return 0;
}

int delete_cell(context& c) {
  auto uuid = opt(c.o, "cell_uuid");
  auto m = c.api.cell_mapping(uuid);
  if (uuid.empty() || !m || m->uuid != uuid) {
    c.err << "Cell with uuid " << uuid << " was not found.\n";
    return 1;
  }
  bool force = flag(c.o, "force");
  std::vector<storage::host_mapping> hosts;
  for (auto& h : c.api.host_mappings())
    if (h.cell_uuid == uuid)
      hosts.push_back(h);
  std::vector<storage::instance_mapping> instances;
  for (auto& i : c.api.instance_mappings())
    if (i.cell_uuid == uuid)
      instances.push_back(i);
  if (!hosts.empty() && !force) {
    c.err << "There are existing hosts mapped to cell with uuid " << uuid << ".\n";
    return 2;
  }
  if (!instances.empty() && !force) {
    c.err << "There are existing instances mapped to cell with uuid " << uuid << ".\n";
    return 3;
  }
  storage::write_batch b;
  for (auto& h : hosts)
    b.erase(key_space::host_mappings, storage::keys::host(h.host));
  std::vector<std::string> unmapped;
  unmapped.reserve(instances.size());
  for (auto& i : instances)
    unmapped.push_back(i.instance_uuid);
  b.erase(key_space::cell_mappings, storage::keys::cell(uuid));
  if (auto ec = c.api.write_mappings(std::move(b), {}, unmapped)) {
    c.err << "Cannot delete the cell: " << ec.message() << "\n";
    return 1;
  }
  return 0;
}

int delete_host(context& c) {
  auto uuid = opt(c.o, "cell_uuid"), host = opt(c.o, "host");
  if (!c.api.cell_mapping(uuid)) {
    c.err << "Cell with uuid " << uuid << " was not found.\n";
    return 1;
  }
  auto hosts = c.api.host_mappings();
  auto it = std::find_if(hosts.begin(), hosts.end(), [&](auto& h) { return h.host == host; });
  if (it == hosts.end()) {
    c.err << "The host " << host << " was not found.\n";
    return 2;
  }
  if (it->cell_uuid != uuid) {
    c.err << "The host " << host << " was not found in the cell " << uuid << ".\n";
    return 3;
  }
  // A host with instances in the cell cannot go.
  auto m = c.api.cell_mapping(uuid);
  if (auto path = store_path(*m); !path.empty()) {
    if (auto cell_store = open_store(path, true, c.err)) {
      for (auto& r : storage::read_all<storage::instance_record>(*cell_store, key_space::instances))
        if (r.host == host) {
          c.err << "There are instances on the host " << host << ".\n";
          return 4;
        }
    }
  }
  return c.api.unmap_host(host) ? 1 : 0;
}

int discover_hosts(context& c) {
  auto only = opt(c.o, "cell_uuid");
  bool verbose = flag(c.o, "verbose");
  auto known = c.api.host_mappings();
  std::vector<storage::host_mapping> fresh;
  for (auto& m : c.api.cell_mappings()) {
    if (m.uuid == cell0_uuid || (!only.empty() && m.uuid != only))
      continue;
    auto path = store_path(m);
    if (path.empty())
      continue;
    auto cell_store = open_store(path, true, c.err);
    if (!cell_store)
      continue;
    if (verbose)
      c.out << "Checking host mapping for compute host in cell " << m.name << "\n";
    for (auto& s : storage::read_all<storage::service_record>(*cell_store, key_space::services)) {
      bool mapped =
        std::any_of(known.begin(), known.end(), [&](auto& h) { return h.host == s.host; });
      if (mapped)
        continue;
      fresh.push_back({s.host, m.uuid});
      if (verbose)
        c.out << "Creating host mapping for compute host '" << s.host << "'\n";
    }
  }
  for (auto& h : fresh)
    if (auto ec = c.api.put(h)) {
      c.err << "Cannot map host " << h.host << ": " << ec.message() << "\n";
      return 2;
    }
  return fresh.empty() && flag(c.o, "strict") ? 1 : 0;
}

int map_instances(context& c) {
  auto uuid = opt(c.o, "cell_uuid");
  auto m = c.api.cell_mapping(uuid);
  if (!m) {
    c.err << "Cell with uuid " << uuid << " was not found.\n";
    return 1;
  }
  long max_count = 50;
  if (c.o.count("max-count")) {
    try {
      max_count = std::stol(opt(c.o, "max-count"));
    } catch (const std::exception&) {
      max_count = 0;
    }
    if (max_count < 1) {
      c.err << "Must supply a positive value for max-count\n";
      return 127;
    }
  }
  auto path = store_path(*m);
  auto cell_store = path.empty() ? nullptr : open_store(path, true, c.err);
  if (!cell_store)
    return 255;
  std::vector<storage::instance_mapping> found;
  long mapped = 0;
  bool more = false;
  for (auto& r : storage::read_all<storage::instance_record>(*cell_store, key_space::instances)) {
    if (c.api.instance_mapping(r.uuid))
      continue;
    if (mapped == max_count) {
      more = true;
      break;
    }
    bool offloaded = r.vm_state == storage::vm_state::shelved_offloaded;
    found.push_back({r.uuid, m->uuid, r.project_id, r.user_id, r.created_us,
                     offloaded ? 0 : r.flavor_copy.vcpus, offloaded ? 0 : r.flavor_copy.memory_mb});
    ++mapped;
  }
  if (!found.empty() && c.api.write_mappings({}, found, {}))
    return 255;
  return more ? 1 : 0;
}

int verify_instance(context& c) {
  auto uuid = opt(c.o, "uuid");
  bool quiet = flag(c.o, "quiet");
  auto say = [&](const std::string& text) {
    if (!quiet)
      c.out << text << "\n";
  };
  auto mapping = c.api.instance_mapping(uuid);
  if (!mapping) {
    say("Instance " + uuid + " is not mapped to a cell (run map_instances)");
    return 1;
  }
  if (mapping->cell_uuid.empty()) {
    say("Instance " + uuid + " is not mapped to a cell");
    return 1;
  }
  auto cell = c.api.cell_mapping(mapping->cell_uuid);
  if (!cell) {
    say("Instance " + uuid + " is mapped to a cell " + mapping->cell_uuid + " that does not exist");
    return 2;
  }
  auto path = store_path(*cell);
  if (auto cell_store = path.empty() ? nullptr : open_store(path, true, c.err)) {
    storage::instance_record r;
    if (storage::read(*cell_store, key_space::instances, storage::keys::instance(uuid), &r)) {
      say("The instance with uuid " + uuid + " has been deleted and archived.");
      return 4;
    }
  }
  say("Instance " + uuid + " is in cell: " + cell->name + " (" + cell->uuid + ")");
  return 0;
}

int simple_cell_setup(context& c) {
  if (c.api.cell_mapping(cell0_uuid))
    c.out << "Cell0 is already setup\n";
  auto mappings = c.api.cell_mappings();
  bool has_cells =
    std::any_of(mappings.begin(), mappings.end(), [](auto& m) { return m.uuid != cell0_uuid; });
  auto transport = opt(c.o, "transport-url");
  if (!has_cells && transport.empty()) {
    c.err << "Must specify --transport-url.\n";
    return 1;
  }
  // The set-up a deployment's first start does, with one cell behind
  // `transport` and its hosts found rather than simulated.
  cells::setup_plan plan{c.data_dir, 1, 0, false, transport};
  if (auto ec = cells::simple_cell_setup(c.api, plan)) {
    c.err << "Cannot set up the cells: " << ec.message() << "\n";
    return 1;
  }
  options discover; // map whatever hosts the cells report already
  context d{c.api, discover, c.out, c.err, c.data_dir};
  discover_hosts(d);
  if (c.api.host_mappings().empty()) {
    c.out << "No hosts found to map to cell, exiting.\n";
    return 1;
  }
  return 0;
}

} // namespace

const std::vector<command_spec>& cell_v2_commands() { return specs; }

const command_spec* find_cell_v2_command(const std::string& command) {
  for (auto& c : specs)
    if (command == c.name)
      return &c;
  return nullptr;
}

bool cell_v2_reads_only(const std::string& command) {
  return command == "list_cells" || command == "list_hosts" || command == "verify_instance";
}

int run_cell_v2(const std::string& command, const options& o, api_cell& api,
                const std::string& data_dir, std::ostream& out, std::ostream& err) {
  context c{api, o, out, err, data_dir};
  static const std::map<std::string, int (*)(context&)> handlers = {
    {"simple_cell_setup", simple_cell_setup},
    {"map_cell0", map_cell0},
    {"create_cell", create_cell},
    {"list_cells", list_cells},
    {"update_cell", update_cell},
    {"delete_cell", delete_cell},
    {"discover_hosts", discover_hosts},
    {"list_hosts", list_hosts},
    {"delete_host", delete_host},
    {"map_instances", map_instances},
    {"verify_instance", verify_instance},
  };
  auto it = handlers.find(command);
  if (it == handlers.end()) {
    err << "unknown command cell_v2 " << command << "\n";
    return 2;
  }
  return it->second(c);
}

} // namespace nimbus::manage
