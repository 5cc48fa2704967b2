#include "api/glance_list.h"

#include <algorithm>
#include <set>

#include "api/formats.h"
#include "compute/image_catalog.h"

namespace nimbus::api {
namespace {

using compute::fault;
using compute::fault_kind;
using storage::image;
using query_map = std::multimap<std::string, std::string>;

fault bad(std::string message) { return {fault_kind::bad_request, std::move(message)}; }

std::vector<std::string> all_of(const query_map& q, const std::string& key) {
  std::vector<std::string> out;
  auto [from, to] = q.equal_range(key);
  for (auto it = from; it != to; ++it)
    out.push_back(it->second);
  return out;
}

std::optional<std::string> one_of(const query_map& q, const std::string& key) {
  auto it = q.find(key);
  return it == q.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "x" or "in:a,b,\"c,d\"": the values a column may have.
std::vector<std::string> values_of(const std::string& filter) {
  if (filter.rfind("in:", 0) != 0)
    return {filter};
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (auto c : filter.substr(3)) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

std::string column(const image& i, const std::string& key) {
  if (key == "name")
    return i.name;
  if (key == "id")
    return i.id;
  if (key == "status")
    return i.status;
  if (key == "container_format")
    return i.container_format;
  if (key == "disk_format")
    return i.disk_format;
  if (key == "owner")
    return i.owner;
  if (key == "checksum")
    return i.checksum;
  if (key == "size")
    return std::to_string(i.size);
  if (key == "min_ram")
    return std::to_string(i.min_ram);
  if (key == "min_disk")
    return std::to_string(i.min_disk);
  return {};
}

const std::set<std::string> columns{"name",        "id",      "status",   "container_format",
                                    "disk_format", "owner",   "checksum", "size",
                                    "min_ram",     "min_disk"};
const std::set<std::string> not_filters{
  "limit",     "marker",    "sort_key", "sort_dir", "sort",     "visibility", "member_status",
  "os_hidden", "protected", "tag",      "size_min", "size_max", "created_at", "updated_at"};
const std::vector<std::string> sort_keys{"name", "status", "container_format", "disk_format",
                                         "size", "id",     "created_at",       "updated_at"};

std::optional<fault> boolean_filter(const query_map& q, const std::string& key,
                                    std::optional<bool>* out) {
  auto v = one_of(q, key);
  if (!v)
    return std::nullopt;
  auto l = lower(*v);
  if (l != "true" && l != "false")
    return bad("Invalid value '" + *v + "' for '" + key
               + "' filter. Valid values are 'true' or 'false'.");
  *out = l == "true";
  return std::nullopt;
}

// created_at / updated_at: "[gt|gte|lt|lte|neq|eq:]<ISO 8601>".
std::optional<fault> time_filter(const std::string& key, const std::string& text,
                                 std::function<bool(std::int64_t)>* out) {
  std::string op = "eq", when = text;
  for (auto candidate : {"gte", "lte", "neq", "gt", "lt", "eq"})
    if (text.rfind(std::string(candidate) + ":", 0) == 0) {
      op = candidate;
      when = text.substr(op.size() + 1);
      break;
    }
  auto us = parse_iso_time(when);
  if (!us)
    return bad("Bad \"" + key + "\" query filter format. Use ISO 8601 DateTime notation.");
  auto t = *us / 1000000; // Glance's times are whole seconds
  *out = [op, t](std::int64_t v_us) {
    auto v = v_us / 1000000;
    return op == "gt"    ? v > t
           : op == "gte" ? v >= t
           : op == "lt"  ? v < t
           : op == "lte" ? v <= t
           : op == "neq" ? v != t
                         : v == t;
  };
  return std::nullopt;
}

struct sort_by {
  std::string key;
  bool ascending = false;
};

std::optional<fault> sorting(const query_map& q, std::vector<sort_by>* out) {
  auto keys = all_of(q, "sort_key");
  auto dirs = all_of(q, "sort_dir");
  auto check_dir = [](const std::string& d) -> std::optional<fault> {
    if (d != "asc" && d != "desc")
      return bad("Invalid sort direction: " + d);
    return std::nullopt;
  };
  auto check_key = [](const std::string& k) -> std::optional<fault> {
    if (std::find(sort_keys.begin(), sort_keys.end(), k) == sort_keys.end())
      return bad("Invalid sort key: " + k
                 + ". It must be one of the following: name, status, container_format, "
                   "disk_format, size, id, created_at, updated_at.");
    return std::nullopt;
  };
  if (auto sort = one_of(q, "sort")) {
    if (!keys.empty() || !dirs.empty())
      return bad("Old and new sorting syntax cannot be combined");
    for (auto& part : values_of("in:" + *sort)) {
      auto colon = part.find(':');
      sort_by s{part.substr(0, colon), false};
      if (colon != std::string::npos) {
        auto dir = part.substr(colon + 1);
        if (auto refusal = check_dir(dir))
          return refusal;
        s.ascending = dir == "asc";
      }
      if (auto refusal = check_key(s.key))
        return refusal;
      out->push_back(s);
    }
  } else {
    if (dirs.size() > 1 && dirs.size() != keys.size())
      return bad("Number of sort dirs does not match the number of sort keys");
    for (auto& d : dirs)
      if (auto refusal = check_dir(d))
        return refusal;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (auto refusal = check_key(keys[k]))
        return refusal;
      auto dir = dirs.empty() ? "desc" : dirs.size() == 1 ? dirs[0] : dirs[k];
      out->push_back({keys[k], dir == "asc"});
    }
  }
  // Glance's tie-breakers, in the one direction given (or desc).
  bool tie_ascending =
    out->size() == 1 ? out->front().ascending : dirs.size() == 1 && dirs[0] == "asc";
  for (auto key : {"created_at", "id"})
    if (std::none_of(out->begin(), out->end(), [&](const sort_by& s) { return s.key == key; }))
      out->push_back({key, tie_ascending});
  return std::nullopt;
}

int compare(const image& a, const image& b, const std::string& key) {
  auto cmp = [](auto x, auto y) { return x < y ? -1 : y < x ? 1 : 0; };
  if (key == "size")
    return cmp(a.size, b.size);
  // Full precision: images made within one second (a server's backups)
  // keep the order they were made in.
  if (key == "created_at")
    return cmp(a.created_us, b.created_us);
  if (key == "updated_at")
    return cmp(a.updated_us, b.updated_us);
  return cmp(column(a, key), column(b, key));
}

} // namespace

std::optional<fault> list_images(std::vector<image> visible, const query_map& q,
                                 const compute::request_context& ctx, glance_page* out) {
  if (q.count("changes-since"))
    return bad("The \"changes-since\" filter is no longer available on v2.");
  auto visibility = one_of(q, "visibility");
  static const std::set<std::string> visibilities{"community", "public", "private", "shared",
                                                  "all"};
  if (visibility && !visibilities.count(*visibility))
    return bad("Invalid visibility value: " + *visibility);
  auto member_status = one_of(q, "member_status").value_or("accepted");
  if (member_status != "pending" && member_status != "accepted" && member_status != "rejected"
      && member_status != "all")
    return bad("Invalid status: " + member_status);
  std::optional<bool> hidden, is_protected;
  if (auto refusal = boolean_filter(q, "os_hidden", &hidden))
    return refusal;
  if (auto refusal = boolean_filter(q, "protected", &is_protected))
    return refusal;
  std::optional<std::int64_t> size_min, size_max;
  for (auto [key, bound] : {std::pair{"size_min", &size_min}, std::pair{"size_max", &size_max}})
    if (auto v = one_of(q, key)) {
      char* end = nullptr;
      auto n = std::strtoll(v->c_str(), &end, 10);
      if (v->empty() || *end != '\0')
        return bad("Unable to filter on a range with a non-numeric value.");
      *bound = n;
    }
  std::vector<std::pair<std::string, std::function<bool(std::int64_t)>>> times;
  for (auto key : {"created_at", "updated_at"})
    if (auto v = one_of(q, key)) {
      std::function<bool(std::int64_t)> test;
      if (auto refusal = time_filter(key, *v, &test))
        return refusal;
      times.emplace_back(key, test);
    }
  std::vector<sort_by> order;
  if (auto refusal = sorting(q, &order))
    return refusal;
  std::int64_t limit = 25;
  if (auto v = one_of(q, "limit")) {
    char* end = nullptr;
    limit = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0')
      return bad("limit param must be an integer");
    if (limit < 0)
      return bad("limit param must be positive");
    limit = std::min<std::int64_t>(limit, 1000);
  }
  auto tags = all_of(q, "tag");

  auto listed = [&](const image& i) {
    if (i.status == "killed")
      return false;
    bool own = !ctx.project_id.empty() && i.owner == ctx.project_id;
    if (i.visibility == "community" && !own && visibility != "community" && visibility != "all")
      return false;
    if (visibility && *visibility != "all" && i.visibility != *visibility)
      return false;
    if (i.visibility == "shared" && !own && !ctx.is_admin) {
      auto m = std::find_if(i.members.begin(), i.members.end(),
                            [&](auto& mb) { return mb.member_id == ctx.project_id; });
      if (m == i.members.end() || (member_status != "all" && m->status != member_status))
        return false;
    }
    if (i.os_hidden != hidden.value_or(false))
      return false;
    if (is_protected && i.is_protected != *is_protected)
      return false;
    if ((size_min && i.size < *size_min) || (size_max && i.size > *size_max))
      return false;
    for (auto& [key, test] : times)
      if (!test(key == "created_at" ? i.created_us : i.updated_us))
        return false;
    for (auto& t : tags)
      if (std::find(i.tags.begin(), i.tags.end(), t) == i.tags.end())
        return false;
    for (auto& [key, value] : q) {
      if (not_filters.count(key))
        continue;
      if (columns.count(key)) {
        auto allowed = values_of(value);
        if (std::find(allowed.begin(), allowed.end(), column(i, key)) == allowed.end())
          return false;
        continue;
      }
      auto it = i.properties.find(key);
      if (it == i.properties.end() || it->second != value)
        return false;
    }
    return true;
  };
  std::vector<image> kept;
  for (auto& i : visible)
    if (listed(i))
      kept.push_back(std::move(i));
  std::stable_sort(kept.begin(), kept.end(), [&](const image& a, const image& b) {
    for (auto& s : order)
      if (int c = compare(a, b, s.key))
        return s.ascending ? c < 0 : c > 0;
    return false;
  });
  std::size_t from = 0;
  if (auto marker = one_of(q, "marker")) {
    auto it =
      std::find_if(kept.begin(), kept.end(), [&](const image& i) { return i.id == *marker; });
    if (it == kept.end())
      return bad(compute::image_not_found(*marker));
    from = static_cast<std::size_t>(it - kept.begin()) + 1;
  }
  auto to = std::min(kept.size(), from + static_cast<std::size_t>(limit));
  out->images.assign(kept.begin() + static_cast<std::ptrdiff_t>(from),
                     kept.begin() + static_cast<std::ptrdiff_t>(to));
  out->more = limit > 0 && static_cast<std::int64_t>(out->images.size()) == limit;
  return std::nullopt;
}

} // namespace nimbus::api
