#pragma once
// Random identifiers: RFC 4122 version-4 UUIDs in their text form.
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

namespace nimbus::storage {

inline std::string random_uuid() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  std::uint64_t hi = gen(), lo = gen();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL; // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

} // namespace nimbus::storage
