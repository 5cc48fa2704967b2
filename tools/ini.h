#pragma once
// A small INI reader in the shape of nova.conf: [section] headers, key = value
// lines, '#' and ';' comments. Keys before any section are in "DEFAULT".
#include <map>
#include <string>

namespace nimbus::tools {

using ini_file = std::map<std::string, std::map<std::string, std::string>>;

/// Parses `text`; on a malformed line returns false with *error naming it.
bool parse_ini(const std::string& text, ini_file* out, std::string* error);

} // namespace nimbus::tools
