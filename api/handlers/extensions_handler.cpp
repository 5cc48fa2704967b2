// GET /v2.1/extensions and /extensions/{alias}: the v2.0 extension list that
// v2.1 keeps for old clients. Since microversions, every extension is part
// of the API; the list is static, one entry per area Nimbus serves, with
// the aliases and names clients look for.
#include "api/faults.h"
#include "api/handlers/handlers.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

struct extension {
  const char* alias;
  const char* name;
  const char* description;
};

// By alias, as Nova sorts them.
const extension extensions[] = {
  {"os-admin-actions", "AdminActions", "Administrator actions on servers (reset state)."},
  {"os-aggregates", "Aggregates", "Host aggregates and their metadata."},
  {"os-availability-zone", "AvailabilityZone", "Availability zones of hosts and servers."},
  {"os-console-output", "ConsoleOutput", "A server's console log."},
  {"os-consoles", "Consoles", "Consoles of servers."},
  {"os-create-backup", "CreateBackup", "Backups of a server as rotated images."},
  {"os-deferred-delete", "DeferredDelete", "Soft-deleted servers: restore and force delete."},
  {"os-evacuate", "Evacuate", "Rebuilding a server of a failed host elsewhere."},
  {"os-extended-availability-zone", "ExtendedAvailabilityZone",
   "The availability zone in a server's view."},
  {"os-extended-server-attributes", "ExtendedServerAttributes",
   "Host, hypervisor and instance name in an administrator's server view."},
  {"os-extended-status", "ExtendedStatus", "Task, vm and power states in a server's view."},
  {"os-flavor-access", "FlavorAccess", "Private flavors and the projects that may use them."},
  {"os-flavor-extra-specs", "FlavorExtraSpecs", "Extra specifications of flavors."},
  {"os-flavor-manage", "FlavorManage", "Creating and deleting flavors."},
  {"os-hosts", "Hosts", "Administration of compute hosts."},
  {"os-hypervisors", "Hypervisors", "Hypervisors, their resources and servers."},
  {"os-instance-actions", "InstanceActions", "The actions taken on a server and their events."},
  {"os-instance-usage-audit-log", "OSInstanceUsageAuditLog",
   "The audit of instance usage per period."},
  {"os-keypairs", "Keypairs", "SSH and x509 key pairs."},
  {"os-lock-server", "LockServer", "Locking a server against changes."},
  {"os-migrate-server", "MigrateServer", "Cold and live migration of servers."},
  {"os-migrations", "Migrations", "The migrations of servers."},
  {"os-pause-server", "PauseServer", "Pausing and unpausing servers."},
  {"os-quota-class-sets", "QuotaClasses", "Default quotas by class."},
  {"os-quota-sets", "Quotas", "Quotas of projects and users."},
  {"os-rescue", "Rescue", "Rescue mode for servers."},
  {"os-server-groups", "ServerGroups", "Server groups and their placement policies."},
  {"os-server-tags", "ServerTags", "Tags on servers."},
  {"os-services", "Services", "Compute and control services."},
  {"os-shelve", "Shelve", "Shelving and unshelving servers."},
  {"os-simple-tenant-usage", "SimpleTenantUsage", "Usage of servers by project over time."},
  {"os-suspend-server", "SuspendServer", "Suspending and resuming servers."},
  {"servers", "Servers", "Servers."},
};

json extension_json(const extension& e) {
  return {{"alias", e.alias},
          {"name", e.name},
          {"description", e.description},
          {"namespace", "http://docs.openstack.org/compute/ext/fake_xml"},
          {"updated", "2014-12-03T00:00:00Z"},
          {"links", json::array()}};
}

} // namespace

void add_extension_routes(router& r) {
  r.add("GET", "/v2.1/extensions", access::own("os_compute_api:extensions"),
        [](const api_request&, const params&) {
          json out = json::array();
          for (auto& e : extensions)
            out.push_back(extension_json(e));
          return json_response(200, {{"extensions", out}});
        });
  r.add("GET", "/v2.1/extensions/{}", access::own("os_compute_api:extensions"),
        [](const api_request&, const params& p) {
          for (auto& e : extensions)
            if (p[0] == e.alias)
              return json_response(200, {{"extension", extension_json(e)}});
          return not_found("Extension " + p[0] + " could not be found.");
        });
}

} // namespace nimbus::api
