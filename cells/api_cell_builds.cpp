// api_cell: the fate of a server not yet in a cell (placement against
// delete). Every decision here is taken under mutex_ and its write queued to
// the store under it too: the group committer keeps submission order, so the
// store sees the decisions in the order memory took them. The writes' done
// callbacks take no lock (a store may call them inline).
#include "cells/api_cell.h"

#include <spdlog/spdlog.h>

#include "actors/instance/instance_states.h"
#include "storage/clock.h"
#include "storage/keys.h"
#include "storage/record_io.h"

namespace nimbus::cells {

using storage::key_space;
namespace keys = storage::keys;

namespace {

void log_failure(const char* what, const std::string& uuid, std::error_code ec) {
  if (ec)
    spdlog::error("instance {}: cannot record {}: {}", uuid, what, ec.message());
}

// Erases every API-cell record of a server.
void stage_forget(storage::write_batch& b, const std::string& uuid) {
  b.erase(key_space::build_requests, keys::instance(uuid));
  b.erase(key_space::instance_mappings, keys::mapping(uuid));
  b.erase(key_space::request_specs, keys::instance(uuid));
}

} // namespace

void api_cell::forget(storage::write_batch& b, const std::string& uuid) {
  stage_forget(b, uuid);
  if (forgotten_)
    forgotten_(uuid);
}

std::vector<std::function<void()>> api_cell::take_waiters(const std::string& uuid) {
  auto it = after_placement_.find(uuid);
  if (it == after_placement_.end())
    return {};
  auto waiters = std::move(it->second);
  after_placement_.erase(it);
  return waiters;
}

namespace {

void run_all(const std::vector<std::function<void()>>& waiters) {
  for (auto& w : waiters)
    w();
}

} // namespace

bool api_cell::begin_placement(const std::string& uuid) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto it = pending_.find(uuid);
  if (it == pending_.end())
    return false;
  if (it->second.delete_requested) { // deleted while out, and in no cell: done
    storage::write_batch b;
    forget(b, uuid);
    pending_.erase(it);
    pending_specs_.erase(uuid);
    drop_mapping(uuid);
    placing_.erase(uuid);
    auto waiters = take_waiters(uuid);
    store_->write_async(std::move(b),
                        [uuid](std::error_code ec) { log_failure("a delete", uuid, ec); });
    lock.unlock();
    run_all(waiters); // they find nothing: 404
    return false;
  }
  placing_.insert(uuid);
  return true;
}

void api_cell::end_placement(const std::string& uuid) {
  std::unique_lock<std::mutex> lock(mutex_);
  placing_.erase(uuid);
  auto waiters = take_waiters(uuid);
  lock.unlock();
  run_all(waiters);
}

void api_cell::record_placement(const std::string& uuid, const std::string& cell_uuid,
                                const placement_done& done) {
  std::unique_lock<std::mutex> lock(mutex_);
  placing_.erase(uuid);
  auto waiters = take_waiters(uuid);
  auto mapping = mappings_.find(uuid);
  if (mapping == mappings_.end()) { // every record of it is gone: the cell's copy must go too
    store_->write_async({}, [done](std::error_code ec) { done(ec, true); });
    lock.unlock();
    run_all(waiters);
    return;
  }
  auto build = pending_.find(uuid);
  bool delete_it = build != pending_.end() && build->second.delete_requested;
  mapping->second.cell_uuid = cell_uuid;
  storage::write_batch b;
  storage::stage(b, key_space::instance_mappings, keys::mapping(uuid), mapping->second);
  if (!delete_it) // a flagged build request stays until the cell reports the delete
    b.erase(key_space::build_requests, keys::instance(uuid));
  if (build != pending_.end())
    pending_.erase(build); // the cell lists it from now on
  pending_specs_.erase(uuid);
  store_->write_async(std::move(b), [done, delete_it](std::error_code ec) { done(ec, delete_it); });
  lock.unlock();
  run_all(waiters); // they find it in its cell now
}

void api_cell::update_unplaced(const std::string& uuid, const record_change& change,
                               const update_done& done) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto mapping = mappings_.find(uuid);
  auto build = pending_.find(uuid);
  if (mapping != mappings_.end() && !mapping->second.cell_uuid.empty()) {
    lock.unlock(); // `done` may ask this class again
    done({}, update_step::in_cell, {});
    return;
  }
  if (mapping == mappings_.end() || build == pending_.end()) {
    lock.unlock();
    done(storage::errc::not_found, update_step::refused, {});
    return;
  }
  if (placing_.count(uuid)) {
    after_placement_[uuid].push_back(
      [this, uuid, change, done] { update_unplaced(uuid, change, done); });
    return;
  }
  auto record = build->second.instance;
  if (!change(record)) {
    lock.unlock();
    done({}, update_step::refused, {});
    return;
  }
  record.updated_us = storage::now_us();
  build->second.instance = record;
  storage::write_batch b;
  storage::stage(b, key_space::build_requests, keys::instance(uuid), build->second);
  store_->write_async(
    std::move(b), [done, record](std::error_code ec) { done(ec, update_step::updated, record); });
}

void api_cell::delete_unplaced(const std::string& uuid,
                               const std::function<void(std::error_code, delete_step)>& done) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto mapping = mappings_.find(uuid);
  if (mapping == mappings_.end() || !mapping->second.cell_uuid.empty()) {
    bool placed = mapping != mappings_.end();
    lock.unlock(); // `done` may ask this class again
    done(placed ? std::error_code{} : storage::errc::not_found, delete_step::in_cell);
    return;
  }
  auto build = pending_.find(uuid);
  storage::write_batch b;
  auto step = delete_step::dropped;
  if (build == pending_.end() || !placing_.count(uuid)) {
    forget(b, uuid);
    if (build != pending_.end())
      pending_.erase(build);
    pending_specs_.erase(uuid);
    drop_mapping(uuid);
  } else {
    auto& br = build->second;
    br.delete_requested = true;
    br.instance.task_state = storage::task_state::deleting;
    storage::stage(b, key_space::build_requests, keys::instance(uuid), br);
    step = delete_step::flagged;
  }
  store_->write_async(std::move(b), [done, step](std::error_code ec) { done(ec, step); });
}

void api_cell::forget_instance(const std::string& uuid, storage::done_fn done) {
  std::unique_lock<std::mutex> lock(mutex_);
  storage::write_batch b;
  forget(b, uuid);
  drop_mapping(uuid);
  pending_.erase(uuid);
  pending_specs_.erase(uuid);
  placing_.erase(uuid);
  auto waiters = take_waiters(uuid);
  store_->write_async(std::move(b), std::move(done));
  lock.unlock();
  run_all(waiters); // they find nothing: 404
}

} // namespace nimbus::cells
