#pragma once
// Record time: microseconds since the Unix epoch, as records.h keeps it.
#include <chrono>
#include <cstdint>

namespace nimbus::storage {

inline std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace nimbus::storage
