#pragma once
// One HTTP Range header ("bytes=0-4", "bytes=3-", "bytes=-2") against a
// body of `size` bytes, as Glance serves image data: a single range only.
#include <cstdint>
#include <optional>
#include <string>

namespace nimbus::api {

struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};

enum class range_refusal {
  none,
  several,     // a comma: 400, Glance serves one range per request
  unparsable,  // 416 "Invalid Range header."
  unsatisfied, // 416: the start is at or past the end
};

/// The range `header` asks of `size` bytes; nullopt (with `why` none) for
/// no header: the whole body. An end past the size is clamped to it.
std::optional<byte_range> parse_byte_range(const std::string& header, std::uint64_t size,
                                           range_refusal* why);

} // namespace nimbus::api
