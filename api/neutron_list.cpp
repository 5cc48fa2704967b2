#include "api/neutron_list.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace nimbus::api {

using nlohmann::json;

namespace {

const std::set<std::string> not_filters = {"fields",   "limit",        "marker", "sort_key",
                                           "sort_dir", "page_reverse", "tags",   "tags-any",
                                           "not-tags", "not-tags-any"};

// A query value against a view's value, as Neutron converts the query.
bool matches(const json& value, const std::string& wanted) {
  if (value.is_boolean()) {
    std::string w = wanted;
    std::transform(w.begin(), w.end(), w.begin(), ::tolower);
    return (w == "true" || w == "1") == value.get<bool>()
           && (w == "true" || w == "false" || w == "1" || w == "0");
  }
  if (value.is_null())
    return wanted.empty() || wanted == "None" || wanted == "null";
  if (value.is_string())
    return value.get<std::string>() == wanted;
  if (value.is_number())
    return value.dump() == wanted;
  if (value.is_array()) { // a list attribute holds the value (security_groups, subnets)
    for (auto& v : value)
      if (v.is_string() && v.get<std::string>() == wanted)
        return true;
  }
  return false;
}

// fixed_ips=ip_address=10.0.0.3 / subnet_id=... / ip_address_substr=...
bool matches_fixed_ip(const json& ips, const std::string& wanted) {
  auto eq = wanted.find('=');
  if (eq == std::string::npos || !ips.is_array())
    return false;
  auto key = wanted.substr(0, eq);
  auto value = wanted.substr(eq + 1);
  for (auto& ip : ips) {
    if (key == "ip_address_substr" && ip.value("ip_address", "").find(value) != std::string::npos)
      return true;
    if (ip.contains(key) && ip[key].is_string() && ip[key].get<std::string>() == value)
      return true;
  }
  return false;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ','))
    if (!part.empty())
      out.push_back(part);
  return out;
}

bool tags_pass(const api_request& req, const json& item) {
  auto has = [&](const std::string& t) { return matches(item.value("tags", json::array()), t); };
  for (auto [key, value] : req.query) {
    auto tags = split_commas(value);
    if (key == "tags" && !std::all_of(tags.begin(), tags.end(), has))
      return false;
    if (key == "tags-any" && !std::any_of(tags.begin(), tags.end(), has))
      return false;
    if (key == "not-tags" && !tags.empty() && std::all_of(tags.begin(), tags.end(), has))
      return false;
    if (key == "not-tags-any" && std::any_of(tags.begin(), tags.end(), has))
      return false;
  }
  return true;
}

bool passes(const api_request& req, const json& item) {
  std::map<std::string, std::vector<std::string>> wanted;
  for (auto& [key, value] : req.query)
    if (!not_filters.count(key))
      wanted[key].push_back(value);
  for (auto& [key, values] : wanted) {
    if (!item.contains(key))
      continue; // Neutron ignores filters on attributes a resource lacks
    auto& v = item[key];
    bool any = false;
    for (auto& w : values)
      any = any || (key == "fixed_ips" ? matches_fixed_ip(v, w) : matches(v, w));
    if (!any)
      return false;
  }
  return tags_pass(req, item);
}

std::vector<std::string> fields_of(const api_request& req) {
  std::vector<std::string> out;
  for (auto [it, end] = req.query.equal_range("fields"); it != end; ++it)
    for (auto& f : split_commas(it->second))
      out.push_back(f);
  return out;
}

json only_fields(json item, const std::vector<std::string>& fields) {
  if (fields.empty())
    return item;
  json out = json::object();
  for (auto& f : fields)
    if (item.contains(f))
      out[f] = item[f];
  return out;
}

} // namespace

json neutron_fields(const api_request& req, json item) {
  return only_fields(std::move(item), fields_of(req));
}

json neutron_list(const api_request& req, json items, const std::string& collection,
                  const std::string& path) {
  json kept = json::array();
  for (auto& i : items)
    if (passes(req, i))
      kept.push_back(std::move(i));
  auto key = req.param("sort_key");
  if (!key.empty()) {
    bool desc = req.param("sort_dir") == "desc";
    std::stable_sort(kept.begin(), kept.end(), [&](const json& a, const json& b) {
      auto va = a.value(key, json()), vb = b.value(key, json());
      return desc ? vb < va : va < vb;
    });
  }
  auto marker = req.param("marker");
  if (!marker.empty()) {
    auto at = std::find_if(kept.begin(), kept.end(),
                           [&](const json& i) { return i.value("id", "") == marker; });
    if (at != kept.end())
      kept.erase(kept.begin(), std::next(at));
  }
  json out;
  auto limit_text = req.param("limit");
  long limit = 0;
  if (!limit_text.empty())
    limit = std::strtol(limit_text.c_str(), nullptr, 10);
  bool cut = limit > 0 && kept.size() > static_cast<std::size_t>(limit);
  if (cut)
    kept.erase(kept.begin() + limit, kept.end());
  auto fields = fields_of(req);
  json page = json::array();
  for (auto& i : kept)
    page.push_back(only_fields(i, fields));
  out[collection] = page;
  if (cut && !kept.empty()) {
    auto next = req.base_url + path + "?limit=" + std::to_string(limit)
                + "&marker=" + kept.back().value("id", "");
    out[collection + "_links"] = json::array({{{"rel", "next"}, {"href", next}}});
  }
  return out;
}

} // namespace nimbus::api
