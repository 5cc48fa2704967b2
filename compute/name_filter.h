#pragma once
// Nova's ?name= filter: a regular expression searched for in server names
// (Python's re.search); and its ?ip= / ?ip6= filters, matched at the start
// of a server's addresses (re.match). Patterns come from any client, so they are matched by
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

  /// Compiles `pattern`; nullopt with *why set (Nova's wording, naming the
  /// query parameter `param`) if it is too long or not a regular expression
  /// RE2 accepts. `anchored`: it must match at the start of the text.
  static std::optional<name_filter> compile(const std::string& pattern, std::string* why,
                                            const std::string& param = "name",
                                            bool anchored = false);

  /// Whether the pattern occurs in `text` (anchored: at its start).
  bool matches(const std::string& text) const;

private:
  name_filter(std::shared_ptr<const re2::RE2> re, bool anchored)
      : re_(std::move(re)), anchored_(anchored) {}
  std::shared_ptr<const re2::RE2> re_;
  bool anchored_ = false;
};

} // namespace nimbus::compute
