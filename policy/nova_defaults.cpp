#include "policy/nova_defaults.h"

#include "policy/keystone_defaults.h"

namespace nimbus::policy {

const std::vector<default_rule>& nova_defaults() {
  // Facts from nova/policies/{base,servers,extended_server_attributes,
  // instance_actions,flavor_manage,flavor_extra_specs,hypervisors,services,
  // limits,keypairs}.py; the check strings are Nova's, with its constants written out
  // as the rule: references they stand for.
  static const std::vector<default_rule> rules{
    // Base rules.
    {"context_is_admin", "role:admin", "admin in any project"},
    {"project_member_api", "role:member and project_id:%(project_id)s", "a member of the project"},
    {"project_reader_api", "role:reader and project_id:%(project_id)s", "a reader of the project"},
    {"project_member_or_admin", "rule:project_member_api or rule:context_is_admin",
     "a member of the project, or an admin"},
    {"project_reader_or_admin", "rule:project_reader_api or rule:context_is_admin",
     "a reader of the project, or an admin"},
    // Servers.
    {"os_compute_api:servers:index", "rule:project_reader_or_admin", "GET /servers"},
    {"os_compute_api:servers:detail", "rule:project_reader_or_admin", "GET /servers/detail"},
    {"os_compute_api:servers:index:get_all_tenants", "rule:context_is_admin",
     "GET /servers?all_tenants"},
    {"os_compute_api:servers:detail:get_all_tenants", "rule:context_is_admin",
     "GET /servers/detail?all_tenants"},
    {"os_compute_api:servers:allow_all_filters", "rule:context_is_admin",
     "list filters beyond the user's ones"},
    {"os_compute_api:servers:show", "rule:project_reader_or_admin", "GET /servers/{id}"},
    {"os_compute_api:servers:show:host_status", "rule:context_is_admin", "host_status in views"},
    {"os_compute_api:servers:show:flavor-extra-specs", "rule:project_reader_or_admin",
     "flavor extra_specs in server views (2.47)"},
    {"os_compute_api:servers:create", "rule:project_member_or_admin", "POST /servers"},
    {"os_compute_api:servers:create:forced_host", "rule:context_is_admin",
     "POST /servers with availability_zone zone:host"},
    {"compute:servers:create:requested_destination", "rule:context_is_admin",
     "POST /servers with host or hypervisor_hostname (2.74)"},
    {"os_compute_api:servers:create:zero_disk_flavor", "rule:context_is_admin",
     "POST /servers with a flavor of root disk 0"},
    {"os_compute_api:servers:delete", "rule:project_member_or_admin", "DELETE /servers/{id}"},
    {"os_compute_api:servers:start", "rule:project_member_or_admin", "os-start"},
    {"os_compute_api:servers:stop", "rule:project_member_or_admin", "os-stop"},
    {"os_compute_api:servers:reboot", "rule:project_member_or_admin", "reboot"},
    {"os_compute_api:servers:update", "rule:project_member_or_admin", "PUT /servers/{id}"},
    {"os_compute_api:servers:rebuild", "rule:project_member_or_admin", "rebuild"},
    {"os_compute_api:servers:create_image", "rule:project_member_or_admin", "createImage"},
    {"os_compute_api:os-create-backup", "rule:project_member_or_admin", "createBackup"},
    {"os_compute_api:os-deferred-delete:restore", "rule:project_member_or_admin", "restore"},
    {"os_compute_api:os-deferred-delete:force", "rule:project_member_or_admin", "forceDelete"},
    {"os_compute_api:servers:trigger_crash_dump", "rule:project_member_or_admin",
     "trigger_crash_dump (2.17)"},
    // Server actions (nova/policies/{pause_server,suspend_server,lock_server,
    // rescue,shelve,admin_password,admin_actions,console_output}.py).
    {"os_compute_api:os-pause-server:pause", "rule:project_member_or_admin", "pause"},
    {"os_compute_api:os-pause-server:unpause", "rule:project_member_or_admin", "unpause"},
    {"os_compute_api:os-suspend-server:suspend", "rule:project_member_or_admin", "suspend"},
    {"os_compute_api:os-suspend-server:resume", "rule:project_member_or_admin", "resume"},
    {"os_compute_api:os-lock-server:lock", "rule:project_member_or_admin", "lock"},
    {"os_compute_api:os-lock-server:unlock", "rule:project_member_or_admin", "unlock"},
    {"os_compute_api:os-lock-server:unlock:unlock_override", "rule:context_is_admin",
     "unlock a server an admin locked"},
    {"os_compute_api:os-rescue", "rule:project_member_or_admin", "rescue"},
    {"os_compute_api:os-unrescue", "rule:project_member_or_admin", "unrescue"},
    {"os_compute_api:os-shelve:shelve", "rule:project_member_or_admin", "shelve"},
    {"os_compute_api:os-shelve:shelve_offload", "rule:context_is_admin", "shelveOffload"},
    {"os_compute_api:os-shelve:unshelve", "rule:project_member_or_admin", "unshelve"},
    {"os_compute_api:os-shelve:unshelve_to_host", "rule:context_is_admin",
     "unshelve with a host (2.91)"},
    {"os_compute_api:os-admin-password", "rule:project_member_or_admin", "changePassword"},
    {"os_compute_api:os-admin-actions:reset_state", "rule:context_is_admin", "os-resetState"},
    {"os_compute_api:os-console-output", "rule:project_member_or_admin", "os-getConsoleOutput"},
    // Moves (nova/policies/{servers,migrate_server,evacuate,migrations,
    // servers_migrations}.py).
    {"os_compute_api:servers:resize", "rule:project_member_or_admin", "resize"},
    {"os_compute_api:servers:confirm_resize", "rule:project_member_or_admin", "confirmResize"},
    {"os_compute_api:servers:revert_resize", "rule:project_member_or_admin", "revertResize"},
    {"os_compute_api:os-migrate-server:migrate", "rule:context_is_admin", "migrate"},
    {"os_compute_api:os-migrate-server:migrate_live", "rule:context_is_admin", "os-migrateLive"},
    {"os_compute_api:os-evacuate", "rule:context_is_admin", "evacuate"},
    {"os_compute_api:os-migrations:index", "rule:context_is_admin", "GET /os-migrations"},
    // os-hosts (deprecated, up to 2.42).
    {"os_compute_api:os-hosts:list", "rule:context_is_admin", "GET /os-hosts"},
    {"os_compute_api:os-hosts:show", "rule:context_is_admin", "GET /os-hosts/{host}"},
    {"os_compute_api:os-hosts:update", "rule:context_is_admin", "PUT /os-hosts/{host}"},
    {"os_compute_api:os-hosts:reboot", "rule:context_is_admin", "GET /os-hosts/{host}/reboot"},
    {"os_compute_api:os-hosts:shutdown", "rule:context_is_admin", "GET /os-hosts/{host}/shutdown"},
    {"os_compute_api:os-hosts:start", "rule:context_is_admin", "GET /os-hosts/{host}/startup"},
    // Availability zones.
    {"os_compute_api:os-availability-zone:list", "@", "GET /os-availability-zone"},
    {"os_compute_api:os-availability-zone:detail", "rule:context_is_admin",
     "GET /os-availability-zone/detail"},
    // Key pairs: the user's own (the target's user_id), or an admin's for anyone.
    {"os_compute_api:os-quota-sets:show", "rule:project_reader_or_admin",
     "GET /os-quota-sets/{project_id}"},
    {"os_compute_api:os-quota-sets:detail", "rule:project_reader_or_admin",
     "GET /os-quota-sets/{project_id}/detail"},
    {"os_compute_api:os-quota-sets:defaults", "@", "GET /os-quota-sets/{project_id}/defaults"},
    {"os_compute_api:os-quota-sets:update", "rule:context_is_admin",
     "PUT /os-quota-sets/{project_id}"},
    {"os_compute_api:os-quota-sets:delete", "rule:context_is_admin",
     "DELETE /os-quota-sets/{project_id}"},
    {"os_compute_api:os-quota-class-sets:show", "rule:context_is_admin",
     "GET /os-quota-class-sets/{id}"},
    {"os_compute_api:os-quota-class-sets:update", "rule:context_is_admin",
     "PUT /os-quota-class-sets/{id}"},
    {"os_compute_api:os-keypairs:index", "rule:context_is_admin or user_id:%(user_id)s",
     "GET /os-keypairs"},
    {"os_compute_api:os-keypairs:create", "rule:context_is_admin or user_id:%(user_id)s",
     "POST /os-keypairs"},
    {"os_compute_api:os-keypairs:show", "rule:context_is_admin or user_id:%(user_id)s",
     "GET /os-keypairs/{name}"},
    {"os_compute_api:os-keypairs:delete", "rule:context_is_admin or user_id:%(user_id)s",
     "DELETE /os-keypairs/{name}"},
    {"os_compute_api:servers:migrations:index", "rule:context_is_admin",
     "GET /servers/{id}/migrations"},
    {"os_compute_api:servers:migrations:show", "rule:context_is_admin",
     "GET /servers/{id}/migrations/{migration_id}"},
    // Server resources (nova/policies/{server_metadata,server_tags,ips,
    // server_password,server_diagnostics}.py).
    {"os_compute_api:server-metadata:index", "rule:project_reader_or_admin",
     "GET /servers/{id}/metadata"},
    {"os_compute_api:server-metadata:show", "rule:project_reader_or_admin",
     "GET /servers/{id}/metadata/{key}"},
    {"os_compute_api:server-metadata:create", "rule:project_member_or_admin",
     "POST /servers/{id}/metadata"},
    {"os_compute_api:server-metadata:update_all", "rule:project_member_or_admin",
     "PUT /servers/{id}/metadata"},
    {"os_compute_api:server-metadata:update", "rule:project_member_or_admin",
     "PUT /servers/{id}/metadata/{key}"},
    {"os_compute_api:server-metadata:delete", "rule:project_member_or_admin",
     "DELETE /servers/{id}/metadata/{key}"},
    {"os_compute_api:os-server-tags:index", "rule:project_reader_or_admin",
     "GET /servers/{id}/tags"},
    {"os_compute_api:os-server-tags:show", "rule:project_reader_or_admin",
     "GET /servers/{id}/tags/{tag}"},
    {"os_compute_api:os-server-tags:update_all", "rule:project_member_or_admin",
     "PUT /servers/{id}/tags"},
    {"os_compute_api:os-server-tags:update", "rule:project_member_or_admin",
     "PUT /servers/{id}/tags/{tag}"},
    {"os_compute_api:os-server-tags:delete_all", "rule:project_member_or_admin",
     "DELETE /servers/{id}/tags"},
    {"os_compute_api:os-server-tags:delete", "rule:project_member_or_admin",
     "DELETE /servers/{id}/tags/{tag}"},
    {"os_compute_api:ips:index", "rule:project_reader_or_admin", "GET /servers/{id}/ips"},
    {"os_compute_api:ips:show", "rule:project_reader_or_admin", "GET /servers/{id}/ips/{network}"},
    {"os_compute_api:os-server-password:show", "rule:project_reader_or_admin",
     "GET /servers/{id}/os-server-password"},
    {"os_compute_api:os-server-password:clear", "rule:project_member_or_admin",
     "DELETE /servers/{id}/os-server-password"},
    {"os_compute_api:os-server-diagnostics", "rule:context_is_admin",
     "GET /servers/{id}/diagnostics"},
    {"os_compute_api:os-extended-server-attributes", "rule:context_is_admin",
     "OS-EXT-SRV-ATTR:* in server views"},
    // Instance actions.
    {"os_compute_api:os-instance-actions:list", "rule:project_reader_or_admin",
     "GET /servers/{id}/os-instance-actions"},
    {"os_compute_api:os-instance-actions:show", "rule:project_reader_or_admin",
     "GET /servers/{id}/os-instance-actions/{request_id}"},
    {"os_compute_api:os-instance-actions:events", "rule:context_is_admin",
     "events' traceback and host in an action"},
    {"os_compute_api:os-instance-actions:events:details", "rule:context_is_admin",
     "events' details (2.84)"},
    // Flavors (listing and showing them has no rule).
    {"os_compute_api:os-flavor-extra-specs:index", "rule:project_reader_or_admin",
     "GET /flavors/{id}/os-extra_specs"},
    {"os_compute_api:os-flavor-extra-specs:show", "rule:project_reader_or_admin",
     "GET /flavors/{id}/os-extra_specs/{key}"},
    {"os_compute_api:os-flavor-extra-specs:create", "rule:context_is_admin",
     "POST /flavors/{id}/os-extra_specs"},
    {"os_compute_api:os-flavor-extra-specs:update", "rule:context_is_admin",
     "PUT /flavors/{id}/os-extra_specs/{key}"},
    {"os_compute_api:os-flavor-extra-specs:delete", "rule:context_is_admin",
     "DELETE /flavors/{id}/os-extra_specs/{key}"},
    {"os_compute_api:os-flavor-access", "rule:context_is_admin",
     "GET /flavors/{id}/os-flavor-access"},
    {"os_compute_api:os-flavor-access:add_tenant_access", "rule:context_is_admin",
     "POST /flavors/{id}/action (addTenantAccess)"},
    {"os_compute_api:os-flavor-access:remove_tenant_access", "rule:context_is_admin",
     "POST /flavors/{id}/action (removeTenantAccess)"},
    {"os_compute_api:os-flavor-manage:create", "rule:context_is_admin", "POST /flavors"},
    {"os_compute_api:os-flavor-manage:update", "rule:context_is_admin", "PUT /flavors/{id}"},
    {"os_compute_api:os-flavor-manage:delete", "rule:context_is_admin", "DELETE /flavors/{id}"},
    // Hypervisors and services.
    {"os_compute_api:os-hypervisors:list", "rule:context_is_admin", "GET /os-hypervisors"},
    {"os_compute_api:os-hypervisors:list-detail", "rule:context_is_admin",
     "GET /os-hypervisors/detail"},
    {"os_compute_api:os-hypervisors:show", "rule:context_is_admin", "GET /os-hypervisors/{id}"},
    {"os_compute_api:os-hypervisors:uptime", "rule:context_is_admin",
     "GET /os-hypervisors/{id}/uptime"},
    {"os_compute_api:os-services:list", "rule:context_is_admin", "GET /os-services"},
    {"os_compute_api:os-services:update", "rule:context_is_admin", "PUT /os-services/{id} (2.53)"},
    // Limits.
    {"os_compute_api:limits", "@", "GET /limits"},
    {"os_compute_api:limits:other_project", "rule:context_is_admin", "GET /limits?tenant_id"},
    // Nimbus's own.
    {"nimbus:manage:cell_v2", "rule:context_is_admin",
     "POST /nimbus-manage/cell_v2/{command} (nimbus-manage on a running API)"},
  };
  return rules;
}

std::optional<rule_set> make_rule_set(const std::map<std::string, std::string>& overrides,
                                      std::string* why) {
  rule_set set;
  for (auto* defaults : {&nova_defaults(), &keystone_defaults()})
    for (auto& r : *defaults)
      if (!set.set(r.name, r.check, why)) {
        *why = std::string("default rule ") + r.name + ": " + *why;
        return std::nullopt;
      }
  for (auto& [name, check] : overrides)
    if (!set.set(name, check, why)) {
      *why = "policy rule " + name + ": " + *why;
      return std::nullopt;
    }
  return set;
}

} // namespace nimbus::policy
