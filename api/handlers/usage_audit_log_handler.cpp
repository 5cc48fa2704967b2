// GET /v2.1/os-instance_usage_audit_log and /{before} (admins): the state of
// the periodic instance-usage audit per compute host over the last audit
// period (a month) completed before now or `before`. Nimbus runs no such
// audit task (usage is computed on request: os-simple-tenant-usage), so
// every compute host is reported as not run for the period.
#include <cstdio>
#include <ctime>

#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "storage/clock.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

struct civil_time {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

civil_time civil_of(std::int64_t us) {
  std::time_t t = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
}

// Nova's `before`: "YYYY-MM-DD HH:MM:SS", or with ".ffffff" when it has a dot.
std::optional<civil_time> parse_before(const std::string& text) {
  civil_time t;
  int used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%n", &t.year, &t.month, &t.day, &t.hour,
                  &t.minute, &t.second, &used)
        != 6
      || t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 || t.minute > 59
      || t.second > 60)
    return std::nullopt;
  auto rest = text.substr(static_cast<std::size_t>(used));
  if (text.find('.') != std::string::npos) {
    if (rest.size() < 2 || rest.size() > 7 || rest[0] != '.'
        || rest.find_first_not_of("0123456789", 1) != std::string::npos)
      return std::nullopt;
  } else if (!rest.empty()) {
    return std::nullopt;
  }
  return t;
}

bool later(const civil_time& a, const civil_time& b) {
  auto key = [](const civil_time& t) {
    return std::make_tuple(t.year, t.month, t.day, t.hour, t.minute, t.second);
  };
  return key(a) > key(b);
}

civil_time first_of_month_before(civil_time month_start) {
  if (month_start.month == 1)
    return {month_start.year - 1, 12, 1, 0, 0, 0};
  return {month_start.year, month_start.month - 1, 1, 0, 0, 0};
}

// Python's str(datetime): "2026-11-01 00:00:00".
std::string text_of(const civil_time& t) {
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute, t.second);
  return out;
}

// The last monthly period that ended before `now` (Nova's
// last_completed_audit_period for the default period, a month).
std::pair<civil_time, civil_time> audit_period(const civil_time& now) {
  civil_time end{now.year, now.month, 1, 0, 0, 0};
  if (!later(now, end)) // exactly the 1st at midnight: that month has not ended
    end = first_of_month_before(end);
  return {first_of_month_before(end), end};
}

json audit_log(const std::vector<std::string>& hosts, const civil_time& now) {
  auto [begin, end] = audit_period(now);
  auto count = static_cast<std::int64_t>(hosts.size());
  return {{"period_beginning", text_of(begin)},
          {"period_ending", text_of(end)},
          {"num_hosts", count},
          {"num_hosts_done", 0},
          {"num_hosts_running", 0},
          {"num_hosts_not_run", count},
          {"hosts_not_run", hosts},
          {"total_instances", 0},
          {"total_errors", 0},
          {"overall_status", count == 0
                               ? "ALL hosts done. 0 errors."
                               : "0 of " + std::to_string(count) + " hosts done. 0 errors."},
          {"log", json::object()}};
}

// The compute hosts (disabled ones too, as Nova counts them), then `answer`.
template <class Answer>
void with_compute_hosts(compute::compute_api& compute, Answer answer) {
  compute.services([answer](auto services) {
    std::vector<std::string> hosts;
    for (auto& s : services.value)
      if (s.service.binary == "nova-compute")
        hosts.push_back(s.service.host);
    answer(hosts);
  });
}

} // namespace

void add_usage_audit_log_routes(router& r, compute::compute_api& compute) {
  r.add_async("GET", "/v2.1/os-instance_usage_audit_log",
              access::own("os_compute_api:os-instance-usage-audit-log:list"),
              [&compute](const api_request&, const params&, reply_fn reply) {
                with_compute_hosts(
                  compute, [reply = std::move(reply)](const std::vector<std::string>& hosts) {
                    reply(json_response(200, {{"instance_usage_audit_logs",
                                               audit_log(hosts, civil_of(storage::now_us()))}}));
                  });
              });
  r.add_async(
    "GET", "/v2.1/os-instance_usage_audit_log/{}",
    access::own("os_compute_api:os-instance-usage-audit-log:show"),
    [&compute](const api_request&, const params& p, reply_fn reply) {
      auto before = parse_before(p[0]);
      if (!before)
        return reply(bad_request("Invalid timestamp for date " + p[0]));
      with_compute_hosts(compute, [reply = std::move(reply), now = *before](const auto& hosts) {
        reply(json_response(200, {{"instance_usage_audit_log", audit_log(hosts, now)}}));
      });
    });
}

} // namespace nimbus::api
