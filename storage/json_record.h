#pragma once
// Reading a record from its JSON text, for the codecs (records.cpp,
// network_records.cpp): the text must be an object whose schema_version is
// 1 up to `max_version`, and nlohmann's from_json of the type must take it.
// Internal to storage/.
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "storage/errc.h"

namespace nimbus::storage {

template <class T>
std::error_code decode_json_record(std::string_view text, T* x, int max_version) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return errc::corruption;
  auto version = j.value("schema_version", 0);
  if (version < 1 || version > max_version)
    return errc::corruption;
  try {
    *x = j.get<T>();
  } catch (const nlohmann::json::exception&) {
    return errc::corruption;
  }
  return {};
}

} // namespace nimbus::storage
