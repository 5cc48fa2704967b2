#include "hypervisor/libvirt_common.h"

#include <cstdlib>

#include <libvirt/virterror.h>

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
