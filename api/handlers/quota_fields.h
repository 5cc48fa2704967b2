#pragma once
// The quota resources a body names at each microversion, and the reading
// of an update's body, shared by os-quota-sets, os-quota-class-sets and
// /limits.
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.h"
#include "api/microversion.h"
#include "compute/quota_book.h"

namespace nimbus::api {

/// os-quota-sets: every resource before 2.36; without the network ones
/// (fixed_ips, floating_ips, security_groups, security_group_rules) from
/// it; also without the injected_file ones from 2.57. `extensions` (the
/// request's Nimbus-Extensions header): with the tier disk ones too.
std::vector<std::string> quota_set_fields(const microversion& v, bool extensions);
/// os-quota-class-sets' answers: before 2.50 without the server group
/// ones (Nova's bug 1693168) but with the network ones; then as quota sets.
std::vector<std::string> quota_class_fields(const microversion& v, bool extensions);
/// What a quota class update may name: every resource before 2.50.
std::vector<std::string> quota_class_accepted(const microversion& v, bool extensions);
/// Whether `req` asks for Nimbus's extensions (a Nimbus-Extensions header).
bool asks_extensions(const api_request& req);

/// Reads {"<root>": {"<resource>": limit, ...}} (integers or numeric text,
/// -1 to 2147483647; `force` too when `allow_force`), every resource one of
/// `allowed`. The 400 in Nova's wording, or nullopt with *limits filled.
std::optional<api_response> read_quota_body(const api_request& req, const std::string& root,
                                            const std::vector<std::string>& allowed,
                                            bool allow_force, compute::quota_values* limits,
                                            bool* force);

} // namespace nimbus::api
