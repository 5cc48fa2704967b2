#include "identity/key_repository.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "identity/sodium.h"

namespace nimbus::identity {

namespace {

static_assert(token_key_bytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

constexpr int b64_variant = sodium_base64_VARIANT_URLSAFE;
constexpr std::size_t b64_chars = sodium_base64_ENCODED_LEN(token_key_bytes, b64_variant) - 1;
constexpr std::size_t max_key_file_bytes = 128; // 44 characters and a newline, with room
constexpr std::size_t max_index_digits = 9;     // every index and its successor fit an int
constexpr const char* temp_prefix = ".key-";

bool fail(std::string* why, std::string text) {
  if (why != nullptr) {
    *why = std::move(text);
  }
  return false;
}

// Fails with "<what> <path>: <strerror(errno)>".
bool fail_errno(std::string* why, const std::string& what, const std::string& path) {
  const int err = errno;
  return fail(why, what + " " + path + ": " + std::strerror(err));
}

std::string join(const std::string& dir, const std::string& name) { return dir + "/" + name; }

void wipe(std::vector<token_key>& keys) {
  if (!keys.empty()) {
    sodium_memzero(keys.data(), keys.size() * sizeof(token_key));
  }
}

// The key files of `dir` by index. Names that are not all digits are not key
// files; digits with a leading zero or too many of them are refused. With
// `sweep` (only under the lock, when no write is in flight), also removes the
// temporaries of writes a crash interrupted.
bool list_keys(const std::string& dir, std::map<int, std::string>* files, std::string* why,
               bool sweep = false) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (sweep && name.rfind(temp_prefix, 0) == 0) {
      std::error_code ignored;
      std::filesystem::remove(it->path(), ignored);
    }
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    if ((name.size() > 1 && name[0] == '0') || name.size() > max_index_digits) {
      return fail(why, "key file " + join(dir, name) + ": not a key index");
    }
    files->emplace(std::stoi(name), name);
  }
  if (ec) {
    return fail(why, "cannot list the key directory " + dir + ": " + ec.message());
  }
  return true;
}

// Reads one key file. *vanished says the file was gone (removed by a rotation
// since the directory was listed).
bool read_key(const std::string& path, token_key* key, bool* vanished, std::string* why) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *vanished = errno == ENOENT;
    return fail_errno(why, "cannot open the key file", path);
  }
  // One read: a regular file this small comes whole; a longer one shows as
  // more than max_key_file_bytes and is refused.
  char text[max_key_file_bytes + 1];
  struct stat st {};
  const ssize_t n =
    ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? ::read(fd, text, sizeof text) : -1;
  bool ok = n >= 0;
  std::size_t size = ok ? static_cast<std::size_t>(n) : 0;
  ::close(fd);
  while (size > 0 && (text[size - 1] == '\n' || text[size - 1] == '\r')) {
    --size;
  }
  std::size_t bin_len = 0;
  const char* b64_end = nullptr;
  ok = ok && size == b64_chars
       && sodium_base642bin(key->data(), key->size(), text, size, nullptr, &bin_len, &b64_end,
                            b64_variant)
            == 0
       && bin_len == key->size() && b64_end == text + size;
  sodium_memzero(text, sizeof text);
  if (!ok) {
    return fail(why, "key file " + path + ": unreadable or not one base64url 32-byte key");
  }
  return true;
}

// Writes `key` as `dir`/`name` atomically: a 0600 temporary, fsync, rename.
bool write_key(const std::string& dir, const std::string& name, const token_key& key,
               std::string* why) {
  std::string temp = join(dir, std::string(temp_prefix) + "XXXXXX");
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return fail_errno(why, "cannot create a key file in", dir);
  }
  char text[b64_chars + 2]; // the base64 text, then '\n' over libsodium's NUL
  sodium_bin2base64(text, sizeof text - 1, key.data(), key.size(), b64_variant);
  text[b64_chars] = '\n';
  // A short write to a regular file means the disk is full: a failure.
  bool ok = ::fchmod(fd, 0600) == 0
            && ::write(fd, text, b64_chars + 1) == static_cast<ssize_t>(b64_chars + 1);
  sodium_memzero(text, sizeof text);
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  ok = ok && ::rename(temp.c_str(), join(dir, name).c_str()) == 0;
  if (!ok) {
    fail_errno(why, "cannot write the key file", join(dir, name));
    ::unlink(temp.c_str());
  }
  return ok;
}

// An exclusive flock on the directory for as long as it lives; also what
// fsync()s the directory after renames and removals.
class locked_dir {
public:
  locked_dir() = default;
  locked_dir(const locked_dir&) = delete;
  locked_dir& operator=(const locked_dir&) = delete;
  ~locked_dir() {
    if (fd_ >= 0) {
      ::close(fd_); // releases the lock
    }
  }

  bool acquire(const std::string& dir, std::string* why) {
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) {
      return fail_errno(why, "cannot open the key directory", dir);
    }
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        return fail_errno(why, "cannot lock the key directory", dir);
      }
    }
    return true;
  }
  bool chmod_private(const std::string& dir, std::string* why) const {
    return ::fchmod(fd_, 0700) == 0 || fail_errno(why, "cannot chmod 0700", dir);
  }
  bool sync(const std::string& dir, std::string* why) const {
    return ::fsync(fd_) == 0 || fail_errno(why, "cannot sync the key directory", dir);
  }

private:
  int fd_ = -1;
};

bool write_fresh_key(const std::string& dir, const std::string& name, std::string* why) {
  token_key key;
  randombytes_buf(key.data(), key.size());
  const bool ok = write_key(dir, name, key, why);
  sodium_memzero(key.data(), key.size());
  return ok;
}

} // namespace

key_repository::~key_repository() { wipe(keys_); }

std::optional<key_repository> key_repository::open(const std::string& dir, std::string* why) {
  std::map<int, std::string> files;
  if (!list_keys(dir, &files, why)) {
    return std::nullopt;
  }
  std::vector<token_key> keys;
  keys.reserve(files.size());
  int highest = -1, lowest = -1;
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    token_key key;
    bool vanished = false;
    const bool ok = read_key(join(dir, it->second), &key, &vanished, why);
    if (!ok && !(vanished && it->first != 0)) {
      sodium_memzero(key.data(), key.size());
      wipe(keys);
      return std::nullopt;
    }
    if (ok) {
      keys.push_back(key);
      highest = highest < 0 ? it->first : highest;
      lowest = it->first;
    }
    sodium_memzero(key.data(), key.size());
  }
  if (lowest != 0 || highest < 1) {
    wipe(keys);
    fail(why, "key directory " + dir
                + (lowest != 0 ? ": no staged key 0" : ": no primary key (index 1 or above)")
                + " (run the set-up)");
    return std::nullopt;
  }
  return key_repository(std::move(keys), highest);
}

bool key_repository::create(const std::string& dir, std::string* why) {
  ensure_sodium();
  const std::filesystem::path path(dir);
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return fail(why, "cannot create " + path.parent_path().string() + ": " + ec.message());
    }
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail_errno(why, "cannot create the key directory", dir);
  }
  locked_dir lock;
  std::map<int, std::string> files;
  if (!lock.acquire(dir, why) || !lock.chmod_private(dir, why)) {
    return false;
  }
  if (!list_keys(dir, &files, why, true)) {
    return false;
  }
  if (files.count(0) == 0 && !write_fresh_key(dir, "0", why)) {
    return false;
  }
  if ((files.empty() || files.rbegin()->first == 0) && !write_fresh_key(dir, "1", why)) {
    return false;
  }
  return lock.sync(dir, why) && open(dir, why).has_value();
}

bool key_repository::rotate(const std::string& dir, int max_active_keys, std::string* why) {
  if (max_active_keys < 2) {
    return fail(why, "max_active_keys must be at least 2 (the staged and the primary key)");
  }
  ensure_sodium();
  locked_dir lock;
  if (!lock.acquire(dir, why)) {
    return false;
  }
  std::map<int, std::string> files;
  if (!list_keys(dir, &files, why, true)) {
    return false;
  }
  const auto repo = open(dir, why);
  if (!repo) {
    return false;
  }
  if (repo->primary_index_ >= 999'999'999) {
    return fail(why, "key directory " + dir + ": no index left above the primary");
  }
  // Copy first, then replace 0: a crash in between leaves the staged key
  // under two indexes, which opens and rotates like any other state.
  const std::string next = std::to_string(repo->primary_index_ + 1);
  if (!write_key(dir, next, repo->staged(), why) || !write_fresh_key(dir, "0", why)
      || !lock.sync(dir, why)) {
    return false;
  }
  files.clear();
  if (!list_keys(dir, &files, why)) {
    return false;
  }
  std::size_t active = files.size();
  for (const auto& [index, name] : files) { // ascending: the oldest secondaries first
    if (active <= static_cast<std::size_t>(max_active_keys)) {
      break;
    }
    if (index == 0 || index == repo->primary_index_ + 1) {
      continue;
    }
    if (::unlink(join(dir, name).c_str()) != 0 && errno != ENOENT) {
      return fail_errno(why, "cannot remove the old key file", join(dir, name));
    }
    --active;
  }
  return lock.sync(dir, why);
}

} // namespace nimbus::identity
