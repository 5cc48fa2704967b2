// compute_api's aggregates and availability zones: which hosts a zone has
// (for a boot that asks for one), and the zone shown for a server, from its
// host's aggregates as Nova computes OS-EXT-AZ:availability_zone.
#include <algorithm>

#include "compute/aggregate_book.h"
#include "compute/aggregate_filters.h"
#include "compute/compute_api.h"
#include "compute/context.h"

namespace nimbus::compute {

aggregate_book& compute_api::aggregates() const { return *ctx_->aggregates; }

bool compute_api::compute_host_known(const std::string& host) const {
  auto hosts = ctx_->api->host_mappings();
  return std::any_of(hosts.begin(), hosts.end(), [&](auto& h) { return h.host == host; });
}

outcome<std::vector<std::string>> compute_api::zone_hosts(const std::string& zone) const {
  auto zoned = ctx_->aggregates->zoned_hosts();
  outcome<std::vector<std::string>> out;
  for (auto& h : ctx_->api->host_mappings()) {
    auto it = zoned.find(h.host);
    if ((it == zoned.end() ? default_zone : it->second) == zone)
      out.value.push_back(h.host);
  }
  if (out.value.empty())
    return outcome<std::vector<std::string>>::failure(
      fault_kind::bad_request, "The requested availability zone is not available");
  std::sort(out.value.begin(), out.value.end());
  return out;
}

void compute_api::restrict_by_aggregates(const request_context& ctx, const storage::flavor& flavor,
                                         std::vector<std::string>& hosts) const {
  auto& filters = ctx_->aggregate_filtering;
  if (!filters.any())
    return;
  std::vector<std::string> all;
  for (auto& h : ctx_->api->host_mappings())
    all.push_back(h.host);
  std::sort(all.begin(), all.end());
  auto allowed = allowed_hosts(filters, ctx_->aggregates->all(), hosts.empty() ? all : hosts,
                               flavor.extra_specs, ctx.project_id);
  if (!allowed)
    return;
  hosts = allowed->empty() ? std::vector<std::string>{""} : std::move(*allowed);
}

void compute_api::show_zones(std::vector<storage::instance_record>& records) const {
  auto zoned = ctx_->aggregates->zoned_hosts();
  if (zoned.empty())
    return; // every host is in the default zone, as the cells recorded
  for (auto& r : records) {
    if (r.host.empty())
      continue;
    auto it = zoned.find(r.host);
    r.availability_zone = it == zoned.end() ? default_zone : it->second;
  }
}

} // namespace nimbus::compute
