// /v2.1/flavors: list, detail, show.
#include <algorithm>
#include <cctype>

#include "api/faults.h"
#include "api/handlers/handlers.h"
#include "api/validation.h"
#include "api/views/flavor_view.h"
#include "compute/flavor_projects.h"

namespace nimbus::api {
namespace {

using nlohmann::json;

// What a list asks for (Nova's flavors._get_flavors): which flavors by
// is_public, minRam and minDisk, sorted by id, from after the marker, at
// most limit of them.
struct flavor_query {
  std::optional<bool> is_public = true; // nullopt: both
  bool with_disabled = false;
  std::int32_t min_ram = 0;
  std::int32_t min_disk = 0;
  std::int32_t limit = 1000;
  std::string marker;
};

// A whole number in a query parameter, as Python's int() reads it.
bool read_int(const std::string& text, std::int32_t* out) {
  auto digits = !text.empty() && (text[0] == '-' || text[0] == '+') ? text.substr(1) : text;
  if (!is_digits(digits) || digits.size() > 9)
    return false;
  *out = static_cast<std::int32_t>(std::stol(text));
  return true;
}

std::optional<api_response> read_query(const api_request& req, flavor_query* q) {
  if (req.ctx.is_admin && req.has_param("is_public")) {
    // Only admins choose: others see the public flavors.
    auto p = req.param("is_public");
    std::string lower;
    for (unsigned char c : p)
      lower += static_cast<char>(std::tolower(c));
    if (lower == "none")
      q->is_public = std::nullopt;
    else if (lower == "true" || lower == "t" || lower == "1" || lower == "yes" || lower == "y"
             || lower == "on")
      q->is_public = true;
    else if (lower == "false" || lower == "f" || lower == "0" || lower == "no" || lower == "n"
             || lower == "off")
      q->is_public = false;
    else
      return bad_request("Invalid is_public filter [" + p + "]");
  }
  q->with_disabled = req.ctx.is_admin;
  if (req.has_param("minRam") && !read_int(req.param("minRam"), &q->min_ram))
    return bad_request("Invalid minRam filter [" + req.param("minRam") + "]");
  if (req.has_param("minDisk") && !read_int(req.param("minDisk"), &q->min_disk))
    return bad_request("Invalid minDisk filter [" + req.param("minDisk") + "]");
  if (auto refusal = read_limit(req, &q->limit))
    return refusal;
  q->marker = req.param("marker");
  return std::nullopt;
}

// Whether `f` passes the is_public filter: true (the default, and all a
// non-admin gets) is the public flavors and the private ones the caller's
// project has access to; false every private one; none all.
bool public_filter(compute::compute_api& compute, const api_request& req, const flavor_query& q,
                   const storage::flavor& f) {
  if (!q.is_public)
    return true;
  if (*q.is_public)
    return f.is_public || compute.flavor_access().has(f.id, req.ctx.project_id);
  return !f.is_public;
}

// The page, or nullopt when the marker names no listed flavor.
std::optional<std::vector<storage::flavor>> select(compute::compute_api& compute,
                                                   const api_request& req, const flavor_query& q) {
  std::vector<storage::flavor> kept;
  for (auto& f : compute.flavors())
    if (public_filter(compute, req, q, f) && (q.with_disabled || !f.disabled)
        && f.memory_mb >= q.min_ram && f.root_gb >= q.min_disk)
      kept.push_back(std::move(f));
  std::sort(kept.begin(), kept.end(), [](auto& a, auto& b) { return a.id < b.id; });
  auto from = kept.begin();
  if (!q.marker.empty()) {
    from = std::find_if(kept.begin(), kept.end(), [&](auto& f) { return f.id == q.marker; });
    if (from == kept.end())
      return std::nullopt;
    ++from;
  }
  std::vector<storage::flavor> page;
  for (auto it = from; it != kept.end() && page.size() < static_cast<std::size_t>(q.limit); ++it)
    page.push_back(*it);
  return page;
}

} // namespace

std::optional<storage::flavor> visible_flavor(compute::compute_api& compute, const api_request& req,
                                              const std::string& id) {
  auto f = compute.flavor(id);
  if (f && !compute.flavor_visible(req.ctx, *f))
    return std::nullopt;
  return f;
}

void add_flavor_routes(router& r, compute::compute_api& compute) {
  auto list = [&compute](bool detail) {
    return [&compute, detail](const api_request& req, const params&) {
      flavor_query q;
      if (auto refusal = read_query(req, &q))
        return *refusal;
      auto page = select(compute, req, q);
      if (!page)
        return bad_request("marker [" + q.marker + "] not found");
      json flavors = json::array();
      auto v = view_of(req);
      for (auto& f : *page)
        flavors.push_back(detail ? flavor_detail(f, v) : flavor_brief(f, v));
      json body = {{"flavors", flavors}};
      if (!page->empty() && page->size() == static_cast<std::size_t>(q.limit))
        body["flavors_links"] = json::array(
          {{{"rel", "next"},
            {"href", v.base_url + "/v2.1/flavors" + (detail ? "/detail" : "")
                       + "?limit=" + std::to_string(q.limit) + "&marker=" + page->back().id}}});
      return json_response(200, body);
    };
  };
  r.add("GET", "/v2.1/flavors", access::open(), list(false));
  r.add("GET", "/v2.1/flavors/detail", access::open(), list(true));
  r.add("GET", "/v2.1/flavors/{}", access::open(), [&](const api_request& req, const params& p) {
    auto f = visible_flavor(compute, req, p[0]);
    if (!f)
      return not_found(flavor_not_found(p[0]));
    return json_response(200, {{"flavor", flavor_detail(*f, view_of(req))}});
  });
}

} // namespace nimbus::api
