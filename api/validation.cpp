#include "api/validation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "api/faults.h"

namespace nimbus::api {
namespace {

std::string quote(const std::string& s) {
  // Python picks double quotes only when the text holds a single quote and no double quote.
  bool single = s.find('\'') != std::string::npos, dbl = s.find('"') != std::string::npos;
  char q = single && !dbl ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == q || c == '\\')
      out += '\\';
    out += c;
  }
  return out + q;
}

std::string number_repr(const ordered_json& v) {
  if (v.is_number_integer() || v.is_number_unsigned())
    return v.dump();
  double d = v.get<double>();
  if (std::floor(d) == d && std::fabs(d) < 1e16) {
    std::ostringstream os;
    os.precision(1);
    os << std::fixed << d;
    return os.str();
  }
  return v.dump();
}

} // namespace

std::string python_repr(const ordered_json& v) {
  switch (v.type()) {
  case ordered_json::value_t::null:
    return "None";
  case ordered_json::value_t::boolean:
    return v.get<bool>() ? "True" : "False";
  case ordered_json::value_t::string:
    return quote(v.get<std::string>());
  case ordered_json::value_t::array: {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i)
      out += (i ? ", " : "") + python_repr(v[i]);
    return out + "]";
  }
  case ordered_json::value_t::object: {
    std::string out = "{";
    bool first = true;
    for (auto& [k, val] : v.items()) {
      out += (first ? "" : ", ") + quote(k) + ": " + python_repr(val);
      first = false;
    }
    return out + "}";
  }
  default:
    return number_repr(v);
  }
}

std::string python_str(const ordered_json& v) {
  return v.is_string() ? v.get<std::string>() : python_repr(v);
}

std::string invalid_input(const std::string& attribute, const ordered_json& value,
                          const std::string& message) {
  return "Invalid input for field/attribute " + attribute + ". Value: " + python_str(value) + ". "
         + message;
}

std::size_t utf8_length(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80; // not a continuation byte
  }));
}

bool valid_name(const std::string& name) {
  auto space = [](unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  if (name.empty() || space(name.front()) || space(name.back()))
    return false;
  return std::none_of(name.begin(), name.end(),
                      [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

bool is_digits(const std::string& s) {
  return !s.empty()
         && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool is_uuid_like(const std::string& s) {
  static constexpr std::size_t groups[] = {8, 4, 4, 4, 12};
  std::size_t at = 0;
  for (std::size_t g = 0; g < 5; ++g) {
    if (g > 0 && at < s.size() && s[at] == '-')
      ++at;
    for (std::size_t i = 0; i < groups[g]; ++i, ++at)
      if (at >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[at])))
        return false;
  }
  return at == s.size();
}

bool letters_digits_and(const std::string& s, std::string_view extra) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](unsigned char c) {
    return std::isalnum(c) || extra.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

std::string unexpected_property(const std::string& key) {
  return "Additional properties are not allowed ('" + key + "' was unexpected)";
}

std::optional<api_response> check_name(const ordered_json& n) {
  if (!n.is_string())
    return bad_request(invalid_input("name", n, python_repr(n) + " is not of type 'string'"));
  auto& text = n.get_ref<const std::string&>();
  if (text.empty())
    return bad_request(invalid_input("name", n, "'' is too short"));
  if (utf8_length(text) > 255)
    return bad_request(invalid_input("name", n, python_repr(n) + " is too long"));
  if (!valid_name(text))
    return bad_request(invalid_input("name", n, invalid_name_reason));
  return std::nullopt;
}

std::size_t nesting_depth(const std::string& text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{')
      deepest = std::max(deepest, ++depth);
    else if ((c == ']' || c == '}') && depth > 0)
      --depth;
  }
  return deepest;
}

std::optional<ordered_json> parse_body(const std::string& body) {
  // Deeper bodies are refused before they are parsed: what walks a JSON
  // value (dump, repr, the views) recurses once per level.
  if (nesting_depth(body) > max_body_depth)
    return std::nullopt;
  auto j = ordered_json::parse(body, nullptr, false);
  if (j.is_discarded())
    return std::nullopt;
  return j;
}

namespace {
const char* const true_words[] = {"True", "TRUE", "true", "1",   "ON",
                                  "On",   "on",   "YES",  "Yes", "yes"};
const char* const false_words[] = {"False", "FALSE", "false", "0",  "OFF",
                                   "Off",   "off",   "NO",    "No", "no"};
} // namespace

std::optional<bool> nova_boolean(const ordered_json& v) {
  if (v.is_boolean())
    return v.get<bool>();
  if (!v.is_string())
    return std::nullopt;
  auto s = v.get<std::string>();
  for (auto* w : true_words)
    if (s == w)
      return true;
  for (auto* w : false_words)
    if (s == w)
      return false;
  return std::nullopt;
}

std::string not_a_nova_boolean(const ordered_json& v) {
  std::string choices = "True";
  for (auto* w : true_words)
    choices += std::string(", '") + w + "'";
  choices += ", False";
  for (auto* w : false_words)
    choices += std::string(", '") + w + "'";
  return python_repr(v) + " is not one of [" + choices + "]";
}

std::optional<api_response> read_limit(const api_request& req, std::int32_t* limit) {
  if (!req.has_param("limit"))
    return std::nullopt;
  auto text = req.param("limit");
  auto digits = text.empty() || text[0] != '-' ? text : text.substr(1);
  if (!is_digits(digits))
    return bad_request("limit param must be an integer");
  // Nova caps the page at [api] max_limit whatever the number's size.
  auto n = digits.size() > 9 ? 1000 : std::stoll(digits);
  if (text[0] == '-')
    n = -n;
  if (n < 0)
    return bad_request("limit param must be positive");
  *limit = static_cast<std::int32_t>(std::min<long long>(n, 1000));
  return std::nullopt;
}

std::optional<api_response> read_offset(const api_request& req, std::size_t* offset) {
  if (!req.has_param("offset"))
    return std::nullopt;
  auto text = req.param("offset");
  if (!is_digits(text) || text.size() > 9)
    return bad_request("Invalid input for query parameters offset. Value: " + text + ". '" + text
                       + "' does not match '^[0-9]*$'");
  *offset = std::stoul(text);
  return std::nullopt;
}

api_response malformed_body() { return bad_request("Malformed request body"); }

std::optional<api_response> refuse_unknown_query(const api_request& req,
                                                 const std::set<std::string>& known) {
  for (auto& [key, value] : req.query) {
    if (known.count(key))
      continue;
    std::string why = "Invalid input for query parameters ";
    why.append(key).append(". Value: ").append(value);
    why.append(". Additional properties are not allowed ('")
      .append(key)
      .append("' was unexpected)");
    return bad_request(why);
  }
  return std::nullopt;
}

} // namespace nimbus::api
