#include "identity/bootstrap.h"

#include <algorithm>

#include "identity/token_codec.h"
#include "storage/clock.h"
#include "storage/ids.h"

namespace nimbus::identity {
namespace {

bool ok(change c, const std::string& what, std::string* why) {
  if (c == change::done)
    return true;
  *why = "identity bootstrap: cannot store " + what;
  return false;
}

} // namespace

std::optional<bootstrap_result> bootstrap(directory& dir, sign_in& login,
                                          const bootstrap_options& opts, std::string* why) {
  bootstrap_result result;
  auto now = storage::now_us();
  if (!dir.domain("default")) {
    storage::domain d;
    d.id = "default";
    d.name = "Default";
    d.description = "The default domain";
    d.created_us = now;
    if (!ok(dir.put(d), "the domain Default", why))
      return std::nullopt;
  }
  std::string admin_role_id;
  for (auto name : {"reader", "member", "admin"}) {
    auto r = dir.role_named(name);
    if (!r) {
      r = storage::role{new_id(), name, ""};
      if (!ok(dir.put(*r), std::string("the role ") + name, why))
        return std::nullopt;
    }
    admin_role_id = r->id; // the last one is admin
  }
  auto project = dir.project_named(opts.admin_project, "default");
  if (!project) {
    project = storage::project{};
    project->id = new_id();
    project->name = opts.admin_project;
    project->domain_id = "default";
    project->description = "Bootstrap project for initializing the cloud.";
    project->created_us = now;
    if (!ok(dir.put(*project), "the project " + opts.admin_project, why))
      return std::nullopt;
  }
  auto user = dir.user_named(opts.admin_user, "default");
  if (!user) {
    user = storage::user{};
    user->id = new_id();
    user->name = opts.admin_user;
    user->domain_id = "default";
    user->created_us = now;
    auto password = opts.admin_password;
    if (password.empty()) {
      password = random_audit_id(); // 22 random base64url characters
      result.generated_password = password;
    }
    if (!ok(login.set_password(*user, password), "the user " + opts.admin_user, why))
      return std::nullopt;
    result.created_admin = true;
  }
  for (auto& grant : {storage::role_assignment{user->id, project->id, "", admin_role_id},
                      storage::role_assignment{user->id, "", "default", admin_role_id}})
    if (!ok(dir.grant(grant), "the admin's role", why))
      return std::nullopt;
  return result;
}

} // namespace nimbus::identity
