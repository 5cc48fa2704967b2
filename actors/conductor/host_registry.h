#pragma once
// A cell's compute hosts: their service and compute-node records, the actor
// that runs each, and when each last reported. Heartbeats update memory
// only; records reach the store when a host joins or its resources change.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "actors/protocol/host_actor.h"
#include "storage/store.h"

namespace nimbus::conductor {

class host_registry {
public:
  /// Reads the cell's services and compute nodes (every host down until it reports).
  void load(const storage::store& s);

  /// Records a heartbeat from `actor`. Stages new or changed records in
  /// `batch`. Returns true when the host joined: its first report, or the
  /// first from a new actor (a restarted compute).
  bool on_report(const host_report& report, const host_actor& actor, std::int64_t now_us,
                 storage::write_batch& batch);

  /// The actor of `host`; invalid if the host never reported.
  host_actor actor_of(const std::string& host) const;
  /// Applies an operator's change to the service `uuid` (staged in
  /// `batch`); its host's name, or "" for a service this cell lacks.
  std::string change(const std::string& uuid, const service_change& c, storage::write_batch& batch);
  /// Forgets the service `uuid` and its compute node (their deletes staged
  /// in `batch`); its host's name, or "" for a service this cell lacks. A
  /// compute still running joins again with its next report, as in Nova.
  std::string remove(const std::string& uuid, storage::write_batch& batch);
  /// The host of service `uuid`, or "".
  std::string host_of(const std::string& uuid) const;
  /// Whether the scheduler may place on `host`: enabled, not forced down.
  bool schedulable(const std::string& host) const;
  /// The service view of `host` (its service must exist).
  service_view view_of(const std::string& host, std::int64_t now_us,
                       std::chrono::seconds down_after) const;
  /// Whether `host` reported within `down_after` and is not forced down.
  bool up(const std::string& host, std::int64_t now_us, std::chrono::seconds down_after) const;

  std::vector<service_view> services(std::int64_t now_us, std::chrono::seconds down_after) const;
  std::vector<hypervisor_view> hypervisors(const std::vector<host_usage>& usage,
                                           std::int64_t now_us,
                                           std::chrono::seconds down_after) const;
  std::size_t size() const { return hosts_.size(); }

private:
  struct entry {
    storage::service_record service;
    storage::compute_node node;
    host_actor actor;
    std::int64_t last_seen_us = 0;
  };
  bool is_up(const entry& e, std::int64_t now_us, std::chrono::seconds down_after) const;

  std::map<std::string, entry> hosts_;
  std::int32_t next_id_ = 1;
};

} // namespace nimbus::conductor
