#pragma once
// Nova's noauth2: the token is "user:project" (or "user", then the project
// is the user's name too). The user "admin" is an admin. Nimbus trusts the
// token as Nova's noauth2 does: put a real identity service in front for
// anything but a lab.
#include <optional>
#include <string>

#include "compute/compute_api.h"

namespace nimbus::api {

/// The context a token stands for; nullopt for an empty token.
std::optional<compute::request_context> context_from_token(const std::string& token);

} // namespace nimbus::api
