#pragma once
// Typed helpers over a store: read, list and stage records by key space.
#include <string>
#include <string_view>
#include <vector>

#include "storage/records.h"
#include "storage/store.h"

namespace nimbus::storage {

template <class Record>
std::error_code read(const store& s, key_space space, std::string_view key, Record* out) {
  std::string text;
  if (auto ec = s.get(space, key, &text))
    return ec;
  return decode(text, out);
}

/// Every record of a key space (under `prefix`), in key order. Records that
/// do not decode are skipped and counted in *corrupt when given.
template <class Record>
std::vector<Record> read_all(const store& s, key_space space, std::string_view prefix = {},
                             std::size_t* corrupt = nullptr) {
  std::vector<Record> out;
  s.scan(space, prefix, [&](std::string_view, std::string_view value) {
    Record r;
    if (decode(value, &r))
      corrupt && ++*corrupt;
    else
      out.push_back(std::move(r));
    return true;
  });
  return out;
}

template <class Record>
void stage(write_batch& batch, key_space space,
           std::string key, // NOLINT(performance-unnecessary-value-param): moved; false positive
           const Record& r) {
  batch.put(space, std::move(key), encode(r));
}

} // namespace nimbus::storage
