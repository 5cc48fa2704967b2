#pragma once
// The Glance v2 subset without HTTP: image records (in the API cell) and
// their data (storage/image_files.h), who sees and changes which image, the
// upload's states, members. Thread-safe; every call blocks for its durable
// write (image calls are rare next to boots). CAF-free: the API includes it.
//
// Visibility (Glance's): an admin sees everything; others see their
// project's images, public and community ones, and shared ones whose member
// they are. Only the owner (or an admin) changes an image; a member changes
// only its own membership.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compute/compute_api.h"
#include "compute/outcome.h"
#include "storage/image_files.h"
#include "storage/records.h"

namespace nimbus::compute {

/// [image] options (etc/nimbus.conf).
struct image_options {
  std::int64_t image_size_cap = 1099511627776; // bytes one image may hold (Glance's 1 TiB)
  std::int64_t user_storage_quota = 0;         // bytes a project's images may hold; 0: no limit
  std::int64_t image_member_quota = 128;       // members per image; -1: no limit
  std::int64_t image_tag_quota = 128;          // tags per image; -1: no limit
};

/// Where an image's data is, to be streamed (size bytes at path).
struct image_data {
  std::string path;
  std::int64_t size = 0;
  storage::image record;
};

/// Edits an image's record in place; a fault refuses the whole change.
using image_edit = std::function<std::optional<fault>(storage::image&)>;

class image_catalog {
public:
  image_catalog(std::shared_ptr<cells::api_cell> api, std::shared_ptr<storage::image_files> files,
                image_options options);

  const image_options& options() const { return options_; }

  /// Every image ctx may see, in no order.
  std::vector<storage::image> visible(const request_context& ctx) const;
  /// One image ctx may see; nullopt for others and for unknown ids alike.
  std::optional<storage::image> find(const request_context& ctx, const std::string& id) const;

  /// Registers `i` (status queued, no data) for ctx's project; its id if it
  /// has one (409 if taken), else a new uuid.
  outcome<storage::image> create(const request_context& ctx, storage::image i);
  /// Applies `edit` to an image ctx owns (admins: any) as one change.
  outcome<storage::image> change(const request_context& ctx, const std::string& id,
                                 const image_edit& edit);
  /// Deletes the record and the data; 403 while protected.
  outcome<done> erase(const request_context& ctx, const std::string& id);
  /// The same without checks and without waiting (a server action's own
  /// images: rotated backups): the data goes once the record's removal is
  /// durable, on the store's thread; failures are logged.
  void drop(const std::string& id);

  /// A fresh staging path for an upload's body (the HTTP layer writes it).
  std::string staging_path();
  /// Takes the staged upload as image `id`'s data: queued -> saving ->
  /// active with size and hashes. A second upload, one to an image with
  /// data, or one past the quota is refused; the staged file is gone after.
  outcome<storage::image> upload(const request_context& ctx, const std::string& id,
                                 const std::string& staged);
  /// Where the data of an image ctx may read is. nullopt value: no data yet
  /// (Glance's 204); 403 for a deactivated image unless admin.
  outcome<std::optional<image_data>> data(const request_context& ctx, const std::string& id) const;
  /// deactivate / reactivate: the owner or an admin (Glance's default
  /// policy); the other state is a no-op, any other status a 403.
  outcome<done> set_deactivated(const request_context& ctx, const std::string& id,
                                bool deactivated);

  /// Members (shared images): the owner adds and removes, the member answers.
  outcome<storage::image_member> add_member(const request_context& ctx, const std::string& id,
                                            const std::string& member);
  outcome<std::vector<storage::image_member>> members(const request_context& ctx,
                                                      const std::string& id) const;
  outcome<storage::image_member> member(const request_context& ctx, const std::string& id,
                                        const std::string& member) const;
  outcome<storage::image_member> set_member_status(const request_context& ctx,
                                                   const std::string& id, const std::string& member,
                                                   const std::string& status);
  outcome<done> remove_member(const request_context& ctx, const std::string& id,
                              const std::string& member);

private:
  outcome<storage::image> apply(const std::string& id, const image_edit& edit);

  std::shared_ptr<cells::api_cell> api_;
  std::shared_ptr<storage::image_files> files_;
  image_options options_;
};

/// Glance's visibility rule (also for boots: a member may boot a shared image).
bool image_visible(const storage::image& i, const request_context& ctx);
/// Whether ctx owns `i` (admins own everything).
bool image_owned(const storage::image& i, const request_context& ctx);
/// Glance's 404 text.
std::string image_not_found(const std::string& id);

} // namespace nimbus::compute
