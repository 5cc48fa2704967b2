// compute_api's services and hypervisors: gathered from every cell that
// answers, with the control services of this API and the zones hosts are in.
#include <unordered_set>

#include "compute/aggregate_book.h"
#include "compute/cell_gather.h"
#include "compute/compute_api.h"
#include "compute/context.h"
#include "compute/guarded.h"

namespace nimbus::compute {

void compute_api::services(reply<std::vector<service_view>> caller) const {
  // A compute service is in its host's zone (its aggregates'), as Nova shows it.
  auto then = guarded<std::vector<service_view>>(
    [aggregates = ctx_->aggregates, caller = std::move(caller)](auto all) {
      auto zoned = aggregates->zoned_hosts();
      for (auto& v : all.value) {
        auto it = zoned.find(v.service.host);
        v.service.zone = it == zoned.end() ? default_zone : it->second;
      }
      caller(std::move(all));
    });
  gather_all<service_view>(*ctx_, std::move(then), services_atom_v);
}

std::vector<control_service> compute_api::control_services() const {
  return {{"nova-scheduler", ctx_->control_host}, {"nova-conductor", ctx_->control_host}};
}

std::vector<unknown_service> compute_api::unknown_services(const request_context& ctx) const {
  std::vector<unknown_service> out;
  if (!ctx.down_cell_records)
    return out;
  std::unordered_set<std::string> down;
  for (auto& c : ctx_->cells->all())
    if (!c.up())
      down.insert(c.mapping.uuid);
  for (auto& h : ctx_->api->host_mappings())
    if (down.count(h.cell_uuid))
      out.push_back({"nova-compute", h.host});
  return out;
}

void compute_api::hypervisors(reply<std::vector<hypervisor_view>> caller) const {
  auto then = guarded(std::move(caller));
  gather_all<hypervisor_view>(*ctx_, std::move(then), hypers_atom_v);
}

void compute_api::update_service(const std::string& uuid, const service_change& change,
                                 reply<service_view> caller) const {
  auto then = guarded(std::move(caller));
  reply<std::vector<service_view>> one = [uuid, then](outcome<std::vector<service_view>> all) {
    if (all.value.empty())
      return then(outcome<service_view>::failure(fault_kind::not_found,
                                                 "Service " + uuid + " could not be found."));
    outcome<service_view> out;
    out.value = all.value.front();
    then(std::move(out));
  };
  // The cells that lack it answer not_found, and are left out of the gathering.
  auto keep = [](std::vector<service_view>& out, service_view& v) { out.push_back(std::move(v)); };
  gather<service_view>(*ctx_, std::move(one), keep, service_atom_v, uuid, change);
}

} // namespace nimbus::compute
