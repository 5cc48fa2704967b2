#pragma once
// Error codes of the hypervisor layer; no driver throws.
#include <system_error>

namespace nimbus::hypervisor {

enum class errc {
  success = 0,       // must be 0
  not_found,         // no such domain
  already_exists,    // a domain of that name is defined already
  invalid_state,     // the domain is not in a state that allows the call
  connection_failed, // the hypervisor could not be reached
  operation_failed,  // the hypervisor refused or failed the call
  injected_failure,  // a test asked for this failure
  unsupported,       // this hypervisor cannot do that (libvirt's VIR_ERR_NO_SUPPORT)
};

const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

} // namespace nimbus::hypervisor

template <>
struct std::is_error_code_enum<nimbus::hypervisor::errc> : std::true_type {};
