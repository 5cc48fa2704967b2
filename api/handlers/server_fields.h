#pragma once
// Nova's schemas for the fields of a server that several routes take
// (create, PUT, metadata, tags): each check answers the 400 (or 403) that
// refuses a value, or nullopt.
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.h"
#include "api/validation.h"

namespace nimbus::api {

/// Server metadata: keys of 1 to 255 of [a-zA-Z0-9-_:. ] and string values
/// of at most 255 (its schema, 400). How many items the metadata_items quota
/// allows (403) compute_api checks.
std::optional<api_response> check_metadata(const ordered_json& m);

/// A description: a string of at most 255 printable characters, or null.
std::optional<api_response> check_description(const ordered_json& d);

/// accessIPv4 / accessIPv6: an address of that family; *normalized gets
/// its canonical text (IPv6 compressed, as Nova's netaddr writes it).
std::optional<api_response> check_access_ip(const std::string& attribute, const ordered_json& v,
                                            bool v6, std::string* normalized);

/// A hostname (2.90; up to 63 of [a-zA-Z0-9-._], or a dotted name of up to
/// 255 from 2.94).
std::optional<api_response> check_hostname(const ordered_json& h, const microversion& version);

/// One server tag: a string of 1 to 60 characters without '/' or ','.
std::optional<api_response> check_tag(const std::string& attribute, const ordered_json& t);
/// A list of at most 50 tags.
std::optional<api_response> check_tags(const ordered_json& tags);

} // namespace nimbus::api
