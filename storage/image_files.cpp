#include "storage/image_files.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <memory>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "storage/errc.h"
#include "storage/ids.h"

namespace nimbus::storage {
namespace {

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'
           || c == '_';
  });
}

bool make_dir(const std::string& path) {
  return ::mkdir(path.c_str(), 0750) == 0 || errno == EEXIST;
}

// Makes a rename or an unlink in `dir` durable.
bool sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0)
      ::close(fd);
  }
};

struct md_ctx_free {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using md_ctx = std::unique_ptr<EVP_MD_CTX, md_ctx_free>;

std::string hex_of(md_ctx& c) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> raw{};
  unsigned len = 0;
  EVP_DigestFinal_ex(c.get(), raw.data(), &len);
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<std::size_t>(len) * 2);
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(digits[raw[i] >> 4]);
    out.push_back(digits[raw[i] & 0xf]);
  }
  return out;
}

// Reads the open file `fd` to its end, hashing as it goes.
std::error_code hash_fd(int fd, file_digest* out) {
  md_ctx md5(EVP_MD_CTX_new()), sha(EVP_MD_CTX_new());
  if (!md5 || !sha || EVP_DigestInit_ex(md5.get(), EVP_md5(), nullptr) != 1
      || EVP_DigestInit_ex(sha.get(), EVP_sha512(), nullptr) != 1)
    return errc::io_error;
  std::array<char, 1 << 16> buf{};
  std::int64_t size = 0;
  for (;;) {
    auto n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return errc::io_error;
    if (n == 0)
      break;
    EVP_DigestUpdate(md5.get(), buf.data(), static_cast<std::size_t>(n));
    EVP_DigestUpdate(sha.get(), buf.data(), static_cast<std::size_t>(n));
    size += n;
  }
  out->size = size;
  out->md5 = hex_of(md5);
  out->sha512 = hex_of(sha);
  return {};
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

} // namespace

image_files::image_files(std::string dir) : dir_(std::move(dir)), staging_(dir_ + "/staging") {
  usable_ = make_dir(dir_) && make_dir(staging_);
  if (!usable_)
    return;
  // What a crash left: uploads that never finished.
  if (DIR* d = ::opendir(staging_.c_str())) {
    while (auto* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..")
        ::unlink((staging_ + "/" + name).c_str());
    }
    ::closedir(d);
  }
}

std::string image_files::path_of(const std::string& id) const { return dir_ + "/" + id; }

std::string image_files::staging_path() {
  static std::atomic<std::uint64_t> counter{0};
  return staging_ + "/" + random_uuid() + "." + std::to_string(++counter);
}

bool image_files::is_staged(const std::string& path) const {
  auto prefix = staging_ + "/";
  if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0)
    return false;
  auto name = path.substr(prefix.size());
  return name.find('/') == std::string::npos && name != "." && name != "..";
}

std::error_code image_files::digest_of(const std::string& path, file_digest* out) {
  fd_guard f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0)
    return errno == ENOENT ? errc::not_found : errc::io_error;
  return hash_fd(f.fd, out);
}

std::error_code image_files::adopt(const std::string& id, const std::string& staged,
                                   file_digest* out) {
  auto fail = [&staged](errc e) {
    discard(staged);
    return make_error_code(e);
  };
  if (!valid_id(id))
    return fail(errc::invalid_argument);
  if (!usable_)
    return fail(errc::io_error);
  {
    fd_guard f{::open(staged.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0)
      return fail(errno == ENOENT ? errc::not_found : errc::io_error);
    if (::fsync(f.fd) != 0)
      return fail(errc::io_error);
    if (auto ec = hash_fd(f.fd, out))
      return fail(errc::io_error);
  }
  if (::rename(staged.c_str(), path_of(id).c_str()) != 0)
    return fail(errc::io_error);
  return sync_dir(dir_) ? std::error_code{} : make_error_code(errc::io_error);
}

std::error_code image_files::write(const std::string& id, std::string_view data, file_digest* out) {
  if (!valid_id(id))
    return errc::invalid_argument;
  auto staged = staging_path();
  {
    fd_guard f{::open(staged.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)};
    if (f.fd < 0)
      return errc::io_error;
    if (!write_all(f.fd, data)) {
      discard(staged);
      return errc::io_error;
    }
  }
  return adopt(id, staged, out);
}

std::error_code image_files::locate(const std::string& id, std::string* path,
                                    std::int64_t* size) const {
  if (!valid_id(id))
    return errc::invalid_argument;
  struct stat st {};
  auto p = path_of(id);
  if (::stat(p.c_str(), &st) != 0)
    return errno == ENOENT ? errc::not_found : errc::io_error;
  *path = p;
  *size = static_cast<std::int64_t>(st.st_size);
  return {};
}

std::error_code image_files::remove(const std::string& id) {
  if (!valid_id(id))
    return errc::invalid_argument;
  if (::unlink(path_of(id).c_str()) != 0)
    return errno == ENOENT ? std::error_code{} : make_error_code(errc::io_error);
  return sync_dir(dir_) ? std::error_code{} : make_error_code(errc::io_error);
}

void image_files::discard(const std::string& staged) { ::unlink(staged.c_str()); }

} // namespace nimbus::storage
