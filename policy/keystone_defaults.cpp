#include "policy/keystone_defaults.h"

namespace nimbus::policy {

const std::vector<default_rule>& keystone_defaults() {
  // Facts from keystone/common/policies/*.py; targets are named as Keystone
  // names them (target.user.id, ...).
  static const std::vector<default_rule> rules{
    {"admin_required", "role:admin", "an admin"},
    {"identity:owner", "user_id:%(target.user.id)s", "the user the call is about"},
    {"identity:admin_or_owner", "rule:admin_required or rule:identity:owner",
     "an admin, or the user the call is about"},
    // Tokens.
    {"identity:validate_token", "rule:admin_required or user_id:%(target.token.user_id)s",
     "GET /v3/auth/tokens"},
    {"identity:check_token", "rule:admin_required or user_id:%(target.token.user_id)s",
     "HEAD /v3/auth/tokens"},
    {"identity:revoke_token", "rule:admin_required or user_id:%(target.token.user_id)s",
     "DELETE /v3/auth/tokens"},
    // Domains.
    {"identity:get_domain",
     "rule:admin_required or domain_id:%(target.domain.id)s or "
     "project_domain_id:%(target.domain.id)s",
     "GET /v3/domains/{id}"},
    {"identity:list_domains", "rule:admin_required", "GET /v3/domains"},
    {"identity:create_domain", "rule:admin_required", "POST /v3/domains"},
    {"identity:update_domain", "rule:admin_required", "PATCH /v3/domains/{id}"},
    {"identity:delete_domain", "rule:admin_required", "DELETE /v3/domains/{id}"},
    // Projects.
    {"identity:get_project", "rule:admin_required or project_id:%(target.project.id)s",
     "GET /v3/projects/{id}"},
    {"identity:list_projects", "rule:admin_required", "GET /v3/projects"},
    {"identity:list_user_projects", "rule:identity:admin_or_owner", "GET /v3/users/{id}/projects"},
    {"identity:create_project", "rule:admin_required", "POST /v3/projects"},
    {"identity:update_project", "rule:admin_required", "PATCH /v3/projects/{id}"},
    {"identity:delete_project", "rule:admin_required", "DELETE /v3/projects/{id}"},
    // Users.
    {"identity:get_user", "rule:identity:admin_or_owner", "GET /v3/users/{id}"},
    {"identity:list_users", "rule:admin_required", "GET /v3/users"},
    {"identity:create_user", "rule:admin_required", "POST /v3/users"},
    {"identity:update_user", "rule:admin_required", "PATCH /v3/users/{id}"},
    {"identity:delete_user", "rule:admin_required", "DELETE /v3/users/{id}"},
    {"identity:change_password", "rule:identity:admin_or_owner",
     "POST /v3/users/{id}/password (the original password is asked all the same)"},
    // Roles and their assignments.
    {"identity:get_role", "rule:admin_required", "GET /v3/roles/{id}"},
    {"identity:list_roles", "rule:admin_required", "GET /v3/roles"},
    {"identity:create_role", "rule:admin_required", "POST /v3/roles"},
    {"identity:update_role", "rule:admin_required", "PATCH /v3/roles/{id}"},
    {"identity:delete_role", "rule:admin_required", "DELETE /v3/roles/{id}"},
    {"identity:list_role_inference_rules", "rule:admin_required", "GET /v3/role_inferences"},
    {"identity:check_grant", "rule:admin_required", "HEAD|GET .../users/{u}/roles/{r}"},
    {"identity:list_grants", "rule:admin_required", "GET .../users/{u}/roles"},
    {"identity:create_grant", "rule:admin_required", "PUT .../users/{u}/roles/{r}"},
    {"identity:revoke_grant", "rule:admin_required", "DELETE .../users/{u}/roles/{r}"},
    {"identity:list_role_assignments", "rule:admin_required", "GET /v3/role_assignments"},
    // Application credentials: the user's own.
    {"identity:get_application_credential", "rule:identity:admin_or_owner",
     "GET /v3/users/{u}/application_credentials/{id}"},
    {"identity:list_application_credentials", "rule:identity:admin_or_owner",
     "GET /v3/users/{u}/application_credentials"},
    {"identity:create_application_credential", "rule:identity:owner",
     "POST /v3/users/{u}/application_credentials"},
    {"identity:delete_application_credential", "rule:identity:admin_or_owner",
     "DELETE /v3/users/{u}/application_credentials/{id}"},
  };
  return rules;
}

} // namespace nimbus::policy
