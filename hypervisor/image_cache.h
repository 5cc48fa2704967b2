#pragma once
// A host's image cache (Nova's _base): one read-only copy of each image a
// host boots from, and copy-on-write qcow2 overlays on it for the root disks.
// Creating an overlay costs the same whatever the image's size: only the
// first boot of an image on a host pays for its copy, and none does where
// the image store is on the same file system (a hard link).
//
// Thread-safe for distinct images; calls block (file copies, qemu-img).
// Nothing throws: calls return a std::error_code of hypervisor::errc.
#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace nimbus::hypervisor {

class image_cache {
public:
  /// Images come from `source_dir`/<id> (the image store of
  /// storage/image_files.h); their cached copies live in `cache_dir`.
  image_cache(std::string source_dir, std::string cache_dir);

  /// The cached copy of image `id`, made if missing (a hard link to the
  /// store's file, or a copy written aside and renamed into place).
  /// errc::not_found if the store has no data for it.
  std::error_code base_of(const std::string& id, std::string* path);

  /// A new qcow2 overlay at `overlay` on image `id`'s cached copy, of at
  /// least `size_gb` (0: the base's size). One that is there already is
  /// kept (a re-spawn keeps the guest's disk). errc::invalid_state for an
  /// image that names other files (a backing file, an external data file).
  std::error_code create_overlay(const std::string& id, const std::string& overlay,
                                 std::int32_t size_gb);

  /// Removes the cached copies of images not in `in_use` and not used for
  /// at least `min_age` (Nova's remove_unused_base_images and
  /// remove_unused_original_minimum_age_seconds; a base's last use is its
  /// modification time, set as a guest is given it); returns their ids.
  std::vector<std::string> remove_unused(const std::vector<std::string>& in_use,
                                         std::chrono::seconds min_age = std::chrono::seconds(0));

  /// The folder of the cached copies.
  const std::string& cache_dir() const { return cache_dir_; }

private:
  std::string source_dir_;
  std::string cache_dir_;
};

/// Runs a program with arguments (no shell) and waits for it; true when it
/// exited 0. Its output goes to `output` if given.
bool run_program(const std::vector<std::string>& argv, std::string* output = nullptr);

} // namespace nimbus::hypervisor
