#include "tools/ini.h"

#include <sstream>

namespace nimbus::tools {
namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

} // namespace

bool parse_ini(const std::string& text, ini_file* out, std::string* error) {
  std::istringstream in(text);
  std::string line, section = "DEFAULT";
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    auto t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';')
      continue;
    if (t.front() == '[') {
      if (t.back() != ']') {
        *error = "line " + std::to_string(number) + ": unterminated section header";
        return false;
      }
      section = trim(t.substr(1, t.size() - 2));
      (*out)[section];
      continue;
    }
    auto eq = t.find('=');
    if (eq == std::string::npos) {
      *error = "line " + std::to_string(number) + ": expected key = value";
      return false;
    }
    (*out)[section][trim(t.substr(0, eq))] = trim(t.substr(eq + 1));
  }
  return true;
}

} // namespace nimbus::tools
