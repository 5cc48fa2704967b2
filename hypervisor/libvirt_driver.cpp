#include "hypervisor/libvirt_driver.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <spdlog/spdlog.h>

#include "hypervisor/chain_book.h"
#include "hypervisor/console_log.h"
#include "hypervisor/disk_chain.h"
#include "hypervisor/image_cache.h"
#include "hypervisor/libvirt_chain.h"
#include "hypervisor/libvirt_common.h"

namespace nimbus::hypervisor {
namespace {

struct connection_closer {
  void operator()(virConnectPtr c) const { virConnectClose(c); }
};
struct pool_freer {
  void operator()(virStoragePoolPtr p) const { virStoragePoolFree(p); }
};
using pool_ptr = std::unique_ptr<virStoragePool, pool_freer>;
using connection_ptr = std::unique_ptr<virConnect, connection_closer>;

void log_libvirt_error(void*, virErrorPtr err) {
  if (err && err->message)
    spdlog::debug("libvirt: {}", err->message);
}

power_state to_power_state(int libvirt_state) {
  switch (libvirt_state) {
  case VIR_DOMAIN_RUNNING:
  case VIR_DOMAIN_BLOCKED:
    return power_state::running;
  case VIR_DOMAIN_PAUSED:
    return power_state::paused;
  case VIR_DOMAIN_SHUTDOWN:
  case VIR_DOMAIN_SHUTOFF:
    return power_state::shutdown;
  case VIR_DOMAIN_CRASHED:
    return power_state::crashed;
  case VIR_DOMAIN_PMSUSPENDED:
    return power_state::suspended;
  default:
    return power_state::nostate;
  }
}

class libvirt_driver final : public driver {
public:
  libvirt_driver(connection_ptr conn, libvirt_options opts)
      : conn_(std::move(conn)), opts_(std::move(opts)), chain_(conn_.get(), opts_.state_dir) {
    bool test = opts_.uri.rfind("test:", 0) == 0;
    if (opts_.domain_type.empty())
      opts_.domain_type = test ? "test" : opts_.virt_type;
    virConnSetErrorFunc(conn_.get(), nullptr, log_libvirt_error);
    real_ = !test && !opts_.image_dir.empty() && !opts_.state_dir.empty();
    if (real_) {
      cache_ = std::make_unique<image_cache>(opts_.image_dir, opts_.state_dir + "/_base");
      std::error_code ec;
      std::filesystem::create_directories(opts_.state_dir + "/console", ec);
      open_to_hypervisor(opts_.state_dir);
      // Every tier's pool exists from the start, so that the host reports
      // them all (a tier without a pool would have no room).
      for (auto pool : {"volumes_hdd", "volumes_ssd", "volumes_pcie_ssd"}) {
        std::string dir;
        if (auto ec = pool_dir(pool, &dir))
          spdlog::warn("libvirt: cannot set up the storage pool {}: {}", pool, ec.message());
      }
    }
  }

  std::error_code spawn(const domain_spec& spec) override {
    if (lookup(spec.name))
      return errc::already_exists;
    guest_files files;
    if (real_)
      if (auto ec = prepare(spec, &files)) {
        remove_files(spec.name, files.fresh_disk ? files.disk : std::string{});
        return ec;
      }
    domain_ptr dom{virDomainDefineXML(conn_.get(), domain_xml(spec, files).c_str())};
    if (!dom) {
      remove_files(spec.name, files.fresh_disk ? files.disk : std::string{});
      return errc::operation_failed;
    }
    if (virDomainCreate(dom.get()) < 0) {
      virDomainUndefine(dom.get()); // leave no partial domain behind
      remove_files(spec.name, files.fresh_disk ? files.disk : std::string{});
      return errc::operation_failed;
    }
    console_.booted(spec.name, spec.uuid);
    return {};
  }

  std::error_code destroy(const std::string& name) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    if (virDomainIsActive(dom.get()) == 1 && virDomainDestroy(dom.get()) < 0)
      return errc::operation_failed;
    auto disk = disk_of(dom.get());
    // A suspended domain has a managed save image, which must go with it.
    if (virDomainUndefineFlags(dom.get(), VIR_DOMAIN_UNDEFINE_MANAGED_SAVE) < 0)
      return errc::operation_failed;
    console_.forget(name);
    chains_.forget(name);
    if (real_) {
      remove_files(name, disk);
      chain_.forget(name);
    }
    return {};
  }

  // --- the snapshot chain: in memory on the test driver, libvirt_chain's
  // layers on a real one --------------------------------------------------

  std::error_code create_point(const std::string& name, const std::string& point) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    return real_ ? chain_.create(dom.get(), name, point) : chains_.create(name, point);
  }

  std::error_code revert_to_point(const std::string& name, const std::string& point) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    return real_ ? chain_.revert(dom.get(), name, point) : chains_.revert(name, point);
  }

  std::error_code remove_point(const std::string& name, const std::string& point) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    return real_ ? chain_.remove(dom.get(), name, point) : chains_.remove(name, point);
  }

  std::error_code list_points(const std::string& name, std::vector<chain_point>* out) override {
    if (!lookup(name))
      return errc::not_found;
    *out = real_ ? chain_.list(name) : chains_.list(name);
    return {};
  }

  std::error_code export_disk(const std::string& name, const std::string& point,
                              const std::string& path) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    if (real_)
      return chain_.export_disk(dom.get(), name, point, path);
    if (auto ec = chains_.find(name, point))
      return ec;
    return errc::unsupported; // the test driver's domains have no disk to write out
  }

  std::error_code power_off(const std::string& name) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    if (virDomainIsActive(dom.get()) != 1)
      return {};
    // A clean shutdown first, as Nova's power_off does; then pull the plug.
    if (virDomainShutdown(dom.get()) == 0) {
      auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(opts_.shutdown_timeout_s);
      while (virDomainIsActive(dom.get()) == 1 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(100)); // waiting on a real guest
    }
    if (virDomainIsActive(dom.get()) == 1 && virDomainDestroy(dom.get()) < 0)
      return errc::operation_failed;
    console_.line(name, "reboot: Power down");
    return {};
  }

  std::error_code power_on(const std::string& name) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    if (virDomainIsActive(dom.get()) == 1)
      return {};
    if (virDomainCreate(dom.get()) < 0)
      return errc::operation_failed;
    console_.booted(name, uuid_of(dom.get()));
    return {};
  }

  std::error_code reboot(const std::string& name, bool hard) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    if (virDomainIsActive(dom.get()) != 1)
      return errc::invalid_state;
    int rc = hard ? virDomainReset(dom.get(), 0) : virDomainReboot(dom.get(), 0);
    if (rc < 0 && hard) // not every driver can reset: destroy and start instead
      rc = (virDomainDestroy(dom.get()) == 0 && virDomainCreate(dom.get()) == 0) ? 0 : -1;
    if (rc < 0)
      return errc::operation_failed;
    console_.line(name, "reboot: Restarting system");
    console_.booted(name, uuid_of(dom.get()));
    return {};
  }

  std::error_code pause(const std::string& name) override {
    return in_state(name, VIR_DOMAIN_RUNNING, virDomainSuspend);
  }

  std::error_code unpause(const std::string& name) override {
    return in_state(name, VIR_DOMAIN_PAUSED, virDomainResume);
  }

  std::error_code suspend(const std::string& name) override {
    auto ec = in_state(name, VIR_DOMAIN_RUNNING,
                       [](virDomainPtr dom) { return virDomainManagedSave(dom, 0); });
    if (!ec)
      console_.line(name, "PM: suspend entry (deep)");
    return ec;
  }

  std::error_code resume(const std::string& name) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    if (virDomainIsActive(dom.get()) == 1)
      return {};
    // Starting a domain with a managed save image restores it.
    if (virDomainCreate(dom.get()) < 0)
      return last_failure();
    console_.line(name, "PM: suspend exit");
    return {};
  }

  // No disks yet (the hypervisor issue brings them): a rescue restarts the
  // domain, as booting it on a rescue image would.
  std::error_code rescue(const std::string& name) override {
    auto ec = restart(name);
    if (!ec)
      console_.line(name, "Booting the rescue system");
    return ec;
  }

  std::error_code unrescue(const std::string& name) override { return restart(name); }

  std::error_code inject_nmi(const std::string& name) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    if (virDomainIsActive(dom.get()) != 1)
      return errc::invalid_state;
    return virDomainInjectNMI(dom.get(), 0) < 0 ? last_failure() : std::error_code{};
  }

  std::error_code set_admin_password(const std::string& name, const std::string& user,
                                     const std::string& password) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    if (virDomainIsActive(dom.get()) != 1)
      return errc::invalid_state;
    return virDomainSetUserPassword(dom.get(), user.c_str(), password.c_str(), 0) < 0
             ? last_failure()
             : std::error_code{};
  }

  std::error_code get_console_output(const std::string& name, std::string* out) override {
    if (!lookup(name))
      return errc::not_found;
    if (!real_) {
      *out = console_.text(name);
      return {};
    }
    std::ifstream in(console_path(name), std::ios::binary); // what the guest's serial port wrote
    std::ostringstream text;
    text << in.rdbuf();
    *out = text.str();
    return {};
  }

  std::error_code list_interfaces(const std::string& name,
                                  std::vector<interface_spec>* out) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    char* xml = virDomainGetXMLDesc(dom.get(), 0);
    if (!xml)
      return last_failure();
    *out = interfaces_of(xml);
    std::free(xml);
    return {};
  }

  std::error_code get_power_state(const std::string& name, power_state* out) override {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    int state = 0, reason = 0;
    if (virDomainGetState(dom.get(), &state, &reason, 0) < 0)
      return errc::operation_failed;
    *out = to_power_state(state);
    return {};
  }

  std::error_code list_domains(std::vector<domain_info>* out) override {
    virDomainPtr* doms = nullptr;
    int n = virConnectListAllDomains(conn_.get(), &doms, 0);
    if (n < 0)
      return errc::operation_failed;
    out->clear();
    for (int i = 0; i < n; ++i) {
      domain_ptr dom{doms[i]};
      domain_info info;
      if (const char* name = virDomainGetName(dom.get()))
        info.name = name;
      char uuid[VIR_UUID_STRING_BUFLEN] = {};
      if (virDomainGetUUIDString(dom.get(), uuid) == 0)
        info.uuid = uuid;
      int state = 0, reason = 0;
      if (virDomainGetState(dom.get(), &state, &reason, 0) == 0)
        info.state = to_power_state(state);
      out->push_back(std::move(info));
    }
    free(doms);
    return {};
  }

  std::vector<std::string> remove_unused_images(std::chrono::seconds min_age) override {
    if (!real_)
      return {};
    // What every defined domain uses: its kernel, ramdisk, and the bases at
    // the bottom of its disks' backing chains. A chain that cannot be read
    // stops the cleanup: a base in use must never go.
    std::vector<std::string> in_use;
    virDomainPtr* doms = nullptr;
    int n = virConnectListAllDomains(conn_.get(), &doms, 0);
    if (n < 0)
      return {};
    bool known = true;
    for (int i = 0; i < n; ++i) {
      domain_ptr dom{doms[i]};
      for (auto& file : files_of(dom.get()))
        known = known && bases_under(file, &in_use);
    }
    free(doms);
    if (!known)
      return {};
    auto removed = cache_->remove_unused(in_use, min_age);
    if (!removed.empty())
      spdlog::info("libvirt: removed {} unused cached images", removed.size());
    return removed;
  }

  std::error_code get_host_resources(host_resources* out) override {
    virNodeInfo info;
    if (virNodeGetInfo(conn_.get(), &info) < 0)
      return errc::operation_failed;
    out->vcpus = static_cast<std::int32_t>(info.cpus);
    out->memory_mb = static_cast<std::int64_t>(info.memory / 1024);
    out->local_gb = opts_.local_gb;
    out->cpu_model = info.model;
    out->sockets = static_cast<std::int32_t>(info.sockets);
    out->cores = static_cast<std::int32_t>(info.cores);
    out->threads = static_cast<std::int32_t>(info.threads);
    if (const char* type = virConnectGetType(conn_.get()))
      out->hypervisor_type = type;
    unsigned long version = 0;
    if (virConnectGetVersion(conn_.get(), &version) == 0)
      out->hypervisor_version = static_cast<std::int64_t>(version);
    read_pools(&out->pools);
    if (!opts_.hostname.empty()) {
      out->hypervisor_hostname = opts_.hostname;
    } else if (char* h = virConnectGetHostname(conn_.get())) {
      out->hypervisor_hostname = h;
      free(h);
    }
    return {};
  }

private:
  struct guest_files {
    std::string disk;        // the root disk's overlay, in the tier's pool
    bool fresh_disk = false; // made by this spawn (not a re-spawn's own disk)
    std::string kernel;      // a direct kernel boot's kernel and ramdisk
    std::string initrd;
  };

  std::string console_path(const std::string& name) const {
    return opts_.state_dir + "/console/" + name + ".log";
  }

  // The target folder of a pool, from its XML ("" if it has none).
  static std::string pool_path(virStoragePoolPtr pool) {
    char* xml = virStoragePoolGetXMLDesc(pool, 0);
    if (!xml)
      return {};
    std::string desc = xml;
    free(xml);
    auto from = desc.find("<path>"), to = desc.find("</path>");
    if (from == std::string::npos || to == std::string::npos)
      return {};
    return desc.substr(from + 6, to - from - 6);
  }

  // The pool `name`, started, and its folder in *path. An operator's pool of
  // that name is used as it is; where there is none (or only one whose
  // folder is gone, left by an earlier data directory), a dir pool under
  // state_dir/pools is defined.
  std::error_code pool_dir(const std::string& name, std::string* path) {
    namespace fs = std::filesystem;
    pool_ptr pool{virStoragePoolLookupByName(conn_.get(), name.c_str())};
    std::error_code ec;
    auto old = pool ? pool_path(pool.get()) : std::string{};
    // Only a pool of Nimbus's own (a dir under some state_dir/pools, left by
    // an earlier data directory) whose folder is gone is replaced; an
    // operator's pool is never touched.
    if (pool && old.find("/instances/") != std::string::npos
        && old.find("/pools/") != std::string::npos && !fs::exists(old, ec)) {
      if (virStoragePoolIsActive(pool.get()) == 1)
        virStoragePoolDestroy(pool.get());
      virStoragePoolUndefine(pool.get());
      pool.reset();
    }
    if (!pool) {
      auto dir = opts_.state_dir + "/pools/" + name;
      fs::create_directories(dir, ec);
      auto xml = "<pool type='dir'><name>" + escape_xml(name) + "</name><target><path>"
                 + escape_xml(dir) + "</path></target></pool>";
      pool.reset(virStoragePoolDefineXML(conn_.get(), xml.c_str(), 0));
      if (!pool)
        return errc::operation_failed;
      virStoragePoolSetAutostart(pool.get(), 1);
    }
    if (virStoragePoolIsActive(pool.get()) != 1 && virStoragePoolCreate(pool.get(), 0) < 0)
      return errc::operation_failed;
    *path = pool_path(pool.get());
    return path->empty() ? make_error_code(errc::operation_failed) : std::error_code{};
  }

  // The root disk (an overlay on the cached image, in the tier's pool) and
  // the kernel and ramdisk of a direct boot, from the image cache.
  std::error_code prepare(const domain_spec& spec, guest_files* out) {
    if (!spec.image_id.empty()) {
      std::string dir;
      if (auto ec = pool_dir(spec.disk_pool.empty() ? "volumes_hdd" : spec.disk_pool, &dir))
        return ec;
      out->disk = dir + "/" + (spec.uuid.empty() ? spec.name : spec.uuid) + ".qcow2";
      // A guest with snapshot points writes to the newest layer, not to its
      // first disk (frozen under the first point).
      auto active = chain_.active_disk(spec.name);
      std::error_code ignored;
      if (!active.empty() && std::filesystem::exists(active, ignored))
        out->disk = active;
      out->fresh_disk = !std::filesystem::exists(out->disk, ignored);
      if (!spec.root_from.empty()) { // standalone: no base needed (its image may be gone)
        if (auto ec = take_moved_disk(spec, out->disk))
          return ec;
        out->fresh_disk = false; // a failed spawn must not lose it
      } else if (auto ec = cache_->create_overlay(spec.image_id, out->disk, spec.disk_gb)) {
        return ec;
      }
      pool_ptr pool{virStoragePoolLookupByName(conn_.get(), spec.disk_pool.c_str())};
      if (pool)
        virStoragePoolRefresh(pool.get(), 0); // its allocation, for the next report
    }
    if (!spec.kernel_id.empty())
      if (auto ec = cache_->base_of(spec.kernel_id, &out->kernel))
        return ec;
    if (!spec.ramdisk_id.empty())
      if (auto ec = cache_->base_of(spec.ramdisk_id, &out->initrd))
        return ec;
    std::ofstream fresh(console_path(spec.name),
                        std::ios::trunc); // a new guest's console starts empty
    return {};
  }

  // A moved server's disk becomes `disk` (create_overlay then keeps it),
  // grown to the flavor's size (qemu-img refuses to shrink: a smaller
  // flavor keeps the disk's size).
  static std::error_code take_moved_disk(const domain_spec& spec, const std::string& disk) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(fs::path(disk).parent_path(), ec);
    fs::rename(spec.root_from, disk, ec);
    if (ec) { // another filesystem
      fs::copy_file(spec.root_from, disk, fs::copy_options::overwrite_existing, ec);
      if (ec)
        return errc::operation_failed;
      fs::remove(spec.root_from, ec);
    }
    if (spec.disk_gb > 0)
      run_program({"qemu-img", "resize", "-q", disk, std::to_string(spec.disk_gb) + "G"});
    return {};
  }

  // qemu runs as its own user (libvirt-qemu on Debian): the folders of the
  // host's state must let it through, and the cached bases be readable.
  static void open_to_hypervisor(const std::string& state_dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (auto dir = fs::path(state_dir); !dir.empty() && dir != dir.root_path();
         dir = dir.parent_path())
      fs::permissions(dir, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                      fs::perm_options::add, ec);
  }

  void remove_files(const std::string& name, const std::string& disk) {
    std::error_code ec;
    if (!disk.empty())
      std::filesystem::remove(disk, ec);
    if (real_)
      std::filesystem::remove(console_path(name), ec);
  }

  // Every active storage pool's size and allocation (a pool libvirt cannot
  // size is left out).
  void read_pools(std::vector<pool_info>* out) {
    virStoragePoolPtr* pools = nullptr;
    int n =
      virConnectListAllStoragePools(conn_.get(), &pools, VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE);
    constexpr std::uint64_t gib = 1ULL << 30;
    for (int k = 0; k < n; ++k) {
      virStoragePoolInfo info{};
      const char* name = virStoragePoolGetName(pools[k]);
      if (name && virStoragePoolGetInfo(pools[k], &info) == 0)
        out->push_back({name, static_cast<std::int64_t>(info.capacity / gib),
                        static_cast<std::int64_t>(info.allocation / gib)});
      virStoragePoolFree(pools[k]);
    }
    free(pools);
  }

  // The files a defined domain's definition names: disks, kernel, ramdisk.
  static std::vector<std::string> files_of(virDomainPtr dom) {
    std::vector<std::string> out;
    char* xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    if (!xml)
      return out;
    std::string desc = xml;
    free(xml);
    auto collect = [&](const std::string& open, const std::string& close) {
      for (auto at = desc.find(open); at != std::string::npos; at = desc.find(open, at)) {
        at += open.size();
        out.push_back(desc.substr(at, desc.find(close, at) - at));
      }
    };
    collect("<source file='", "'");
    collect("<kernel>", "<");
    collect("<initrd>", "<");
    return out;
  }

  // Adds to *ids the cached images in `file`'s backing chain (`file`
  // included); false if the chain cannot be read.
  bool bases_under(const std::string& file, std::vector<std::string>* ids) {
    auto dir = cache_->cache_dir() + "/";
    auto current = file;
    for (int depth = 0; depth < 256 && !current.empty(); ++depth) {
      if (current.compare(0, dir.size(), dir) == 0) {
        ids->push_back(current.substr(dir.size()));
        return true; // a base stands alone (the cache refuses images with backing files)
      }
      std::string backing, format;
      if (backing_of(current, &backing, &format))
        return false;
      current = backing;
    }
    return current.empty();
  }

  domain_ptr lookup(const std::string& name) {
    return domain_ptr{virDomainLookupByName(conn_.get(), name.c_str())};
  }

  // Runs `call` (a libvirt call: < 0 is a failure) on the named domain if it
  // is in libvirt state `state`.
  template <class Call>
  std::error_code in_state(const std::string& name, int state, Call call) {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    if (state_of(dom.get()) != state)
      return errc::invalid_state;
    return call(dom.get()) < 0 ? last_failure() : std::error_code{};
  }

  static int state_of(virDomainPtr dom) {
    int state = 0, reason = 0;
    return virDomainGetState(dom, &state, &reason, 0) < 0 ? -1 : state;
  }

  static std::string uuid_of(virDomainPtr dom) {
    char uuid[VIR_UUID_STRING_BUFLEN] = {};
    return virDomainGetUUIDString(dom, uuid) == 0 ? std::string(uuid) : std::string{};
  }

  // Off (if on) and on again, running.
  std::error_code restart(const std::string& name) {
    auto dom = lookup(name);
    if (!dom)
      return errc::not_found;
    if (virDomainIsActive(dom.get()) == 1 && virDomainDestroy(dom.get()) < 0)
      return errc::operation_failed;
    if (virDomainCreate(dom.get()) < 0)
      return errc::operation_failed;
    console_.line(name, "reboot: Restarting system");
    console_.booted(name, uuid_of(dom.get()));
    return {};
  }

  std::string domain_xml(const domain_spec& spec, const guest_files& files) const {
    std::ostringstream x;
    x << "<domain type='" << escape_xml(opts_.domain_type) << "'>"
      << "<name>" << escape_xml(spec.name) << "</name>";
    if (!spec.uuid.empty())
      x << "<uuid>" << escape_xml(spec.uuid) << "</uuid>";
    x << "<memory unit='MiB'>" << spec.memory_mb << "</memory>"
      << "<vcpu>" << spec.vcpus << "</vcpu>";
    if (!real_) {
      x << "<os><type arch='x86_64'>hvm</type></os>"
        << "<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot>"
        << "<devices>" << interfaces_xml(spec, false) << "</devices></domain>";
      return x.str();
    }
    x << "<os><type arch='x86_64' machine='pc'>hvm</type>";
    if (!files.kernel.empty()) {
      x << "<kernel>" << escape_xml(files.kernel) << "</kernel>";
      if (!files.initrd.empty())
        x << "<initrd>" << escape_xml(files.initrd) << "</initrd>";
      x << "<cmdline>console=ttyS0 root=/dev/vda</cmdline>";
    } else {
      x << "<boot dev='hd'/>";
    }
    x << "</os><features><acpi/></features>"
      << "<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot>"
      << "<on_crash>destroy</on_crash><devices>";
    if (!files.disk.empty())
      x << "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='"
        << escape_xml(files.disk) << "'/><target dev='vda' bus='virtio'/></disk>";
    x << interfaces_xml(spec, true);
    x << "<serial type='file'><source path='" << escape_xml(console_path(spec.name))
      << "' append='on'/><target port='0'/></serial>"
      << "</devices></domain>";
    return x.str();
  }

  connection_ptr conn_;
  bool real_ = false; // a real hypervisor with disks (not libvirt's test driver)
  std::unique_ptr<image_cache> cache_;
  libvirt_options opts_;
  // libvirt's test driver has no serial port: the lines its guests would
  // print (real guests' serial logs come with the hypervisor issue).
  console_log console_;
  chain_book chains_; // the test driver's chains (its domains have no disks)
  libvirt_chain chain_;
};

} // namespace

void route_libvirt_errors_to_log() {
  static std::once_flag once;
  std::call_once(once, [] {
    virInitialize();
    virSetErrorFunc(nullptr, log_libvirt_error);
  });
}

std::unique_ptr<driver> make_libvirt_driver(const libvirt_options& opts, std::error_code* ec) {
  route_libvirt_errors_to_log();
  *ec = {};
  connection_ptr conn{virConnectOpen(opts.uri.c_str())};
  if (!conn) {
    *ec = errc::connection_failed;
    return nullptr;
  }
  return std::make_unique<libvirt_driver>(std::move(conn), opts);
}

std::error_code write_test_node_xml(const std::string& path, std::int32_t vcpus,
                                    std::int64_t memory_mb, const std::vector<pool_info>& pools) {
  std::error_code fs_ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty())
    std::filesystem::create_directories(parent, fs_ec);
  std::ofstream out(path, std::ios::trunc);
  if (!out)
    return errc::operation_failed;
  out << "<node>\n"
      << "  <cpu><mhz>2400</mhz><model>x86_64</model><nodes>1</nodes><sockets>1</sockets>"
      << "<cores>" << vcpus << "</cores><threads>1</threads><active>" << vcpus
      << "</active></cpu>\n"
      << "  <memory>" << memory_mb * 1024 << "</memory>\n";
  constexpr std::int64_t gib = std::int64_t{1} << 30;
  for (auto& p : pools) // a dir pool libvirt's test driver sizes as told
    out << "  <pool type='dir'><name>" << p.name << "</name><capacity>" << p.capacity_gb * gib
        << "</capacity><allocation>" << p.allocation_gb * gib << "</allocation><available>"
        << (p.capacity_gb - p.allocation_gb) * gib << "</available><target><path>/pools/" << p.name
        << "</path></target></pool>\n";
  out << "</node>\n";
  out.close();
  return out ? std::error_code{} : make_error_code(errc::operation_failed);
}

} // namespace nimbus::hypervisor
