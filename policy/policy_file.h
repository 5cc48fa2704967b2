#pragma once
// A policy.yaml (or policy.json, which YAML reads too) as Nova's
// [oslo_policy] policy_file: a mapping of rule name to check string, each
// overriding the default of that name (policy/nova_defaults.h).
//
// Contract: a missing file is no overrides (as oslo.policy treats its
// default file); a file that is not a mapping of strings to strings is
// refused with *why naming the problem. Blocks on the file read.
#include <map>
#include <optional>
#include <string>

namespace nimbus::policy {

std::optional<std::map<std::string, std::string>> read_policy_file(const std::string& path,
                                                                   std::string* why);

} // namespace nimbus::policy
