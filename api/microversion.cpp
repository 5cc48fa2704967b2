#include "api/microversion.h"

#include <cctype>
#include <sstream>

namespace nimbus::api {
namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

std::optional<microversion> parse(const std::string& text) {
  if (text == "latest")
    return max_version;
  auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size())
    return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (i != dot && !std::isdigit(static_cast<unsigned char>(text[i])))
      return std::nullopt;
  try {
    return microversion{std::stoi(text.substr(0, dot)), std::stoi(text.substr(dot + 1))};
  } catch (...) {
    return std::nullopt;
  }
}

} // namespace

std::optional<microversion> requested_version(const std::string& openstack_api_version,
                                              const std::string& legacy_header, std::string* raw) {
  // OpenStack-API-Version may list several services: "compute 2.37, volume 3.0".
  std::stringstream entries(openstack_api_version);
  std::string entry;
  while (std::getline(entries, entry, ',')) {
    entry = trim(entry);
    auto space = entry.find(' ');
    if (space == std::string::npos)
      continue;
    auto service = entry.substr(0, space);
    for (auto& c : service)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (service == "compute") {
      *raw = trim(entry.substr(space + 1));
      return parse(*raw);
    }
  }
  if (!trim(legacy_header).empty()) {
    *raw = trim(legacy_header);
    return parse(*raw);
  }
  *raw = min_version.text();
  return min_version;
}

bool in_range(const microversion& v) {
  return v.at_least(min_version.major, min_version.minor) && max_version.at_least(v.major, v.minor);
}

} // namespace nimbus::api
