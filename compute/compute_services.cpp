// compute_api's services and hypervisors: gathered from every cell that
// answers, with the control services of this API and the zones hosts are in.
#include <algorithm>
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

void compute_api::delete_service(const request_context& ctx, const std::string& uuid,
                                 reply<done> caller) {
  auto then = guarded(std::move(caller));
  auto* api = ctx_->api.get();
  auto* self = this;
  // Which host the service is, and whether servers are on it (Nova's 409),
  // before any cell is asked to forget it. The cell checks the host again.
  services([self, ctx, uuid, api, then](outcome<std::vector<service_view>> all) {
    auto it = std::find_if(all.value.begin(), all.value.end(),
                           [&](const service_view& v) { return v.service.uuid == uuid; });
    if (it == all.value.end())
      return then(
        outcome<done>::failure(fault_kind::not_found, "Service " + uuid + " could not be found."));
    server_page_request hosted;
    hosted.all_tenants = true;
    hosted.host = it->service.host;
    hosted.limit = 1;
    self->list_servers(ctx, hosted, [self, uuid, api, then, host = hosted.host](auto servers) {
      if (!servers.ok())
        return then(outcome<done>::failure(*servers.error));
      if (!servers.value.empty())
        return then(outcome<done>::failure(
          fault_kind::conflict, "Unable to delete compute service that is hosting instances. "
                                "Migrate or delete the instances first."));
      reply<std::vector<service_view>> removed =
        [api, then, host](const outcome<std::vector<service_view>>& gone) {
          if (gone.value.empty()) // a server arrived meanwhile, or the cell went away
            return then(outcome<done>::failure(
              fault_kind::conflict, "Unable to delete compute service that is hosting instances. "
                                    "Migrate or delete the instances first."));
          // Nova drops the host mapping too: the host is a stranger until it
          // is discovered again.
          api->unmap_host(host, [then](std::error_code ec) {
            if (ec)
              return then(outcome<done>::failure(fault_kind::internal, ec.message()));
            then(outcome<done>{});
          });
        };
      service_change change;
      change.remove = true;
      auto keep = [](std::vector<service_view>& out, service_view& v) {
        out.push_back(std::move(v));
      };
      gather<service_view>(*self->ctx_, std::move(removed), keep, service_atom_v, uuid, change);
    });
  });
}

} // namespace nimbus::compute
