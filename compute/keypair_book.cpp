#include "compute/keypair_book.h"

#include "storage/clock.h"
#include "storage/keys.h"
#include "storage/record_io.h"

namespace nimbus::compute {

using storage::key_space;
namespace keys = storage::keys;

std::string keypair_not_found(const std::string& name, const std::string& user_id) {
  return "Keypair " + name + " not found for user " + user_id;
}

keypair_book::keypair_book(std::shared_ptr<storage::store> store) : store_(std::move(store)) {
  std::string counter;
  if (!store_->get(key_space::meta, keys::next_keypair_id, &counter))
    next_id_ = std::stoll(counter);
  for (auto& k : storage::read_all<storage::keypair>(*store_, key_space::keypairs)) {
    if (k.id >= next_id_)
      next_id_ = k.id + 1;
    auto user = k.user_id;
    auto name = k.name;
    by_user_[user][name] = std::move(k);
  }
}

std::vector<storage::keypair> keypair_book::of_user(const std::string& user_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<storage::keypair> out;
  auto it = by_user_.find(user_id);
  if (it == by_user_.end())
    return out;
  out.reserve(it->second.size());
  for (auto& [name, k] : it->second)
    out.push_back(k);
  return out;
}

std::optional<storage::keypair> keypair_book::find(const std::string& user_id,
                                                   const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto user = by_user_.find(user_id);
  if (user == by_user_.end())
    return std::nullopt;
  auto it = user->second.find(name);
  if (it == user->second.end())
    return std::nullopt;
  return it->second;
}

outcome<storage::keypair> keypair_book::add(storage::keypair k, std::int64_t limit) {
  using result = outcome<storage::keypair>;
  std::lock_guard<std::mutex> lock(mutex_);
  auto& mine = by_user_[k.user_id];
  if (limit >= 0 && static_cast<std::int64_t>(mine.size()) >= limit)
    return result::failure(fault_kind::forbidden, "Quota exceeded, too many key pairs.");
  if (mine.count(k.name))
    return result::failure(fault_kind::conflict, "Key pair '" + k.name + "' already exists.");
  k.id = next_id_;
  k.created_us = storage::now_us();
  storage::write_batch b;
  storage::stage(b, key_space::keypairs, keys::keypair(k.user_id, k.name), k);
  b.put(key_space::meta, std::string{keys::next_keypair_id}, std::to_string(k.id + 1));
  if (auto ec = store_->write(std::move(b)))
    return result::failure(fault_kind::internal, "Cannot store the key pair: " + ec.message());
  ++next_id_;
  mine[k.name] = k;
  result out;
  out.value = std::move(k);
  return out;
}

outcome<done> keypair_book::erase(const std::string& user_id, const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto user = by_user_.find(user_id);
  if (user == by_user_.end() || !user->second.count(name))
    return outcome<done>::failure(fault_kind::not_found, keypair_not_found(name, user_id));
  storage::write_batch b;
  b.erase(key_space::keypairs, keys::keypair(user_id, name));
  if (auto ec = store_->write(std::move(b)))
    return outcome<done>::failure(fault_kind::internal,
                                  "Cannot delete the key pair: " + ec.message());
  user->second.erase(name);
  return {};
}

} // namespace nimbus::compute
