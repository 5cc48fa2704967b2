#pragma once
// Neutron's list queries on views already rendered: filters by any
// attribute (repeated values: any of them; fixed_ips=ip_address=...,
// tags / tags-any / not-tags / not-tags-any), `fields=`, sorting by
// sort_key / sort_dir, and paging by limit / marker with the next link.
#include <string>

#include <nlohmann/json.hpp>

#include "api/http_types.h"

namespace nimbus::api {

/// `items` (an array of views) as the query asks, under `collection`
/// (e.g. "networks"), with `<collection>_links` when a page is cut.
/// `path` is the list's path for the links ("/v2.0/networks").
nlohmann::json neutron_list(const api_request& req, nlohmann::json items,
                            const std::string& collection, const std::string& path);
/// `fields=` on one view (a show).
nlohmann::json neutron_fields(const api_request& req, nlohmann::json item);

} // namespace nimbus::api
