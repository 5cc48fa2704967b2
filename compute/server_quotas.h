#pragma once
// How servers are held to their project's instances, cores and ram quotas:
// the admission a boot passes to the API cell (Nova's
// check_num_instances_quota, under the API cell's lock), and what each
// server's mapping counts. Internal to compute/.
//
// A server counts one instance, and its flavor's cores and ram, from its
// acceptance to its deletion, in whatever state (cell0's too, as Nova
// counts), except: a resize counts the larger of both flavors until it is
// confirmed or reverted, and a shelved server only its instance (the
// resources go back when it is shelved and are checked again when it is
// unshelved, as Nova's count_usage_from_placement does).
#include <cstdint>
#include <memory>
#include <string>

#include "cells/api_cell.h"
#include "compute/compute_api.h"
#include "compute/quota_check.h"

namespace nimbus::compute {

class quota_book;

/// The instances, cores, ram and tier disk limits of a project, and of a
/// user with rows of its own (else nullopt: only the project's are checked,
/// as Nova).
counted_limits project_limits(const quota_book& q, const std::string& project_id);
std::optional<counted_limits> user_limits(const quota_book& q, const std::string& project_id,
                                          const std::string& user_id);

/// The admission of a boot of `*admitted` servers (at least min_count) of
/// flavor `f` with their disks in `tier` by ctx: sets *admitted to how many
/// may be made, and *refusal to Nova's message when none may. `refusal`
/// must outlive accept_builds().
cells::api_cell::admission boot_gate(const quota_book& q, const request_context& ctx,
                                     const storage::flavor& f, storage::disk_tier tier,
                                     std::int64_t min_count,
                                     const std::shared_ptr<std::size_t>& admitted,
                                     std::string* refusal);

/// What a server's record says it counts of cores, ram and its tier's disk
/// (see above).
cells::server_charge charge_of(const storage::instance_record& r);

} // namespace nimbus::compute
