#include "compute/name_filter.h"

#include <re2/re2.h>

namespace nimbus::compute {

std::optional<name_filter> name_filter::compile(const std::string& pattern, std::string* why,
                                                const std::string& param, bool anchored) {
  auto invalid = [&](const std::string& reason) {
    *why = "Invalid input for query parameters " + param + ". Value: " + pattern.substr(0, 64)
           + (pattern.size() > 64 ? "..." : "") + ". " + reason;
    return std::nullopt;
  };
  if (pattern.size() > max_pattern_size)
    return invalid("'" + pattern.substr(0, 16) + "...' is too long");
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(1 << 20); // what one pattern may take to compile
  auto re = std::make_shared<const re2::RE2>(pattern, opts);
  if (!re->ok())
    return invalid("'" + pattern.substr(0, 64) + "' is not a 'regex'");
  return name_filter(std::move(re), anchored);
}

bool name_filter::matches(const std::string& text) const {
  if (anchored_)
    return re_->Match(text, 0, text.size(), RE2::ANCHOR_START, nullptr, 0);
  return RE2::PartialMatch(text, *re_);
}

} // namespace nimbus::compute
