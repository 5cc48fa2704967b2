#pragma once
// The image records a server's actions leave in the API cell: a snapshot of
// createImage, and the image a shelve keeps (Nova's "<name>-shelved").
// Internal to compute/. Until disks exist (the hypervisor issue) the records
// carry no data: they have the server's image's formats and sizes.
#include <map>
#include <string>
#include <vector>

#include "compute/compute_api.h"
#include "compute/outcome.h"
#include "storage/records.h"

namespace nimbus::compute {

/// A snapshot of `r` named `name` with `metadata` as properties, owned by
/// the server's project, private, active.
storage::image snapshot_of(const storage::instance_record& r, const storage::image* base,
                           const std::string& name,
                           const std::map<std::string, std::string>& metadata, std::int64_t now_us);

/// A createBackup's image: a snapshot with image_type "backup" and its
/// backup_type.
storage::image backup_of(const storage::instance_record& r, const storage::image* base,
                         const std::string& name, const std::string& backup_type,
                         const std::map<std::string, std::string>& metadata, std::int64_t now_us);

/// The backups of server `uuid` of `backup_type` beyond the newest
/// `rotation` (Nova's rotation: these go).
std::vector<storage::image> backups_to_rotate(const std::vector<storage::image>& images,
                                              const std::string& uuid,
                                              const std::string& backup_type,
                                              std::int64_t rotation);

/// The tier a new server's disk goes to: the request's, the flavor's pinned
/// one (extra spec nimbus:disk_type; a request for another is a 400), or
/// `fallback`. A pin that names no tier is a 400 too.
outcome<storage::disk_tier> disk_type_of(const create_server_request& req,
                                         const storage::flavor& flavor,
                                         storage::disk_tier fallback);

/// The image a shelve of `r` keeps.
storage::image shelved_image_of(const storage::instance_record& r, const storage::image* base,
                                std::int64_t now_us);

/// Whether `i` is the image a shelve of server `uuid` kept.
bool is_shelved_image_of(const storage::image& i, const std::string& uuid);

/// Why a server of `flavor` cannot boot from `i` (Nova's checks of the
/// image: active, min_ram, min_disk, its size against the root disk), or
/// "" if it can.
std::string boot_image_refusal(const storage::image& i, const storage::flavor& flavor);

} // namespace nimbus::compute
