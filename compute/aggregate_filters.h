#pragma once
// The scheduler filters that read host aggregates, run where the aggregates
// live (the API cell) before a boot goes to a cell: the hosts they leave
// become the boot's allowed hosts (request_spec.zone_hosts, with the zone's),
// so the super conductor asks only cells that have some and each cell's
// scheduler keeps only them. Plain functions, no CAF.
//
//   AggregateInstanceExtraSpecsFilter  every flavor extra spec that is
//     unscoped or scoped `aggregate_instance_extra_specs:` must be matched
//     (scheduler::extra_spec_matches) by that key's value in one of the host's
//     aggregates; a flavor without such specs passes everywhere.
//   AggregateMultiTenancyIsolation  a host in aggregates with
//     filter_tenant_id* keys (comma-separated project ids) takes only
//     those projects' servers; other hosts take anyone's.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/records.h"

namespace nimbus::compute {

/// Which of the aggregate filters [scheduler] enabled_filters names.
struct aggregate_filters {
  bool instance_extra_specs = false; // AggregateInstanceExtraSpecsFilter
  bool tenant_isolation = false;     // AggregateMultiTenancyIsolation
  bool any() const { return instance_extra_specs || tenant_isolation; }
};
aggregate_filters aggregate_filters_of(const std::vector<std::string>& enabled_filters);

/// The hosts of `hosts` (sorted) the enabled filters let a boot of a flavor
/// with `extra_specs` by `project_id` on; nullopt when they rule out none.
std::optional<std::vector<std::string>>
allowed_hosts(const aggregate_filters& filters, const std::vector<storage::aggregate>& aggregates,
              const std::vector<std::string>& hosts,
              const std::map<std::string, std::string>& extra_specs, const std::string& project_id);

} // namespace nimbus::compute
