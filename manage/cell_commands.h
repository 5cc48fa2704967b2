#pragma once
// The cell_v2 management commands (cf. nova-manage cell_v2) on an API cell:
// nimbus-manage runs them on a data directory, and a running API runs them
// for nimbus-manage on its live API cell. Each returns Nova's exit code.
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace nimbus::cells {
class api_cell;
}

namespace nimbus::manage {

/// A parsed command line: option name (without dashes) -> value ("" for flags).
using options = std::map<std::string, std::string>;

struct command_spec {
  const char* name;
  const char* usage; // the options, for --help
  const char* summary;
  std::vector<std::string> flags;  // options without a value
  std::vector<std::string> values; // options with a value
};

/// Every command, in the order --help lists them.
const std::vector<command_spec>& cell_v2_commands();

/// The spec of `command`, or null if there is no such command.
const command_spec* find_cell_v2_command(const std::string& command);

/// Whether `command` only reads the API cell.
bool cell_v2_reads_only(const std::string& command);

/// Runs `command` on `api`. Cell stores named by rocksdb:// connections are
/// opened read-only where a command needs them; new cells' stores go under
/// `data_dir`. Output goes to `out`, errors to `err`.
int run_cell_v2(const std::string& command, const options& opts, cells::api_cell& api,
                const std::string& data_dir, std::ostream& out, std::ostream& err);

} // namespace nimbus::manage
