#include "cells/api_cell.h"

#include <algorithm>
#include <future>

#include "storage/keys.h"
#include "storage/record_io.h"

namespace nimbus::cells {

using storage::key_space;
namespace keys = storage::keys;

namespace {

template <class Record>
std::optional<Record> find(const storage::store& s, key_space space, const std::string& key) {
  Record r;
  if (storage::read(s, space, key, &r))
    return std::nullopt;
  return r;
}

// A mapping not placed yet: what accept_builds records for a new server.
storage::instance_mapping unplaced(const storage::instance_record& inst) {
  return {inst.uuid,
          "",
          inst.project_id,
          inst.user_id,
          inst.created_us,
          inst.flavor_copy.vcpus,
          inst.flavor_copy.memory_mb,
          inst.flavor_copy.root_gb,
          inst.disk_type};
}

// Every value of one of the remembered maps in key order, as a scan of the
// store would give them (the caller locks).
template <class Map>
std::vector<typename Map::mapped_type> sorted_values(const Map& map) {
  std::vector<std::pair<std::string, typename Map::mapped_type>> entries(map.begin(), map.end());
  std::sort(entries.begin(), entries.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<typename Map::mapped_type> out;
  out.reserve(entries.size());
  for (auto& e : entries)
    out.push_back(std::move(e.second));
  return out;
}

// The value under `key` in one of the remembered maps (the caller locks).
template <class Map>
std::optional<typename Map::mapped_type> copy_of(const Map& map, const std::string& key) {
  auto it = map.find(key);
  if (it == map.end())
    return std::nullopt;
  return it->second;
}

template <class Record>
std::error_code put_one(storage::store& s, key_space space, std::string key, const Record& r) {
  storage::write_batch b;
  storage::stage(b, space, std::move(key), r);
  return s.write(std::move(b));
}

} // namespace

api_cell::api_cell(std::shared_ptr<storage::store> store) : store_(std::move(store)) { reload(); }

void api_cell::reload() {
  // Read under the lock: a writer updates memory after its store write, so
  // none can slip between this read and the swap below.
  std::lock_guard<std::mutex> lock(mutex_);
  auto builds = storage::read_all<storage::build_request>(*store_, key_space::build_requests);
  auto mappings =
    storage::read_all<storage::instance_mapping>(*store_, key_space::instance_mappings);
  auto flavors = storage::read_all<storage::flavor>(*store_, key_space::flavors);
  auto images = storage::read_all<storage::image>(*store_, key_space::images);
  pending_.clear();
  pending_specs_.clear();
  placing_.clear();
  for (auto& br : builds) {
    // Where a build found in the store is, nobody knows until the re-drive
    // has asked the cells: a delete meanwhile must not drop it as unsent.
    placing_.insert(br.instance.uuid);
    storage::request_spec spec;
    if (!storage::read(*store_, key_space::request_specs, keys::instance(br.instance.uuid), &spec))
      pending_specs_.emplace(br.instance.uuid, std::move(spec));
    pending_.emplace(br.instance.uuid, std::move(br));
  }
  mappings_.clear();
  mappings_.reserve(mappings.size());
  usage_.clear();
  for (auto& m : mappings) {
    usage_.add(m);
    mappings_.emplace(m.instance_uuid, std::move(m));
  }
  flavors_.clear();
  for (auto& f : flavors)
    flavors_.emplace(f.id, std::move(f));
  images_.clear();
  for (auto& i : images)
    images_.emplace(i.id, std::move(i));
}

std::vector<storage::cell_mapping> api_cell::cell_mappings() const {
  return storage::read_all<storage::cell_mapping>(*store_, key_space::cell_mappings);
}

std::optional<storage::cell_mapping> api_cell::cell_mapping(const std::string& uuid_or_name) const {
  if (auto c = find<storage::cell_mapping>(*store_, key_space::cell_mappings, uuid_or_name))
    return c;
  for (auto& c : cell_mappings())
    if (c.name == uuid_or_name)
      return c;
  return std::nullopt;
}

std::vector<storage::host_mapping> api_cell::host_mappings() const {
  return storage::read_all<storage::host_mapping>(*store_, key_space::host_mappings);
}

std::optional<storage::instance_mapping> api_cell::instance_mapping(const std::string& uuid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return copy_of(mappings_, uuid);
}

std::vector<storage::instance_mapping> api_cell::instance_mappings() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sorted_values(mappings_);
}

std::optional<storage::build_request> api_cell::build_request(const std::string& uuid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return copy_of(pending_, uuid);
}

std::vector<storage::build_request> api_cell::build_requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<storage::build_request> out;
  out.reserve(pending_.size());
  for (auto& [uuid, br] : pending_)
    out.push_back(br);
  return out;
}

std::optional<storage::request_spec> api_cell::request_spec(const std::string& uuid) const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto spec = copy_of(pending_specs_, uuid))
      return spec;
  }
  return find<storage::request_spec>(*store_, key_space::request_specs, keys::instance(uuid));
}

std::vector<storage::flavor> api_cell::flavors() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sorted_values(flavors_);
}

std::optional<storage::flavor> api_cell::flavor(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return copy_of(flavors_, id);
}

std::vector<storage::image> api_cell::images() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sorted_values(images_);
}

std::optional<storage::image> api_cell::image(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return copy_of(images_, id);
}

std::size_t api_cell::accept_builds(std::vector<storage::build_request> builds,
                                    std::vector<storage::request_spec> specs, storage::done_fn done,
                                    const admission& admit) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (admit && !builds.empty()) {
    auto& first = builds.front().instance;
    auto n = std::min(builds.size(), admit(usage_.of_project(first.project_id),
                                           usage_.of_user(first.project_id, first.user_id)));
    builds.resize(n);
    specs.resize(std::min(specs.size(), n));
  }
  if (builds.empty())
    return 0;
  storage::write_batch b;
  for (auto& br : builds) {
    auto& inst = br.instance;
    auto m = unplaced(inst);
    usage_.add(m);
    storage::stage(b, key_space::build_requests, keys::instance(inst.uuid), br);
    storage::stage(b, key_space::instance_mappings, keys::mapping(inst.uuid), m);
  }
  for (auto& spec : specs)
    storage::stage(b, key_space::request_specs, keys::instance(spec.instance_uuid), spec);
  auto accepted = builds.size();
  lock.unlock(); // the store may call back at once, and the callback locks
  store_->write_async(std::move(b), [this, builds = std::move(builds), specs = std::move(specs),
                                     done = std::move(done)](std::error_code ec) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& br : builds) {
        auto& inst = br.instance;
        if (ec) {
          usage_.subtract(unplaced(inst));
          continue;
        }
        pending_.emplace(inst.uuid, br);
        mappings_[inst.uuid] = unplaced(inst);
      }
      if (!ec)
        for (auto& spec : specs)
          pending_specs_[spec.instance_uuid] = spec;
    }
    done(ec);
  });
  return accepted;
}

usage api_cell::project_usage(const std::string& project_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return usage_.of_project(project_id);
}

usage api_cell::user_usage(const std::string& project_id, const std::string& user_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return usage_.of_user(project_id, user_id);
}

api_cell::charge_step api_cell::recharge(const std::string& uuid, const server_charge& charge,
                                         const charge_check& admit, storage::done_fn done) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = mappings_.find(uuid);
  if (it == mappings_.end())
    return charge_step::not_found;
  auto& m = it->second;
  auto delta = usage_of(charge, 0);
  delta -= usage_of(charge_in(m), 0);
  bool grows = delta.cores > 0 || delta.ram_mb > 0;
  for (auto d : delta.disk_gb)
    grows = grows || d > 0;
  if (admit && grows
      && !admit(usage_.of_project(m.project_id), usage_.of_user(m.project_id, m.user_id), delta))
    return charge_step::refused;
  usage_.subtract(m);
  m.vcpus = charge.vcpus;
  m.memory_mb = charge.memory_mb;
  m.disk_gb = charge.disk_gb;
  m.disk_type = charge.tier;
  usage_.add(m);
  storage::write_batch b;
  storage::stage(b, key_space::instance_mappings, keys::mapping(uuid), m);
  store_->write_async(std::move(b), std::move(done));
  return charge_step::changed;
}

void api_cell::drop_mapping(const std::string& uuid) {
  auto it = mappings_.find(uuid);
  if (it == mappings_.end())
    return;
  usage_.subtract(it->second);
  mappings_.erase(it);
}

std::error_code api_cell::write_mappings(storage::write_batch batch,
                                         const std::vector<storage::instance_mapping>& put,
                                         const std::vector<std::string>& erased) {
  std::promise<std::error_code> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& m : put) {
      storage::stage(batch, key_space::instance_mappings, keys::mapping(m.instance_uuid), m);
      drop_mapping(m.instance_uuid);
      usage_.add(m);
      mappings_[m.instance_uuid] = m;
    }
    for (auto& uuid : erased) {
      batch.erase(key_space::instance_mappings, keys::mapping(uuid));
      drop_mapping(uuid);
    }
    store_->write_async(std::move(batch), [&done](std::error_code ec) { done.set_value(ec); });
  }
  return done.get_future().get();
}

void api_cell::map_hosts(const std::vector<storage::host_mapping>& hosts, storage::done_fn done) {
  storage::write_batch b;
  for (auto& h : hosts)
    storage::stage(b, key_space::host_mappings, keys::host(h.host), h);
  store_->write_async(std::move(b), std::move(done));
}

std::error_code api_cell::put(const storage::cell_mapping& c) {
  return put_one(*store_, key_space::cell_mappings, keys::cell(c.uuid), c);
}
std::error_code api_cell::put(const storage::host_mapping& h) {
  return put_one(*store_, key_space::host_mappings, keys::host(h.host), h);
}
std::error_code api_cell::unmap_host(const std::string& host) {
  storage::write_batch b;
  b.erase(key_space::host_mappings, keys::host(host));
  return store_->write(std::move(b));
}

void api_cell::unmap_host(const std::string& host, storage::done_fn done) {
  storage::write_batch b;
  b.erase(key_space::host_mappings, keys::host(host));
  store_->write_async(std::move(b), std::move(done));
}

std::error_code api_cell::flush() { return store_->write({}); }

bool api_cell::initialized() const {
  std::string marker;
  return !store_->get(key_space::meta, keys::initialized, &marker);
}

std::error_code api_cell::mark_initialized() {
  storage::write_batch b;
  b.put(key_space::meta, std::string{keys::initialized}, "1");
  return store_->write(std::move(b));
}

std::error_code api_cell::put(const storage::flavor& f) {
  auto ec = put_one(*store_, key_space::flavors, keys::flavor(f.id), f);
  if (!ec) {
    std::lock_guard<std::mutex> lock(mutex_);
    flavors_[f.id] = f;
  }
  return ec;
}
std::error_code api_cell::erase_flavor(const std::string& id) {
  storage::write_batch b;
  b.erase(key_space::flavors, keys::flavor(id));
  auto ec = store_->write(std::move(b));
  if (!ec) {
    std::lock_guard<std::mutex> lock(mutex_);
    flavors_.erase(id);
  }
  return ec;
}
// The memory changes first (as a placement's does), so the store's callback
// touches nothing of this object.
void api_cell::erase_image(const std::string& id, storage::done_fn done) {
  storage::write_batch b;
  b.erase(key_space::images, keys::image(id));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    images_.erase(id);
  }
  store_->write_async(std::move(b), std::move(done));
}

void api_cell::put(const storage::image& i, storage::done_fn done) {
  storage::write_batch b;
  storage::stage(b, key_space::images, keys::image(i.id), i);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    images_[i.id] = i;
  }
  store_->write_async(std::move(b), std::move(done));
}

std::error_code api_cell::change_image(const std::string& id,
                                       const std::function<bool(storage::image&)>& change,
                                       storage::image* out) {
  auto written = std::make_shared<std::promise<std::error_code>>();
  auto result = written->get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = images_.find(id);
    if (it == images_.end())
      return storage::errc::not_found;
    auto next = it->second;
    if (!change(next)) {
      *out = it->second;
      return {};
    }
    storage::write_batch b;
    storage::stage(b, key_space::images, keys::image(id), next);
    it->second = next;
    *out = std::move(next);
    store_->write_async(std::move(b), [written](std::error_code ec) { written->set_value(ec); });
  }
  return result.get();
}

std::error_code api_cell::put(const storage::image& i) {
  auto ec = put_one(*store_, key_space::images, keys::image(i.id), i);
  if (!ec) {
    std::lock_guard<std::mutex> lock(mutex_);
    images_[i.id] = i;
  }
  return ec;
}

} // namespace nimbus::cells
