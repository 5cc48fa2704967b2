#include "hypervisor/image_cache.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hypervisor/errc.h"

extern char** environ;

namespace nimbus::hypervisor {
namespace fs = std::filesystem;

namespace {

bool plain_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

} // namespace

bool run_program(const std::vector<std::string>& argv, std::string* output) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int pipe_fds[2];
  // Close-on-exec: a child spawned at the same time must not hold this
  // pipe's write end (the read below would wait for that child too).
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  std::string text;
  std::array<char, 4096> buf{};
  ssize_t n = 0;
  while ((n = ::read(pipe_fds[0], buf.data(), buf.size())) > 0)
    text.append(buf.data(), static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  if (rc != 0)
    return false;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (output)
    *output = std::move(text);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

image_cache::image_cache(std::string source_dir, std::string cache_dir)
    : source_dir_(std::move(source_dir)), cache_dir_(std::move(cache_dir)) {
  std::error_code ec;
  fs::create_directories(cache_dir_, ec);
}

std::error_code image_cache::base_of(const std::string& id, std::string* path) {
  if (!plain_id(id))
    return errc::not_found;
  auto base = fs::path(cache_dir_) / id;
  std::error_code ec;
  if (fs::exists(base, ec)) {
    fs::last_write_time(base, fs::file_time_type::clock::now(), ec); // its last use
    *path = base.string();
    return {};
  }
  auto source = fs::path(source_dir_) / id;
  if (!fs::exists(source, ec))
    return errc::not_found;
  // An image's data never changes once stored: a hard link is a copy.
  fs::create_hard_link(source, base, ec);
  if (ec && !fs::exists(base)) {
    static std::atomic<int> counter{0};
    auto aside =
      base.string() + ".part" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    fs::copy_file(source, aside, fs::copy_options::overwrite_existing, ec);
    if (ec)
      return errc::operation_failed;
    fs::rename(aside, base, ec);
    if (ec)
      return errc::operation_failed;
  }
  // qemu reads its backing files as its own user.
  fs::permissions(base, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read,
                  fs::perm_options::add, ec);
  *path = base.string();
  return {};
}

std::error_code image_cache::create_overlay(const std::string& id, const std::string& overlay,
                                            std::int32_t size_gb) {
  std::string base;
  if (auto ec = base_of(id, &base))
    return ec;
  std::error_code ec;
  if (fs::exists(overlay, ec))
    return {}; // a guest's disk that is there already (a re-spawn) is kept
  std::string info;
  if (!run_program({"qemu-img", "info", "--output=json", base}, &info))
    return errc::operation_failed;
  // A user's image must not point qemu at other files (a qcow2 with a
  // backing file or an external data file could name any file of the host).
  if (info.find("\"backing-filename\"") != std::string::npos
      || info.find("\"data-file\"") != std::string::npos)
    return errc::invalid_state;
  auto format = info.find("\"format\": \"qcow2\"") != std::string::npos ? "qcow2" : "raw";
  fs::create_directories(fs::path(overlay).parent_path(), ec);
  std::vector<std::string> argv{"qemu-img", "create", "-q", "-f",   "qcow2",
                                "-b",       base,     "-F", format, overlay};
  if (size_gb > 0)
    argv.push_back(std::to_string(size_gb) + "G");
  std::string out;
  if (run_program(argv, &out))
    return {};
  // A size below the base's is refused: the base's size then.
  if (size_gb > 0) {
    argv.pop_back();
    if (run_program(argv, &out))
      return {};
  }
  return errc::operation_failed;
}

std::vector<std::string> image_cache::remove_unused(const std::vector<std::string>& in_use,
                                                    std::chrono::seconds min_age) {
  std::vector<std::string> removed;
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  for (auto& entry : fs::directory_iterator(cache_dir_, ec)) {
    auto id = entry.path().filename().string();
    if (std::find(in_use.begin(), in_use.end(), id) != in_use.end())
      continue;
    std::error_code time_ec;
    auto used = fs::last_write_time(entry.path(), time_ec);
    if (time_ec || now - used < min_age)
      continue;
    if (fs::remove(entry.path(), ec))
      removed.push_back(id);
  }
  return removed;
}

} // namespace nimbus::hypervisor
