#include "compute/aggregate_filters.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>

namespace nimbus::compute {
namespace {

constexpr std::string_view spec_scope = "aggregate_instance_extra_specs";
constexpr std::string_view tenant_key = "filter_tenant_id";

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

std::optional<double> number(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size())
    return std::nullopt;
  return v;
}

// A numeric comparison; text that is not a number matches nothing.
template <class Compare>
bool numeric(const std::string& value, const std::string& operand, Compare cmp) {
  auto a = number(value), b = number(operand);
  return a && b && cmp(*a, *b);
}

// Each key's values over the host's aggregates.
using host_metadata = std::map<std::string, std::set<std::string>>;

} // namespace

aggregate_filters aggregate_filters_of(const std::vector<std::string>& enabled_filters) {
  aggregate_filters out;
  for (auto& name : enabled_filters) {
    if (name == "AggregateInstanceExtraSpecsFilter")
      out.instance_extra_specs = true;
    else if (name == "AggregateMultiTenancyIsolation")
      out.tenant_isolation = true;
  }
  return out;
}

bool extra_spec_matches(const std::string& value, const std::string& req) {
  auto words = words_of(req);
  if (words.empty())
    return value == req;
  auto op = words.front();
  words.erase(words.begin());
  if (op == "<or>") { // "<or> a <or> b": the words at even places
    for (std::size_t i = 0; i < words.size(); i += 2)
      if (words[i] == value)
        return true;
    return false;
  }
  static const std::set<std::string> ops{
    "=", "<in>", "<all-in>", "==", "!=", ">=", "<=", "s==", "s!=", "s<", "s<=", "s>", "s>="};
  if (!ops.count(op))
    return value == req;
  if (words.empty())
    return false;
  if (op == "<all-in>")
    return std::all_of(words.begin(), words.end(),
                       [&](const std::string& w) { return value.find(w) != std::string::npos; });
  auto& y = words.front();
  if (op == "<in>")
    return value.find(y) != std::string::npos;
  if (op == "=" || op == ">=")
    return numeric(value, y, [](double a, double b) { return a >= b; });
  if (op == "==")
    return numeric(value, y, [](double a, double b) { return a == b; });
  if (op == "!=")
    return numeric(value, y, [](double a, double b) { return a != b; });
  if (op == "<=")
    return numeric(value, y, [](double a, double b) { return a <= b; });
  if (op == "s==")
    return value == y;
  if (op == "s!=")
    return value != y;
  if (op == "s<")
    return value < y;
  if (op == "s<=")
    return value <= y;
  if (op == "s>")
    return value > y;
  return value >= y; // s>=
}

std::optional<std::vector<std::string>>
allowed_hosts(const aggregate_filters& filters, const std::vector<storage::aggregate>& aggregates,
              const std::vector<std::string>& hosts,
              const std::map<std::string, std::string>& extra_specs,
              const std::string& project_id) {
  // The specs the extra specs filter checks: unscoped, or its own scope.
  std::vector<std::pair<std::string, std::string>> wanted;
  if (filters.instance_extra_specs)
    for (auto& [key, req] : extra_specs) {
      auto colon = key.find(':');
      if (colon == std::string::npos)
        wanted.emplace_back(key, req);
      else if (std::string_view(key).substr(0, colon) == spec_scope)
        wanted.emplace_back(key.substr(colon + 1), req);
    }
  bool isolating = false;
  if (filters.tenant_isolation)
    for (auto& a : aggregates)
      for (auto& [key, value] : a.metadata)
        if (key.compare(0, tenant_key.size(), tenant_key) == 0)
          isolating = true;
  if (wanted.empty() && !isolating)
    return std::nullopt;
  std::map<std::string, host_metadata> by_host;
  for (auto& a : aggregates)
    for (auto& h : a.hosts)
      for (auto& [key, value] : a.metadata)
        by_host[h][key].insert(value);
  std::vector<std::string> out;
  for (auto& host : hosts) {
    auto it = by_host.find(host);
    static const host_metadata none;
    auto& meta = it == by_host.end() ? none : it->second;
    bool fits = std::all_of(wanted.begin(), wanted.end(), [&](auto& spec) {
      auto values = meta.find(spec.first);
      if (values == meta.end())
        return false;
      return std::any_of(values->second.begin(), values->second.end(),
                         [&](const std::string& v) { return extra_spec_matches(v, spec.second); });
    });
    if (fits && isolating) {
      // Nova's rule: the host's filter_tenant_id* values, split on commas,
      // must name the project, if there are any.
      std::set<std::string> tenants;
      for (auto& [key, values] : meta)
        if (key.compare(0, tenant_key.size(), tenant_key) == 0)
          for (auto& v : values) {
            std::stringstream list(v);
            for (std::string t; std::getline(list, t, ',');) {
              auto b = t.find_first_not_of(" \t"), e = t.find_last_not_of(" \t");
              if (b != std::string::npos)
                tenants.insert(t.substr(b, e - b + 1));
            }
          }
      fits = tenants.empty() || tenants.count(project_id) > 0;
    }
    if (fits)
      out.push_back(host);
  }
  return out;
}

} // namespace nimbus::compute
