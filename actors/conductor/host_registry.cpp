#include "actors/conductor/host_registry.h"

#include "storage/ids.h"
#include "storage/keys.h"
#include "storage/record_io.h"

namespace nimbus::conductor {

using storage::key_space;

void host_registry::load(const storage::store& s) {
  for (auto& svc : storage::read_all<storage::service_record>(s, key_space::services)) {
    next_id_ = std::max(next_id_, svc.id + 1);
    hosts_[svc.host].service = svc;
  }
  for (auto& node : storage::read_all<storage::compute_node>(s, key_space::compute_nodes)) {
    next_id_ = std::max(next_id_, node.id + 1);
    hosts_[node.host].node = node;
  }
}

bool host_registry::on_report(const host_report& report, const host_actor& actor,
                              std::int64_t now_us, storage::write_batch& batch) {
  auto& host = report.node.host;
  auto& e = hosts_[host];
  bool joined = e.actor != actor || e.last_seen_us == 0;
  e.actor = actor;
  e.last_seen_us = now_us;
  if (e.service.uuid.empty()) {
    e.service.uuid = storage::random_uuid();
    e.service.id = next_id_++;
    e.service.host = host;
  }
  auto node = report.node;
  node.uuid = e.node.uuid.empty() ? storage::random_uuid() : e.node.uuid;
  node.id = e.node.id == 0 ? next_id_++ : e.node.id;
  bool node_changed = node.vcpus != e.node.vcpus || node.memory_mb != e.node.memory_mb
                      || node.local_gb != e.node.local_gb || node.uuid != e.node.uuid
                      || node.hypervisor_type != e.node.hypervisor_type;
  e.node = node;
  if (joined) {
    e.service.updated_us = now_us;
    storage::stage(batch, key_space::services, storage::keys::host(host), e.service);
  }
  if (node_changed)
    storage::stage(batch, key_space::compute_nodes, storage::keys::host(host), e.node);
  return joined;
}

host_actor host_registry::actor_of(const std::string& host) const {
  auto it = hosts_.find(host);
  return it == hosts_.end() ? host_actor{} : it->second.actor;
}

std::string host_registry::change(const std::string& uuid, const service_change& c,
                                  storage::write_batch& batch) {
  for (auto& [name, e] : hosts_) {
    if (e.service.uuid != uuid)
      continue;
    if (c.set_status) {
      e.service.disabled = c.disabled;
      e.service.disabled_reason = c.disabled ? c.disabled_reason : std::string{};
    }
    if (c.set_forced_down)
      e.service.forced_down = c.forced_down;
    storage::stage(batch, key_space::services, storage::keys::host(name), e.service);
    return name;
  }
  return {};
}

std::string host_registry::host_of(const std::string& uuid) const {
  for (auto& [name, e] : hosts_)
    if (e.service.uuid == uuid)
      return name;
  return {};
}

std::string host_registry::remove(const std::string& uuid, storage::write_batch& batch) {
  auto host = host_of(uuid);
  if (host.empty())
    return host;
  batch.erase(key_space::services, storage::keys::host(host));
  batch.erase(key_space::compute_nodes, storage::keys::host(host));
  hosts_.erase(host);
  return host;
}

bool host_registry::schedulable(const std::string& host) const {
  auto it = hosts_.find(host);
  return it == hosts_.end() || (!it->second.service.disabled && !it->second.service.forced_down);
}

service_view host_registry::view_of(const std::string& host, std::int64_t now_us,
                                    std::chrono::seconds down_after) const {
  auto& e = hosts_.at(host);
  service_view v{e.service, is_up(e, now_us, down_after)};
  if (e.last_seen_us > 0)
    v.service.updated_us = e.last_seen_us;
  return v;
}

bool host_registry::up(const std::string& host, std::int64_t now_us,
                       std::chrono::seconds down_after) const {
  auto it = hosts_.find(host);
  return it != hosts_.end() && is_up(it->second, now_us, down_after);
}

bool host_registry::is_up(const entry& e, std::int64_t now_us,
                          std::chrono::seconds down_after) const {
  if (e.service.forced_down || e.last_seen_us == 0)
    return false;
  return now_us - e.last_seen_us <= std::chrono::microseconds(down_after).count();
}

std::vector<service_view> host_registry::services(std::int64_t now_us,
                                                  std::chrono::seconds down_after) const {
  std::vector<service_view> out;
  for (auto& [name, e] : hosts_) {
    if (e.service.uuid.empty())
      continue;
    service_view v{e.service, is_up(e, now_us, down_after)};
    if (e.last_seen_us > 0)
      v.service.updated_us = e.last_seen_us;
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<hypervisor_view> host_registry::hypervisors(const std::vector<host_usage>& usage,
                                                        std::int64_t now_us,
                                                        std::chrono::seconds down_after) const {
  std::vector<hypervisor_view> out;
  for (auto& [name, e] : hosts_) {
    if (e.node.uuid.empty())
      continue;
    hypervisor_view v;
    v.node = e.node;
    v.service = e.service;
    v.up = is_up(e, now_us, down_after);
    v.usage.host = name;
    for (auto& u : usage)
      if (u.host == name)
        v.usage = u;
    out.push_back(std::move(v));
  }
  return out;
}

} // namespace nimbus::conductor
