#include "hypervisor/disk_chain.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hypervisor/errc.h"
#include "hypervisor/image_cache.h"

namespace nimbus::hypervisor {

namespace fs = std::filesystem;

std::vector<chain_layer> disk_chain::load(std::string* active) const {
  std::vector<chain_layer> out;
  std::ifstream in(manifest_);
  std::string line;
  while (std::getline(in, line)) {
    auto space = line.find(' ');
    if (space == std::string::npos)
      continue;
    if (line.compare(0, space, "-") == 0) {
      if (active)
        *active = line.substr(space + 1);
      continue;
    }
    out.push_back({line.substr(0, space), line.substr(space + 1)});
  }
  return out;
}

namespace {

bool fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced;
}

} // namespace

std::error_code disk_chain::save(const std::vector<chain_layer>& layers,
                                 const std::string& active) const {
  std::error_code ec;
  if (layers.empty()) {
    fs::remove(manifest_, ec);
    return {};
  }
  fs::create_directories(fs::path(manifest_).parent_path(), ec);
  auto aside = manifest_ + ".new";
  {
    std::ofstream out(aside, std::ios::trunc);
    for (auto& l : layers)
      out << l.point << ' ' << l.file << '\n';
    out << "- " << active << '\n';
    if (!out.flush())
      return errc::operation_failed;
  }
  // The manifest is all that tells a point's file: durable before it counts
  // (and before the files it no longer names are removed).
  if (!fsync_path(aside, O_RDONLY))
    return errc::operation_failed;
  fs::rename(aside, manifest_, ec);
  if (ec || !fsync_path(fs::path(manifest_).parent_path().string(), O_RDONLY | O_DIRECTORY))
    return errc::operation_failed;
  return {};
}

bool plain_point_id(const std::string& id) {
  if (id.empty() || id.size() > 64)
    return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
      return false;
  return true;
}

std::error_code create_layer(const std::string& backing, const std::string& path) {
  std::string out;
  if (!run_program({"qemu-img", "create", "-q", "-f", "qcow2", "-b", backing, "-F", "qcow2", path},
                   &out))
    return errc::operation_failed;
  return {};
}

namespace {

// The string value of "key" in qemu-img's JSON output ("" if absent). The
// values it has here are paths and format names, without escapes.
std::string json_string(const std::string& text, const std::string& key) {
  auto at = text.find("\"" + key + "\": \"");
  if (at == std::string::npos)
    return {};
  at += key.size() + 5;
  return text.substr(at, text.find('"', at) - at);
}

} // namespace

std::error_code backing_of(const std::string& file, std::string* backing, std::string* format) {
  std::string info;
  if (!run_program({"qemu-img", "info", "-U", "--output=json", file}, &info))
    return errc::operation_failed;
  *backing = json_string(info, "full-backing-filename");
  if (backing->empty())
    *backing = json_string(info, "backing-filename");
  *format = json_string(info, "backing-filename-format");
  if (format->empty() && !backing->empty())
    *format = "raw";
  return {};
}

std::error_code pull_into(const std::string& file, const std::string& backing,
                          const std::string& format) {
  std::vector<std::string> argv{"qemu-img", "rebase", "-q", "-f", "qcow2", "-b", backing};
  if (!backing.empty()) // none: `file` takes in everything and stands alone
    argv.insert(argv.end(), {"-F", format});
  argv.push_back(file);
  std::string out;
  return run_program(argv, &out) ? std::error_code{} : make_error_code(errc::operation_failed);
}

std::error_code flatten_to(const std::string& file, const std::string& dest) {
  std::string out;
  std::error_code ec;
  fs::create_directories(fs::path(dest).parent_path(), ec);
  if (!run_program({"qemu-img", "convert", "-U", "-q", "-O", "qcow2", file, dest}, &out)) {
    fs::remove(dest, ec); // no half-written disk left behind
    return errc::operation_failed;
  }
  return {};
}

std::int64_t allocated_bytes(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0)
    return 0;
  return static_cast<std::int64_t>(st.st_blocks) * 512;
}

} // namespace nimbus::hypervisor
