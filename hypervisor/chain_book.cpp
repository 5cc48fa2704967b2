#include "hypervisor/chain_book.h"

#include <algorithm>

#include "hypervisor/errc.h"

namespace nimbus::hypervisor {

std::error_code chain_book::create(const std::string& name, const std::string& point) {
  auto& chain = chains_[name];
  if (std::find(chain.begin(), chain.end(), point) != chain.end())
    return errc::already_exists;
  chain.push_back(point);
  return {};
}

std::error_code chain_book::revert(const std::string& name, const std::string& point) {
  auto& chain = chains_[name];
  auto it = std::find(chain.begin(), chain.end(), point);
  if (it == chain.end())
    return errc::not_found;
  chain.erase(it + 1, chain.end());
  return {};
}

std::error_code chain_book::remove(const std::string& name, const std::string& point) {
  auto& chain = chains_[name];
  auto it = std::find(chain.begin(), chain.end(), point);
  if (it == chain.end())
    return errc::not_found;
  chain.erase(it);
  return {};
}

std::error_code chain_book::find(const std::string& name, const std::string& point) const {
  if (point.empty())
    return {};
  auto it = chains_.find(name);
  if (it == chains_.end()
      || std::find(it->second.begin(), it->second.end(), point) == it->second.end())
    return errc::not_found;
  return {};
}

std::vector<chain_point> chain_book::list(const std::string& name) const {
  std::vector<chain_point> out;
  if (auto it = chains_.find(name); it != chains_.end())
    for (auto& id : it->second)
      out.push_back({id, 0});
  return out;
}

void chain_book::forget(const std::string& name) { chains_.erase(name); }

} // namespace nimbus::hypervisor
