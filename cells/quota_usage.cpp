#include "cells/quota_usage.h"

namespace nimbus::cells {

namespace {

void take(std::unordered_map<std::string, usage>& totals, const std::string& key, const usage& u) {
  auto it = totals.find(key);
  if (it == totals.end())
    return;
  it->second -= u;
  if (it->second.empty())
    totals.erase(it);
}

usage find_or_none(const std::unordered_map<std::string, usage>& totals, const std::string& key) {
  auto it = totals.find(key);
  return it == totals.end() ? usage{} : it->second;
}

} // namespace

void usage_ledger::add(const std::string& project_id, const std::string& user_id, const usage& u) {
  projects_[project_id] += u;
  users_[user_key(project_id, user_id)] += u;
}

void usage_ledger::subtract(const std::string& project_id, const std::string& user_id,
                            const usage& u) {
  take(projects_, project_id, u);
  take(users_, user_key(project_id, user_id), u);
}

usage usage_ledger::of_project(const std::string& project_id) const {
  return find_or_none(projects_, project_id);
}

usage usage_ledger::of_user(const std::string& project_id, const std::string& user_id) const {
  return find_or_none(users_, user_key(project_id, user_id));
}

void usage_ledger::clear() {
  projects_.clear();
  users_.clear();
}

} // namespace nimbus::cells
