#include "compute/quota_check.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace nimbus::compute {

namespace {

constexpr auto unlimited = std::numeric_limits<std::int64_t>::max();

struct line {
  const char* name;
  std::int64_t limit;
  std::int64_t used;
  std::int64_t asked;
  std::string asked_text;
};

bool over(const line& l) { return l.limit >= 0 && l.used + l.asked > l.limit; }

std::int64_t headroom(std::int64_t limit, std::int64_t used) {
  return limit < 0 ? unlimited : std::max<std::int64_t>(0, limit - used);
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

} // namespace

boot_admission admit_boot(const counted_limits& limits, const cells::usage& used,
                          std::int32_t vcpus, std::int32_t memory_mb, std::int64_t min_count,
                          std::int64_t max_count) {
  auto fits = [&](std::int64_t n) {
    return !over({"", limits.instances, used.instances, n, {}})
           && !over({"", limits.cores, used.cores, n * vcpus, {}})
           && !over({"", limits.ram_mb, used.ram_mb, n * memory_mb, {}});
  };
  if (fits(max_count))
    return {max_count, {}};
  auto allowed = headroom(limits.instances, used.instances);
  if (vcpus > 0)
    allowed = std::min(allowed, headroom(limits.cores, used.cores) / vcpus);
  if (memory_mb > 0)
    allowed = std::min(allowed, headroom(limits.ram_mb, used.ram_mb) / memory_mb);
  if (allowed >= min_count && allowed <= max_count && fits(allowed))
    return {allowed, {}};
  auto count = min_count == max_count ? std::to_string(min_count)
                                      : std::to_string(min_count) + "-" + std::to_string(max_count);
  std::vector<line> lines{
    {"cores", limits.cores, used.cores, max_count * vcpus, std::to_string(max_count * vcpus)},
    {"instances", limits.instances, used.instances, max_count, count},
    {"ram", limits.ram_mb, used.ram_mb, max_count * memory_mb,
     std::to_string(max_count * memory_mb)}};
  return {0, exceeded(lines)};
}

std::string refuse_growth(const counted_limits& limits, const cells::usage& used,
                          const cells::usage& delta) {
  std::vector<line> lines;
  if (delta.cores > 0)
    lines.push_back({"cores", limits.cores, used.cores, delta.cores, std::to_string(delta.cores)});
  if (delta.instances > 0)
    lines.push_back({"instances", limits.instances, used.instances, delta.instances,
                     std::to_string(delta.instances)});
  if (delta.ram_mb > 0)
    lines.push_back(
      {"ram", limits.ram_mb, used.ram_mb, delta.ram_mb, std::to_string(delta.ram_mb)});
  return exceeded(lines);
}

} // namespace nimbus::compute
