#include "compute/aggregate_book.h"

#include <algorithm>

#include "storage/clock.h"
#include "storage/ids.h"
#include "storage/keys.h"
#include "storage/record_io.h"

namespace nimbus::compute {

using storage::key_space;
namespace keys = storage::keys;

namespace {

const std::string zone_key = "availability_zone";

std::optional<std::string> zone_in(const storage::aggregate& a) {
  auto it = a.metadata.find(zone_key);
  if (it == a.metadata.end())
    return std::nullopt;
  return it->second;
}

bool holds(const storage::aggregate& a, const std::string& host) {
  return std::find(a.hosts.begin(), a.hosts.end(), host) != a.hosts.end();
}

// Python's repr of a list of strings: ['az1', 'az2'].
std::string python_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (auto& i : items)
    out += (out.size() > 1 ? ", '" : "'") + i + "'";
  return out + "]";
}

} // namespace

std::string aggregate_not_found(const std::string& id) {
  return "Aggregate " + id + " could not be found.";
}

aggregate_book::aggregate_book(std::shared_ptr<storage::store> store) : store_(std::move(store)) {
  std::string counter;
  if (!store_->get(key_space::meta, keys::next_aggregate_id, &counter))
    next_id_ = std::stoi(counter);
  for (auto& a : storage::read_all<storage::aggregate>(*store_, key_space::aggregates)) {
    next_id_ = std::max(next_id_, a.id + 1);
    by_id_[a.id] = std::move(a);
  }
}

const storage::aggregate* aggregate_book::locked_find(std::int32_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

bool aggregate_book::name_taken(const std::string& name) const {
  return std::any_of(by_id_.begin(), by_id_.end(),
                     [&](const auto& entry) { return entry.second.name == name; });
}

std::vector<storage::aggregate> aggregate_book::all() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<storage::aggregate> out;
  out.reserve(by_id_.size());
  for (auto& [id, a] : by_id_)
    out.push_back(a);
  return out;
}

std::optional<storage::aggregate> aggregate_book::find(std::int32_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_id_.find(id);
  if (it == by_id_.end())
    return std::nullopt;
  return it->second;
}

std::string aggregate_book::zone_conflict(const storage::aggregate& a,
                                          const std::optional<std::string>& zone,
                                          const std::vector<std::string>& hosts) const {
  if (!zone || zone->empty())
    return "Aggregate " + a.name + " does not support empty named availability zone";
  std::vector<std::string> others;
  for (auto& entry : by_id_) {
    auto& other = entry.second;
    auto theirs = zone_in(other);
    if (other.id == a.id || !theirs || *theirs == *zone)
      continue;
    if (std::any_of(hosts.begin(), hosts.end(), [&](auto& h) { return holds(other, h); })
        && std::find(others.begin(), others.end(), *theirs) == others.end())
      others.push_back(*theirs);
  }
  if (others.empty())
    return {};
  return "One or more hosts already in availability zone(s) " + python_list(others);
}

outcome<storage::aggregate> aggregate_book::save(storage::aggregate a, bool new_id) {
  storage::write_batch b;
  storage::stage(b, key_space::aggregates, keys::aggregate(a.id), a);
  if (new_id)
    b.put(key_space::meta, std::string{keys::next_aggregate_id}, std::to_string(a.id + 1));
  if (auto ec = store_->write(std::move(b)))
    return outcome<storage::aggregate>::failure(fault_kind::internal,
                                                "Cannot store the aggregate: " + ec.message());
  if (new_id)
    next_id_ = a.id + 1;
  by_id_[a.id] = a;
  outcome<storage::aggregate> out;
  out.value = std::move(a);
  return out;
}

outcome<storage::aggregate> aggregate_book::create(const std::string& name,
                                                   const std::string& zone) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (name_taken(name))
    return outcome<storage::aggregate>::failure(fault_kind::conflict,
                                                "Aggregate " + name + " already exists.");
  storage::aggregate a;
  a.id = next_id_;
  a.uuid = storage::random_uuid();
  a.name = name;
  if (!zone.empty())
    a.metadata[zone_key] = zone;
  a.created_us = storage::now_us();
  return save(std::move(a), true);
}

outcome<storage::aggregate> aggregate_book::update(std::int32_t id,
                                                   const std::optional<std::string>& name,
                                                   const std::optional<std::string>& zone) {
  using result = outcome<storage::aggregate>;
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = locked_find(id);
  if (!found)
    return result::failure(fault_kind::not_found, aggregate_not_found(std::to_string(id)));
  auto a = *found;
  if (name && *name != a.name && name_taken(*name))
    return result::failure(fault_kind::conflict, "Aggregate " + *name + " already exists.");
  if (name)
    a.name = *name;
  if (zone) {
    auto why = zone_conflict(a, zone, a.hosts);
    if (!why.empty())
      return result::failure(fault_kind::bad_request, "Cannot update aggregate "
                                                        + std::to_string(id) + ". Reason: " + why
                                                        + ".");
    a.metadata[zone_key] = *zone;
  }
  a.updated_us = storage::now_us();
  return save(std::move(a), false);
}

outcome<done> aggregate_book::erase(std::int32_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_id_.find(id);
  if (it == by_id_.end())
    return outcome<done>::failure(fault_kind::not_found, aggregate_not_found(std::to_string(id)));
  if (!it->second.hosts.empty())
    return outcome<done>::failure(fault_kind::bad_request,
                                  "Cannot remove host from aggregate " + std::to_string(id)
                                    + ". Reason: Host aggregate is not empty.");
  storage::write_batch b;
  b.erase(key_space::aggregates, keys::aggregate(id));
  if (auto ec = store_->write(std::move(b)))
    return outcome<done>::failure(fault_kind::internal,
                                  "Cannot delete the aggregate: " + ec.message());
  by_id_.erase(it);
  return {};
}

outcome<storage::aggregate> aggregate_book::add_host(std::int32_t id, const std::string& host) {
  using result = outcome<storage::aggregate>;
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = locked_find(id);
  if (!found)
    return result::failure(fault_kind::not_found, aggregate_not_found(std::to_string(id)));
  auto a = *found;
  if (auto zone = zone_in(a)) {
    auto why = zone_conflict(a, zone, {host});
    if (!why.empty())
      return result::failure(fault_kind::conflict, "Cannot add host to aggregate "
                                                     + std::to_string(id) + ". Reason: " + why
                                                     + ".");
  }
  if (holds(a, host))
    return result::failure(fault_kind::conflict,
                           "Aggregate " + std::to_string(id) + " already has host " + host + ".");
  a.hosts.push_back(host);
  a.updated_us = storage::now_us();
  return save(std::move(a), false);
}

outcome<storage::aggregate> aggregate_book::remove_host(std::int32_t id, const std::string& host) {
  using result = outcome<storage::aggregate>;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_id_.find(id);
  if (it == by_id_.end() || !holds(it->second, host))
    return result::failure(fault_kind::not_found,
                           "Cannot remove host " + host + " in aggregate " + std::to_string(id));
  auto a = it->second;
  a.hosts.erase(std::find(a.hosts.begin(), a.hosts.end(), host));
  a.updated_us = storage::now_us();
  return save(std::move(a), false);
}

outcome<storage::aggregate> aggregate_book::set_metadata(std::int32_t id,
                                                         const metadata_change& change) {
  using result = outcome<storage::aggregate>;
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = locked_find(id);
  if (!found)
    return result::failure(fault_kind::not_found, aggregate_not_found(std::to_string(id)));
  auto a = *found;
  if (auto z = change.find(zone_key); z != change.end()) {
    auto why = zone_conflict(a, z->second, a.hosts);
    if (!why.empty())
      return result::failure(fault_kind::bad_request, "Cannot update metadata of aggregate "
                                                        + std::to_string(id) + ". Reason: " + why
                                                        + ".");
  }
  for (auto& [key, value] : change) {
    if (value)
      a.metadata[key] = *value;
    else
      a.metadata.erase(key);
  }
  a.updated_us = storage::now_us();
  return save(std::move(a), false);
}

std::string aggregate_book::zone_of(const std::string& host) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, a] : by_id_)
    if (auto zone = zone_in(a); zone && holds(a, host))
      return *zone;
  return default_zone;
}

std::map<std::string, std::string> aggregate_book::zoned_hosts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, std::string> out;
  for (auto& [id, a] : by_id_)
    if (auto zone = zone_in(a))
      for (auto& h : a.hosts)
        out.emplace(h, *zone);
  return out;
}

} // namespace nimbus::compute
