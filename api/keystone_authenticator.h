#pragma once
// The compute and image APIs' authenticator under auth_strategy = keystone:
// a token the identity service issued, validated with the keys alone
// (identity/token_authority.h): no store read, no call to the identity port.
#include <memory>

#include "api/authenticator.h"
#include "identity/token_authority.h"

namespace nimbus::api {

/// Keeps references to `tokens` and `dir` (for knows_project): they must
/// outlive the authenticator.
std::unique_ptr<authenticator> make_keystone_authenticator(const identity::token_authority& tokens,
                                                           const identity::directory& dir);

} // namespace nimbus::api
