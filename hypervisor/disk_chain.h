#pragma once
// One guest's snapshot chain on disk (docs/SNAPSHOTS.md): its points are
// frozen qcow2 layers, each the backing file of the layer made after it;
// the guest writes to the newest layer, the one its domain names. A small
// manifest (one "<point id> <file>" line per point, oldest first, then
// "- <file>" for the layer the guest writes to; replaced atomically)
// remembers which file is which, so that a re-created domain finds its disk.
//
// The calls work on files that no running qemu writes: the libvirt driver
// stops a guest, or asks libvirt for the live variant, before it calls them.
// They block (qemu-img) and return hypervisor::errc codes; nothing throws.
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace nimbus::hypervisor {

struct chain_layer {
  std::string point; // the point's id
  std::string file;  // its frozen layer
};

class disk_chain {
public:
  explicit disk_chain(std::string manifest) : manifest_(std::move(manifest)) {}

  /// The points, oldest first (none if there is no manifest), and the file
  /// the guest writes to (`active`, "" if the manifest has none).
  std::vector<chain_layer> load(std::string* active = nullptr) const;
  /// Replaces the manifest (written aside, fsynced, renamed, its folder
  /// fsynced); no points left: removed.
  std::error_code save(const std::vector<chain_layer>& layers, const std::string& active) const;

private:
  std::string manifest_;
};

/// Whether `id` may name a point in a file name (letters, digits, '-', '_').
bool plain_point_id(const std::string& id);

/// A new, empty qcow2 layer at `path` over `backing` (a qcow2 layer).
std::error_code create_layer(const std::string& backing, const std::string& path);

/// The backing file of qcow2 `file` and its format ("" when it has none).
std::error_code backing_of(const std::string& file, std::string* backing, std::string* format);

/// Makes `file` read the same over `backing` (of `format`) as it does over
/// its backing now: what the layers in between held is copied into it
/// (qemu-img rebase in its safe mode, a block pull).
std::error_code pull_into(const std::string& file, const std::string& backing,
                          const std::string& format);

/// `file` with everything under it, written to `dest` as one qcow2.
std::error_code flatten_to(const std::string& file, const std::string& dest);

/// The bytes a file takes on disk (its allocated blocks); 0 if it is not.
std::int64_t allocated_bytes(const std::string& file);

} // namespace nimbus::hypervisor
