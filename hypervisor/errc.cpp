#include "hypervisor/errc.h"

#include <string>

namespace nimbus::hypervisor {
namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "hypervisor"; }
  std::string message(int code) const override {
    switch (static_cast<errc>(code)) {
    case errc::success:
      return "success";
    case errc::not_found:
      return "domain not found";
    case errc::already_exists:
      return "domain already exists";
    case errc::invalid_state:
      return "domain is in the wrong state";
    case errc::connection_failed:
      return "cannot connect to the hypervisor";
    case errc::operation_failed:
      return "hypervisor operation failed";
    case errc::injected_failure:
      return "injected failure";
    case errc::unsupported:
      return "not supported by this hypervisor";
    }
    return "unknown hypervisor error";
  }
};

} // namespace

const std::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

} // namespace nimbus::hypervisor
