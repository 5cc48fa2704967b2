#include "api/byte_range.h"

#include <cctype>

namespace nimbus::api {
namespace {

// Digits only, without overflow; nullopt for anything else.
std::optional<std::uint64_t> number(const std::string& s) {
  if (s.empty() || s.size() > 19)
    return std::nullopt;
  std::uint64_t n = 0;
  for (unsigned char c : s) {
    if (!std::isdigit(c))
      return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string trimmed(const std::string& s) {
  auto from = s.find_first_not_of(' ');
  auto to = s.find_last_not_of(' ');
  return from == std::string::npos ? std::string{} : s.substr(from, to - from + 1);
}

} // namespace

std::optional<byte_range> parse_byte_range(const std::string& header, std::uint64_t size,
                                           range_refusal* why) {
  *why = range_refusal::none;
  auto text = trimmed(header);
  if (text.empty())
    return std::nullopt;
  if (text.find(',') != std::string::npos) {
    *why = range_refusal::several;
    return std::nullopt;
  }
  const std::string unit = "bytes=";
  auto dash = text.find('-');
  if (text.compare(0, unit.size(), unit) != 0 || dash == std::string::npos) {
    *why = range_refusal::unparsable;
    return std::nullopt;
  }
  auto first_text = trimmed(text.substr(unit.size(), dash - unit.size()));
  auto last_text = trimmed(text.substr(dash + 1));
  if (first_text.empty()) { // the last N bytes
    auto n = number(last_text);
    if (!n || *n == 0) {
      *why = range_refusal::unparsable;
      return std::nullopt;
    }
    auto length = *n < size ? *n : size;
    if (length == 0) {
      *why = range_refusal::unsatisfied;
      return std::nullopt;
    }
    return byte_range{size - length, length};
  }
  auto first = number(first_text);
  auto last = last_text.empty() ? first : number(last_text); // "N-": to the end
  if (!first || !last || *last < *first) {
    *why = range_refusal::unparsable;
    return std::nullopt;
  }
  if (*first >= size) {
    *why = range_refusal::unsatisfied;
    return std::nullopt;
  }
  if (last_text.empty())
    last = size - 1;
  auto end = *last < size ? *last : size - 1;
  return byte_range{*first, end - *first + 1};
}

} // namespace nimbus::api
