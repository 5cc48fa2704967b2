#include "hypervisor/libvirt_common.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <libvirt/virterror.h>

#include <spdlog/spdlog.h>

#include "hypervisor/errc.h"

namespace nimbus::hypervisor {

std::string escape_xml(const std::string& in) {
  std::string out;
  for (char c : in) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '\'':
      out += "&apos;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string interfaces_xml(const domain_spec& spec, bool only_existing_bridges) {
  std::ostringstream x;
  for (auto& i : spec.interfaces) {
    std::error_code ec;
    if (only_existing_bridges && !std::filesystem::exists("/sys/class/net/" + i.bridge, ec)) {
      spdlog::warn("domain {}: port {} left unplugged: the host has no bridge {}", spec.name,
                   i.port_id, i.bridge);
      continue;
    }
    x << "<interface type='bridge'><mac address='" << escape_xml(i.mac_address)
      << "'/><source bridge='" << escape_xml(i.bridge) << "'/><target dev='tap"
      << escape_xml(i.port_id.substr(0, 11)) << "'/><model type='virtio'/></interface>";
  }
  return x.str();
}

namespace {

// The value of attribute `name` in the first element `tag` of `xml`.
std::string attribute(const std::string& xml, const std::string& tag, const std::string& name) {
  auto at = xml.find("<" + tag);
  if (at == std::string::npos)
    return {};
  auto end = xml.find('>', at);
  auto key = xml.find(name + "='", at);
  if (key == std::string::npos || key > end)
    return {};
  key += name.size() + 2;
  return xml.substr(key, xml.find('\'', key) - key);
}

} // namespace

std::vector<interface_spec> interfaces_of(const std::string& domain_xml) {
  std::vector<interface_spec> out;
  std::size_t at = 0;
  while ((at = domain_xml.find("<interface", at)) != std::string::npos) {
    auto end = domain_xml.find("</interface>", at);
    if (end == std::string::npos)
      break;
    auto one = domain_xml.substr(at, end - at);
    interface_spec i;
    i.mac_address = attribute(one, "mac", "address");
    i.bridge = attribute(one, "source", "bridge");
    auto dev = attribute(one, "target", "dev");
    i.port_id = dev.rfind("tap", 0) == 0 ? dev.substr(3) : dev;
    out.push_back(std::move(i));
    at = end;
  }
  return out;
}

std::error_code last_failure() {
  virErrorPtr err = virGetLastError();
  if (err && (err->code == VIR_ERR_NO_SUPPORT || err->code == VIR_ERR_ARGUMENT_UNSUPPORTED))
    return errc::unsupported;
  return errc::operation_failed;
}

std::string disk_of(virDomainPtr dom) {
  char* xml = virDomainGetXMLDesc(dom, 0);
  if (!xml)
    return {};
  std::string desc = xml;
  free(xml);
  auto at = desc.find("<source file='");
  if (at == std::string::npos)
    return {};
  at += 14;
  return desc.substr(at, desc.find('\'', at) - at);
}

} // namespace nimbus::hypervisor
