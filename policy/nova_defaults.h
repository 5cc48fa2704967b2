#pragma once
// Nova's default policy (the secure-RBAC defaults of 2023.1 to 2024.2, with
// enforce_new_defaults: no legacy rule OR-ed in) for every rule of the routes
// Nimbus serves, as data: one place to read what guards what, and the base
// a policy.yaml overrides by name. Role names are Keystone's admin, member
// and reader; Keystone's implied roles (admin implies member implies reader)
// are expanded into a token's roles by whoever builds its credentials.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "policy/rule.h"

namespace nimbus::policy {

struct default_rule {
  const char* name;
  const char* check;
  const char* guards; // what it guards, for docs and listings
};

/// The base rules first (context_is_admin, project_reader_api, ...), then
/// the routes' rules.
const std::vector<default_rule>& nova_defaults();

/// Nova's defaults and Keystone's (keystone_defaults.h) with `overrides` (a policy.yaml's rule name
/// -> check) on top. Nullopt, with *why naming the rule, if an override does not parse.
std::optional<rule_set> make_rule_set(const std::map<std::string, std::string>& overrides,
                                      std::string* why);

} // namespace nimbus::policy
