#pragma once
// The image store: one file per image under a folder of the data directory
// (Glance's filesystem store). The image records are elsewhere (the API
// cell's store); this holds their data.
//
// Contract:
// - An image's file appears whole or not at all: data is written to a file in
//   `staging/`, made durable, hashed, then renamed into place (and the folder
//   synced). A crash leaves at most a staging file, which the next start
//   removes.
// - Thread-safe: every call may run on any thread; distinct staging paths
//   never collide.
// - Image ids are file names: only letters, digits, '-' and '_' (anything
//   else is errc::invalid_argument, so no id reaches outside the folder).
// - Nothing throws: every call returns a std::error_code (storage/errc.h).
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace nimbus::storage {

/// What an upload computes as it lands (Glance's size, checksum,
/// os_hash_algo = sha512, os_hash_value), lower-case hex.
struct file_digest {
  std::int64_t size = 0;
  std::string md5;
  std::string sha512;
};

class image_files {
public:
  /// Keeps files in `dir` (created if missing) and removes what a crash
  /// left in `dir`/staging.
  explicit image_files(std::string dir);

  /// Whether the folders exist and can be written (false after a failed
  /// creation; every write then fails with errc::io_error).
  bool usable() const { return usable_; }

  /// A fresh path in the staging folder, not created yet. The caller writes
  /// the data there, then calls adopt() or discard().
  std::string staging_path();
  /// Whether `path` names a file directly in the staging folder (what a
  /// peer asks to adopt must be there, not anywhere on the machine).
  bool is_staged(const std::string& path) const;

  /// Makes the staged file durable, hashes it, and moves it into place as
  /// image `id`'s data (replacing what `id` had). `out` gets the digest.
  /// The staged file is gone afterwards, whatever the result.
  std::error_code adopt(const std::string& id, const std::string& staged, file_digest* out);

  /// Writes `data` as image `id`'s data by the same path (small images made
  /// inside the process).
  std::error_code write(const std::string& id, std::string_view data, file_digest* out);

  /// Where image `id`'s data is; errc::not_found if it has none.
  std::error_code locate(const std::string& id, std::string* path, std::int64_t* size) const;

  /// Removes image `id`'s data; no data is not an error.
  std::error_code remove(const std::string& id);

  /// Removes a staged file that will not be adopted.
  static void discard(const std::string& staged);

  /// Hashes a whole file without keeping it in memory.
  static std::error_code digest_of(const std::string& path, file_digest* out);

private:
  std::string path_of(const std::string& id) const;

  std::string dir_;
  std::string staging_;
  bool usable_ = false;
};

} // namespace nimbus::storage
