#pragma once
// The first start of an identity directory (as keystone-manage bootstrap):
// the domain Default (id "default"), the roles admin, member and reader,
// the project admin and the user admin holding admin on it and on the
// domain. Idempotent: what exists is kept, what is missing is added.
#include <optional>
#include <string>

#include "identity/directory.h"
#include "identity/sign_in.h"

namespace nimbus::identity {

struct bootstrap_options {
  std::string admin_user = "admin";
  std::string admin_project = "admin";
  /// The admin's password; empty: one is generated (when the user is new).
  std::string admin_password;
};

struct bootstrap_result {
  bool created_admin = false;     // the admin user is new: its password was set
  std::string generated_password; // set when it was generated (show it once)
};

/// Nullopt with *why when a record cannot be written.
std::optional<bootstrap_result> bootstrap(directory& dir, sign_in& login,
                                          const bootstrap_options& opts, std::string* why);

} // namespace nimbus::identity
