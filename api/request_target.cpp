#include "api/request_target.h"

#include <algorithm>
#include <cctype>

namespace nimbus::api {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Calls fn(piece) for every piece of `text` between separators.
template <class Fn>
void split(std::string_view text, char separator, Fn fn) {
  while (true) {
    auto at = text.find(separator);
    fn(text.substr(0, at));
    if (at == std::string_view::npos)
      return;
    text.remove_prefix(at + 1);
  }
}

} // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += plus_is_space && c == '+' ? ' ' : c;
  }
  return out;
}

request_target parse_request_target(std::string_view target) {
  request_target out;
  auto question = target.find('?');
  auto path = target.substr(0, question);
  split(path, '/', [&](std::string_view seg) {
    if (!seg.empty())
      out.path.push_back(percent_decode(seg, false));
  });
  out.trailing_slash = !out.path.empty() && !path.empty() && path.back() == '/';
  if (question == std::string_view::npos)
    return out;
  split(target.substr(question + 1), '&', [&](std::string_view pair) {
    if (pair.empty())
      return;
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value =
      eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1), true);
    out.query.emplace(std::move(key), std::move(value));
  });
  return out;
}

std::string percent_encode(std::string_view text) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0xf]);
    }
  }
  return out;
}

std::string query_string(const std::multimap<std::string, std::string>& query,
                         const std::vector<std::string>& skip) {
  std::string out;
  for (auto& [k, v] : query) {
    if (std::find(skip.begin(), skip.end(), k) != skip.end())
      continue;
    if (!out.empty())
      out.push_back('&');
    out += percent_encode(k) + "=" + percent_encode(v);
  }
  return out;
}

} // namespace nimbus::api
