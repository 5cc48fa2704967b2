#include "policy/policy_file.h"

#include <sys/stat.h>

#include <yaml-cpp/yaml.h>

namespace nimbus::policy {

std::optional<std::map<std::string, std::string>> read_policy_file(const std::string& path,
                                                                   std::string* why) {
  std::map<std::string, std::string> rules;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return rules;
  try {
    auto doc = YAML::LoadFile(path);
    if (doc.IsNull())
      return rules; // an empty file (or one of comments only)
    if (!doc.IsMap()) {
      *why = path + ": not a mapping of rule names to rules";
      return std::nullopt;
    }
    for (const auto& entry : doc) {
      if (!entry.first.IsScalar() || !(entry.second.IsScalar() || entry.second.IsNull())) {
        *why = path + ": rule " + YAML::Dump(entry.first) + " is not a string";
        return std::nullopt;
      }
      rules[entry.first.as<std::string>()] =
        entry.second.IsNull() ? std::string{} : entry.second.as<std::string>();
    }
  } catch (const YAML::Exception& e) {
    *why = path + ": " + e.what();
    return std::nullopt;
  }
  return rules;
}

} // namespace nimbus::policy
