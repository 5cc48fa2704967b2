#pragma once
// Error codes of the storage layer. Nothing in storage/ throws: every call
// returns a std::error_code built from these.
#include <system_error>

namespace nimbus::storage {

enum class errc {
  success = 0, // must be 0
  not_found,   // no record under that key
  io_error,    // the engine could not read or write its files
  corruption,  // a record could not be decoded, or the files are damaged
  invalid_argument,
  closed,    // the store is shutting down and takes no more writes
  timed_out, // its owner stopped waiting for a write (which may still land)
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

} // namespace nimbus::storage

template <>
struct std::is_error_code_enum<nimbus::storage::errc> : std::true_type {};
