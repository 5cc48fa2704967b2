#include "hypervisor/libvirt_chain.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "hypervisor/disk_chain.h"
#include "hypervisor/errc.h"
#include "hypervisor/libvirt_common.h"

namespace nimbus::hypervisor {
namespace {

std::int64_t unique_suffix() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

// A new layer's file, beside the disk it goes on, named after the point
// it sits on and made unique by the time: <uuid>.<point>-<us>.qcow2.
std::string layer_path(const std::string& active, const std::string& point) {
  auto dir = std::filesystem::path(active).parent_path();
  auto stem = std::filesystem::path(active).filename().string();
  stem = stem.substr(0, stem.find('.'));
  return (dir / (stem + "." + point + "-" + std::to_string(unique_suffix()) + ".qcow2")).string();
}

std::size_t find_layer(const std::vector<chain_layer>& layers, const std::string& point) {
  for (std::size_t k = 0; k < layers.size(); ++k)
    if (layers[k].point == point)
      return k;
  return layers.size();
}

// Drops every <backingStore> element: libvirt trusts a backing chain
// written in the definition over the images' own headers, and after the
// chain's files change only the headers are right.
void drop_backing_stores(std::string* xml) {
  const std::string open = "<backingStore", close = "</backingStore>";
  for (auto at = xml->find(open); at != std::string::npos; at = xml->find(open, at)) {
    auto tag_end = xml->find('>', at);
    if (tag_end == std::string::npos)
      return;
    if ((*xml)[tag_end - 1] == '/') { // <backingStore/>
      xml->erase(at, tag_end + 1 - at);
      continue;
    }
    int depth = 1; // nested chains: the outermost element's own end
    auto pos = tag_end + 1;
    while (depth > 0) {
      auto next_open = xml->find(open, pos), next_close = xml->find(close, pos);
      if (next_close == std::string::npos)
        return;
      if (next_open != std::string::npos && next_open < next_close) {
        auto e = xml->find('>', next_open);
        depth += (*xml)[e - 1] == '/' ? 0 : 1;
        pos = e + 1;
      } else {
        --depth;
        pos = next_close + close.size();
      }
    }
    xml->erase(at, pos - at);
  }
}

} // namespace

std::string libvirt_chain::manifest(const std::string& name) const {
  return state_dir_ + "/chains/" + name;
}

// The defined domain's root disk moves from file `from` to `to` (the same
// file: the definition is written again without a stale backing chain).
std::error_code libvirt_chain::point_disk_at(virDomainPtr dom, const std::string& from,
                                             const std::string& to) {
  char* xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  if (!xml)
    return errc::operation_failed;
  std::string desc = xml;
  free(xml);
  auto old_source = "file='" + escape_xml(from) + "'";
  auto at = desc.find(old_source);
  if (at == std::string::npos)
    return errc::operation_failed;
  desc.replace(at, old_source.size(), "file='" + escape_xml(to) + "'");
  drop_backing_stores(&desc);
  domain_ptr redefined{virDomainDefineXML(conn_, desc.c_str())};
  return redefined ? std::error_code{} : make_error_code(errc::operation_failed);
}

// A managed save (a suspended guest, or one saved around a merge) keeps the
// definition of its time, with the disk's old <backingStore> chain, and a
// restore trusts it: it is rewritten without them.
std::error_code libvirt_chain::saved_state_follows(virDomainPtr dom) {
  if (virDomainHasManagedSaveImage(dom, 0) != 1)
    return {};
  char* xml = virDomainManagedSaveGetXMLDesc(dom, VIR_DOMAIN_SAVE_IMAGE_XML_SECURE);
  if (!xml)
    return last_failure();
  std::string desc = xml;
  free(xml);
  drop_backing_stores(&desc);
  return virDomainManagedSaveDefineXML(dom, desc.c_str(), 0) < 0 ? last_failure()
                                                                 : std::error_code{};
}

std::error_code libvirt_chain::create(virDomainPtr dom, const std::string& name,
                                      const std::string& point) {
  if (!plain_point_id(point))
    return errc::operation_failed;
  disk_chain chain(manifest(name));
  auto layers = chain.load();
  if (find_layer(layers, point) != layers.size())
    return errc::already_exists;
  auto active = disk_of(dom);
  if (active.empty())
    return errc::unsupported;
  // A managed save holds the disk's path of its time: a new layer would be
  // passed over when it restores.
  if (virDomainHasManagedSaveImage(dom, 0) == 1)
    return errc::invalid_state;
  auto next = layer_path(active, point);
  std::error_code exists_ec;
  if (std::filesystem::exists(next, exists_ec))
    return errc::already_exists;
  if (virDomainIsActive(dom) == 1) {
    // Live: qemu switches to the new layer; the old one is frozen from now on.
    auto xml = "<domainsnapshot><name>" + escape_xml(point)
               + "</name><memory snapshot='no'/><disks><disk name='vda' snapshot='external' "
                 "type='file'><source file='"
               + escape_xml(next) + "'/></disk></disks></domainsnapshot>";
    auto* snap = virDomainSnapshotCreateXML(dom, xml.c_str(),
                                            VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY
                                              | VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA
                                              | VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC);
    if (!snap)
      return last_failure();
    virDomainSnapshotFree(snap);
  } else {
    if (auto ec = create_layer(active, next))
      return ec;
    if (auto ec = point_disk_at(dom, active, next)) {
      std::error_code ignored;
      std::filesystem::remove(next, ignored);
      return ec;
    }
  }
  layers.push_back({point, active});
  return chain.save(layers, next);
}

std::error_code libvirt_chain::revert(virDomainPtr dom, const std::string& name,
                                      const std::string& point) {
  disk_chain chain(manifest(name));
  auto layers = chain.load();
  auto at = find_layer(layers, point);
  if (at == layers.size())
    return errc::not_found;
  bool was_on = virDomainIsActive(dom) == 1;
  if (was_on && virDomainDestroy(dom) < 0)
    return errc::operation_failed;
  // Memory saved over a disk that is no more would not match it.
  if (virDomainHasManagedSaveImage(dom, 0) == 1)
    virDomainManagedSaveRemove(dom, 0);
  auto active = disk_of(dom);
  auto fresh = layer_path(active, point);
  std::error_code ignored;
  auto ec = create_layer(layers[at].file, fresh);
  if (!ec)
    ec = point_disk_at(dom, active, fresh);
  if (ec) { // as it was: the old disk, running again if it ran
    std::filesystem::remove(fresh, ignored);
    if (was_on)
      virDomainCreate(dom);
    return ec;
  }
  auto dropped =
    std::vector<chain_layer>(layers.begin() + static_cast<std::ptrdiff_t>(at) + 1, layers.end());
  layers.resize(at + 1);
  ec = chain.save(layers, fresh); // first: the files it no longer names go after
  if (!ec) {
    std::filesystem::remove(active, ignored);
    for (auto& l : dropped)
      std::filesystem::remove(l.file, ignored);
  }
  if (was_on && virDomainCreate(dom) < 0)
    return ec ? ec : make_error_code(errc::operation_failed);
  return ec;
}

std::error_code libvirt_chain::remove(virDomainPtr dom, const std::string& name,
                                      const std::string& point) {
  disk_chain chain(manifest(name));
  auto layers = chain.load();
  auto at = find_layer(layers, point);
  if (at == layers.size())
    return errc::not_found;
  // qemu-img may not touch a layer a running qemu reads: a running guest is
  // saved (its memory to disk, qemu gone) and restored after the merge, as
  // for an export; it goes on where it was, not rebooted.
  bool was_on = virDomainIsActive(dom) == 1;
  if (was_on && virDomainManagedSave(dom, 0) < 0)
    return last_failure();
  auto restore = [&](std::error_code ec) {
    if (was_on && virDomainCreate(dom) < 0 && !ec)
      return make_error_code(errc::operation_failed);
    return ec;
  };
  auto active = disk_of(dom);
  auto above = at + 1 < layers.size() ? layers[at + 1].file : active;
  std::string backing, format;
  if (auto ec = backing_of(layers[at].file, &backing, &format))
    return restore(ec);
  if (auto ec = pull_into(above, backing, format))
    return restore(ec);
  // The definition, and a managed save's copy of it, may still name the
  // merged layer as a backing file.
  if (auto ec = point_disk_at(dom, active, active))
    return restore(ec);
  if (auto ec = saved_state_follows(dom))
    return restore(ec);
  // The manifest follows the merged files before the guest runs again: a
  // failed restore must not leave it naming a layer the disk no longer uses.
  auto merged = layers[at].file;
  layers.erase(layers.begin() + static_cast<std::ptrdiff_t>(at));
  if (auto ec = chain.save(layers, active))
    return restore(ec);
  std::error_code ignored;
  std::filesystem::remove(merged, ignored);
  return restore({});
}

std::vector<chain_point> libvirt_chain::list(const std::string& name) const {
  std::vector<chain_point> out;
  for (auto& l : disk_chain(manifest(name)).load())
    out.push_back({l.point, allocated_bytes(l.file)});
  return out;
}

std::error_code libvirt_chain::export_disk(virDomainPtr dom, const std::string& name,
                                           const std::string& point, const std::string& path) {
  if (!point.empty()) { // a point's layer is frozen: read it as it is
    auto layers = disk_chain(manifest(name)).load();
    auto at = find_layer(layers, point);
    return at == layers.size() ? make_error_code(errc::not_found)
                               : flatten_to(layers[at].file, path);
  }
  auto active = disk_of(dom);
  if (active.empty())
    return errc::unsupported;
  // A guest that runs writes as it is read: saved first, restored after.
  bool was_on = virDomainIsActive(dom) == 1;
  if (was_on && virDomainManagedSave(dom, 0) < 0)
    return last_failure();
  auto ec = flatten_to(active, path);
  if (was_on && virDomainCreate(dom) < 0)
    return ec ? ec : make_error_code(errc::operation_failed);
  return ec;
}

std::string libvirt_chain::active_disk(const std::string& name) const {
  std::string active;
  disk_chain(manifest(name)).load(&active);
  return active;
}

void libvirt_chain::forget(const std::string& name) {
  disk_chain chain(manifest(name));
  std::error_code ec;
  for (auto& layer : chain.load())
    std::filesystem::remove(layer.file, ec);
  chain.save({}, {});
}

} // namespace nimbus::hypervisor
