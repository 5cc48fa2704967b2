#pragma once
// nimbus-manage cell_v2 commands (cf. nova-manage cell_v2), working on the
// API cell's data directory. Each returns Nova's exit code for the command.
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace nimbus::tools {

/// A parsed command line: option name (without dashes) -> value ("" for flags).
using options = std::map<std::string, std::string>;

struct command_spec {
  const char* name;
  const char* usage;      // the options, for --help
  const char* summary;
  std::vector<std::string> flags;  // options without a value
  std::vector<std::string> values; // options with a value
};

/// Every command, in the order --help lists them.
const std::vector<command_spec>& cell_v2_commands();

/// Runs `command` on the API cell store under `data_dir`. Output goes to
/// `out`, errors to `err`.
int run_cell_v2(const std::string& command, const options& opts, const std::string& data_dir,
                std::ostream& out, std::ostream& err);

} // namespace nimbus::tools
