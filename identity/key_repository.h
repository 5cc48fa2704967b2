#pragma once
// The token keys, kept as a directory of small files the way Keystone keeps
// its fernet keys (keystone-manage fernet_setup / fernet_rotate), e.g.
// <data_dir>/identity/token_keys.
//
// Layout: one file per key, named by its decimal index ("0", "1", "2", ...),
// holding the 32-byte key as URL-safe base64 with padding (44 characters)
// and an optional trailing newline. Index 0 is the staged key: it decrypts,
// and the next rotation makes it the primary. The highest index is the
// primary: it encrypts new tokens and decrypts. Every other index is a
// secondary: it only decrypts tokens sealed before the last rotations. Files
// whose names are not digits (editor backups, ".key-*" temporaries left by a
// crash) are ignored. The directory is mode 0700, the files 0600.
//
// Contract:
// - open() reads every key file; it refuses (nullopt, with *why) a directory
//   without key 0 or without a primary, and any key file it cannot read or
//   that does not hold exactly one 32-byte key. It never writes.
// - create() and rotate() write each file atomically (temp file, fsync,
//   rename, fsync of the directory) and hold an exclusive flock on the
//   directory, so two of them never interleave. Once set up, the directory
//   opens at every point a crash may stop a rotation: it first copies the
//   staged key to its new index, then replaces key 0, then removes the
//   oldest secondaries. A crashed set-up is finished by create() again.
// - open() takes no lock: a reader racing a rotation sees the directory
//   before, during or after it (a key removed under it is skipped).
// - A key_repository is an immutable snapshot: a process that serves tokens
//   sees a rotation only when it opens the directory again.
// - Thread-safe to read from any number of threads; keys are wiped from
//   memory when the object goes.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nimbus::identity {

constexpr std::size_t token_key_bytes = 32;
using token_key = std::array<unsigned char, token_key_bytes>;

class key_repository {
public:
  /// Reads the keys in `dir`; nullopt (with *why) if the directory, or any key
  /// file in it, is unreadable or corrupt.
  static std::optional<key_repository> open(const std::string& dir, std::string* why);

  /// Set-up: creates `dir` (mode 0700, parents as needed) with a staged key 0
  /// and a primary key 1 (files 0600). Keys that already exist are kept: on a
  /// set-up directory it only checks that it opens. Fills in what a crashed
  /// set-up left out. False (with *why) on any failure.
  static bool create(const std::string& dir, std::string* why);

  /// Keystone's rotation: the staged key 0 becomes the primary under index
  /// highest + 1, a fresh random key becomes the staged key 0, then the lowest
  /// (oldest) secondaries are removed until at most `max_active_keys` remain,
  /// the staged key included. `max_active_keys` must be at least 2 (staged and
  /// primary); 3 keeps the previous primary for tokens already issued. Tokens
  /// sealed with a removed key no longer open: keep max_active_keys - 2
  /// rotations' worth of time above the token lifetime.
  static bool rotate(const std::string& dir, int max_active_keys, std::string* why);

  /// The key that seals new tokens (the highest index).
  const token_key& primary() const { return keys_.front(); }
  /// Its index (at least 1).
  int primary_index() const { return primary_index_; }
  /// Key 0, the next primary.
  const token_key& staged() const { return keys_.back(); }
  /// Every key that may open a token, by descending index: the primary first,
  /// then the secondaries from the newest, the staged key last.
  const std::vector<token_key>& decryption_keys() const { return keys_; }

  key_repository(const key_repository&) = default;
  key_repository(key_repository&&) noexcept = default;
  key_repository& operator=(const key_repository&) = default;
  key_repository& operator=(key_repository&&) noexcept = default;
  ~key_repository();

private:
  key_repository(std::vector<token_key> keys, int primary_index)
      : keys_(std::move(keys)), primary_index_(primary_index) {}

  std::vector<token_key> keys_; // descending index; never empty
  int primary_index_ = 0;
};

} // namespace nimbus::identity
