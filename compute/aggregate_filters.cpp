#include "compute/aggregate_filters.h"

#include "actors/scheduler/extra_spec_ops.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace nimbus::compute {
namespace {

constexpr std::string_view spec_scope = "aggregate_instance_extra_specs";
constexpr std::string_view tenant_key = "filter_tenant_id";

// Each key's values over the host's aggregates.
using host_metadata = std::map<std::string, std::set<std::string>>;

} // namespace

aggregate_filters aggregate_filters_of(const std::vector<std::string>& enabled_filters) {
  aggregate_filters out;
  for (auto& name : enabled_filters) {
    if (name == "AggregateInstanceExtraSpecsFilter")
      out.instance_extra_specs = true;
    else if (name == "AggregateMultiTenancyIsolation")
      out.tenant_isolation = true;
  }
  return out;
}

std::optional<std::vector<std::string>>
allowed_hosts(const aggregate_filters& filters, const std::vector<storage::aggregate>& aggregates,
              const std::vector<std::string>& hosts,
              const std::map<std::string, std::string>& extra_specs,
              const std::string& project_id) {
  // The specs the extra specs filter checks: unscoped, or its own scope.
  std::vector<std::pair<std::string, std::string>> wanted;
  if (filters.instance_extra_specs)
    for (auto& [key, req] : extra_specs) {
      auto colon = key.find(':');
      if (colon == std::string::npos)
        wanted.emplace_back(key, req);
      else if (std::string_view(key).substr(0, colon) == spec_scope)
        wanted.emplace_back(key.substr(colon + 1), req);
    }
  bool isolating = false;
  if (filters.tenant_isolation)
    for (auto& a : aggregates)
      for (auto& [key, value] : a.metadata)
        if (key.compare(0, tenant_key.size(), tenant_key) == 0)
          isolating = true;
  if (wanted.empty() && !isolating)
    return std::nullopt;
  std::map<std::string, host_metadata> by_host;
  for (auto& a : aggregates)
    for (auto& h : a.hosts)
      for (auto& [key, value] : a.metadata)
        by_host[h][key].insert(value);
  std::vector<std::string> out;
  for (auto& host : hosts) {
    auto it = by_host.find(host);
    static const host_metadata none;
    auto& meta = it == by_host.end() ? none : it->second;
    bool fits = std::all_of(wanted.begin(), wanted.end(), [&](auto& spec) {
      auto values = meta.find(spec.first);
      if (values == meta.end())
        return false;
      return std::any_of(values->second.begin(), values->second.end(), [&](const std::string& v) {
        return scheduler::extra_spec_matches(v, spec.second);
      });
    });
    if (fits && isolating) {
      // Nova's rule: the host's filter_tenant_id* values, split on commas,
      // must name the project, if there are any.
      std::set<std::string> tenants;
      for (auto& [key, values] : meta)
        if (key.compare(0, tenant_key.size(), tenant_key) == 0)
          for (auto& v : values) {
            std::stringstream list(v);
            for (std::string t; std::getline(list, t, ',');) {
              auto b = t.find_first_not_of(" \t"), e = t.find_last_not_of(" \t");
              if (b != std::string::npos)
                tenants.insert(t.substr(b, e - b + 1));
            }
          }
      fits = tenants.empty() || tenants.count(project_id) > 0;
    }
    if (fits)
      out.push_back(host);
  }
  return out;
}

} // namespace nimbus::compute
