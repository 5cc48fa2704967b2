#pragma once
// Writes JSON text straight into a string, for what is written often and hot
// (stored records, server views): no tree of nodes, no allocation per key.
// Callers pair begin/end calls; commas are placed for them. Strings are
// written as given: they must be UTF-8 (every input passed a JSON parser).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace nimbus::storage {

class json_writer {
public:
  explicit json_writer(std::size_t reserve = 0) { out_.reserve(reserve); }

  json_writer& begin_object() { return open('{'); }
  json_writer& end_object() { return close('}'); }
  json_writer& begin_array() { return open('['); }
  json_writer& end_array() { return close(']'); }

  /// The key of the next value in an object.
  json_writer& key(std::string_view k) {
    comma();
    quote(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  json_writer& value(std::string_view s) {
    comma();
    quote(s);
    return *this;
  }
  json_writer& value(const char* s) { return value(std::string_view{s}); }
  json_writer& value(const std::string& s) { return value(std::string_view{s}); }
  json_writer& value(std::int64_t n) {
    comma();
    out_ += std::to_string(n);
    return *this;
  }
  json_writer& value(std::int32_t n) { return value(static_cast<std::int64_t>(n)); }
  json_writer& value(std::uint64_t n) {
    comma();
    out_ += std::to_string(n);
    return *this;
  }
  /// Exact: parsing the text gives back the same double.
  json_writer& value(double d) {
    comma();
    if (!std::isfinite(d)) { // as nlohmann writes them
      out_ += "null";
      return *this;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    out_ += buf;
    return *this;
  }
  json_writer& value(bool b) {
    comma();
    out_ += b ? "true" : "false";
    return *this;
  }
  json_writer& null() {
    comma();
    out_ += "null";
    return *this;
  }
  /// A string, or null when it is empty (Nova's nullable strings).
  json_writer& string_or_null(std::string_view s) { return s.empty() ? null() : value(s); }
  /// JSON text made elsewhere, inserted as one value.
  json_writer& raw(std::string_view text) {
    comma();
    out_ += text;
    return *this;
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

private:
  json_writer& open(char c) {
    comma();
    out_ += c;
    first_ = true;
    return *this;
  }
  json_writer& close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  void comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_)
      out_ += ',';
    first_ = false;
  }
  // Length of the well-formed UTF-8 sequence that starts s[i] (RFC 3629:
  // no overlongs, no surrogates, nothing above U+10FFFF), or 0.
  static std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    auto c = at(i);
    std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || c > 0xF4 || i + n > s.size())
      return 0;
    for (std::size_t k = 1; k < n; ++k)
      if ((at(i + k) & 0xC0) != 0x80)
        return 0;
    auto second = at(i + 1);
    if ((c == 0xE0 && second < 0xA0) || (c == 0xED && second > 0x9F) || (c == 0xF0 && second < 0x90)
        || (c == 0xF4 && second > 0x8F))
      return 0;
    return n;
  }

  // Text that is not UTF-8 is written with U+FFFD in place of each bad
  // byte, so that what is written always parses back.
  void quote(std::string_view s) {
    out_ += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x",
                        static_cast<unsigned>(static_cast<unsigned char>(c)));
          out_ += buf;
        } else if (static_cast<unsigned char>(c) < 0x80) {
          out_ += c;
        } else if (auto n = utf8_sequence(s, i)) {
          out_.append(s.data() + i, n);
          i += n - 1;
        } else {
          out_ += "\xEF\xBF\xBD"; // U+FFFD
        }
      }
    }
    out_ += '"';
  }

  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

} // namespace nimbus::storage
