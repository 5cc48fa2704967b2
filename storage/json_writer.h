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
  void quote(std::string_view s) {
    out_ += '"';
    for (char c : s) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            out_ += buf;
          } else {
            out_ += c;
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
