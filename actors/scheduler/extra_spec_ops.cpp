#include "actors/scheduler/extra_spec_ops.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

namespace nimbus::scheduler {
namespace {

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

std::optional<double> number(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size())
    return std::nullopt;
  return v;
}

// A numeric comparison; text that is not a number matches nothing.
template <class Compare>
bool numeric(const std::string& value, const std::string& operand, Compare cmp) {
  auto a = number(value), b = number(operand);
  return a && b && cmp(*a, *b);
}

} // namespace

bool extra_spec_matches(const std::string& value, const std::string& req) {
  auto words = words_of(req);
  if (words.empty())
    return value == req;
  auto op = words.front();
  words.erase(words.begin());
  if (op == "<or>") { // "<or> a <or> b": the words at even places
    for (std::size_t i = 0; i < words.size(); i += 2)
      if (words[i] == value)
        return true;
    return false;
  }
  static const std::set<std::string> ops{
    "=", "<in>", "<all-in>", "==", "!=", ">=", "<=", "s==", "s!=", "s<", "s<=", "s>", "s>="};
  if (!ops.count(op))
    return value == req;
  if (words.empty())
    return false;
  if (op == "<all-in>")
    return std::all_of(words.begin(), words.end(),
                       [&](const std::string& w) { return value.find(w) != std::string::npos; });
  auto& y = words.front();
  if (op == "<in>")
    return value.find(y) != std::string::npos;
  if (op == "=" || op == ">=")
    return numeric(value, y, [](double a, double b) { return a >= b; });
  if (op == "==")
    return numeric(value, y, [](double a, double b) { return a == b; });
  if (op == "!=")
    return numeric(value, y, [](double a, double b) { return a != b; });
  if (op == "<=")
    return numeric(value, y, [](double a, double b) { return a <= b; });
  if (op == "s==")
    return value == y;
  if (op == "s!=")
    return value != y;
  if (op == "s<")
    return value < y;
  if (op == "s<=")
    return value <= y;
  if (op == "s>")
    return value > y;
  return value >= y; // s>=
}

} // namespace nimbus::scheduler
