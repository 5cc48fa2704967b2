#include "compute/quota_check.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "compute/quota_book.h"

namespace nimbus::compute {

namespace {

constexpr auto unlimited = std::numeric_limits<std::int64_t>::max();

struct line {
  std::string name;
  std::int64_t limit;
  std::int64_t used;
  std::int64_t asked;
  std::string asked_text;
};

bool over(const line& l) { return l.limit >= 0 && l.used + l.asked > l.limit; }

std::int64_t headroom(std::int64_t limit, std::int64_t used) {
  return limit < 0 ? unlimited : std::max<std::int64_t>(0, limit - used);
}

// `u` for `n` servers.
cells::usage scaled(const cells::usage& u, std::int64_t n) {
  auto out = u;
  out.instances *= n;
  out.cores *= n;
  out.ram_mb *= n;
  for (auto& d : out.disk_gb)
    d *= n;
  return out;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (auto& p : parts)
    out += (out.empty() ? "" : ", ") + p;
  return out;
}

// "Quota exceeded for cores, ram: Requested 4, 8192, but already used 18,
// 49152 of 20, 51200 cores, ram": the over-limit lines in name order.
std::string exceeded(const std::vector<line>& lines) {
  std::vector<std::string> names, asked, used, limits;
  for (auto& l : lines)
    if (over(l)) {
      names.push_back(l.name);
      asked.push_back(l.asked_text);
      used.push_back(std::to_string(l.used));
      limits.push_back(std::to_string(l.limit));
    }
  if (names.empty())
    return {};
  return "Quota exceeded for " + join(names) + ": Requested " + join(asked) + ", but already used "
         + join(used) + " of " + join(limits) + " " + join(names);
}

// Every counted line of taking `asked` more, in Nova's name order (cores,
// the disks, instances, ram); `instances_text` is how the instances asked
// are written ("2", or "1-3" for a multi-create).
std::vector<line> lines_of(const counted_limits& limits, const cells::usage& used,
                           const cells::usage& asked, const std::string& instances_text) {
  std::vector<line> lines{
    {"cores", limits.cores, used.cores, asked.cores, std::to_string(asked.cores)}};
  // The tiers' resources in name order, made once (this runs under the API
  // cell's lock for every boot).
  static const auto disks = [] {
    std::vector<std::pair<std::string, storage::disk_tier>> out;
    out.reserve(storage::all_disk_tiers.size());
    for (auto t : storage::all_disk_tiers)
      out.emplace_back(disk_quota_name(t), t);
    std::sort(out.begin(), out.end());
    return out;
  }();
  for (auto& [name, t] : disks) {
    auto i = static_cast<std::size_t>(t);
    lines.push_back({name, limits.disk_gb[i], used.disk_gb[i], asked.disk_gb[i],
                     std::to_string(asked.disk_gb[i])});
  }
  lines.push_back({"instances", limits.instances, used.instances, asked.instances, instances_text});
  lines.push_back({"ram", limits.ram_mb, used.ram_mb, asked.ram_mb, std::to_string(asked.ram_mb)});
  return lines;
}

} // namespace

boot_admission admit_boot(const counted_limits& limits, const cells::usage& used,
                          const cells::server_charge& each, std::int64_t min_count,
                          std::int64_t max_count) {
  // Only what the boot asks for counts: a tier it does not use may be over
  // its limit (a limit lowered below what is used) without refusing it.
  auto fits = [&](std::int64_t n) {
    for (auto& l : lines_of(limits, used, scaled(cells::usage_of(each, 1), n), ""))
      if (l.asked > 0 && over(l))
        return false;
    return true;
  };
  if (fits(max_count))
    return {max_count, {}};
  auto allowed = headroom(limits.instances, used.instances);
  if (each.vcpus > 0)
    allowed = std::min(allowed, headroom(limits.cores, used.cores) / each.vcpus);
  if (each.memory_mb > 0)
    allowed = std::min(allowed, headroom(limits.ram_mb, used.ram_mb) / each.memory_mb);
  auto tier = static_cast<std::size_t>(each.tier);
  if (each.disk_gb > 0)
    allowed = std::min(allowed, headroom(limits.disk_gb[tier], used.disk_gb[tier]) / each.disk_gb);
  if (allowed >= min_count && allowed <= max_count && fits(allowed))
    return {allowed, {}};
  auto count = min_count == max_count ? std::to_string(min_count)
                                      : std::to_string(min_count) + "-" + std::to_string(max_count);
  std::vector<line> asked;
  for (auto& l : lines_of(limits, used, scaled(cells::usage_of(each, 1), max_count), count))
    if (l.asked > 0)
      asked.push_back(l);
  return {0, exceeded(asked)};
}

std::string refuse_growth(const counted_limits& limits, const cells::usage& used,
                          const cells::usage& delta) {
  std::vector<line> lines;
  for (auto& l : lines_of(limits, used, delta, std::to_string(delta.instances)))
    if (l.asked > 0)
      lines.push_back(l);
  return exceeded(lines);
}

} // namespace nimbus::compute
