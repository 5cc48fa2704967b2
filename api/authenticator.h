#pragma once
// Who a request's X-Auth-Token stands for. Two strategies ([api]
// auth_strategy): Keystone tokens (api/keystone_authenticator.h), and Nova's
// deprecated noauth2, kept for benchmarks and tests that want no identity.
//
// Contract: authenticate() is thread-safe, never blocks on a store or the
// network, and never throws; the roles it returns include the implied ones
// (admin implies member implies reader), so policy checks need no lookups.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "policy/rule.h"

namespace nimbus::api {

class authenticator {
public:
  virtual ~authenticator() = default;
  /// The holder of `token`; nullopt for a token that is not valid now.
  virtual std::optional<policy::credentials> authenticate(std::string_view token) const = 0;
  /// Whether `project_id` names a project of the identity service (Nova's
  /// verify_project_id before it sets a project's quotas or flavor access).
  /// Without an identity service (noauth2) every id is one.
  virtual bool knows_project(const std::string& project_id) const = 0;
};

/// noauth2: the token is "user:project" (or "user": the project is the
/// user's name too). The user "admin" holds the role admin, any other member
/// (each with the roles these imply). Trusts whoever reaches the port: a lab
/// setting only.
std::unique_ptr<authenticator> make_noauth2_authenticator();

} // namespace nimbus::api
