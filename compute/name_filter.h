#pragma once
// Nova's ?name= filter: a regular expression searched for in server names
// (Python's re.search). Patterns come from any client, so they are matched by
// RE2, in time linear in the name and memory bounded at compile time, never
// by a backtracking engine; and their length is capped. Thread-safe once built.
#include <memory>
#include <optional>
#include <string>

namespace re2 {
class RE2;
}

namespace nimbus::compute {

class name_filter {
public:
  /// Longest pattern accepted, in bytes.
  static constexpr std::size_t max_pattern_size = 1024;

  /// Compiles `pattern`; nullopt with *why set (Nova's wording) if it is too
  /// long or not a regular expression RE2 accepts.
  static std::optional<name_filter> compile(const std::string& pattern, std::string* why);

  /// Whether the pattern occurs anywhere in `name`.
  bool matches(const std::string& name) const;

private:
  explicit name_filter(std::shared_ptr<const re2::RE2> re) : re_(std::move(re)) {}
  std::shared_ptr<const re2::RE2> re_;
};

} // namespace nimbus::compute
