#include "storage/store.h"

#include <future>

namespace nimbus::storage {

store::~store() = default;

std::error_code store::write(write_batch batch) {
  std::promise<std::error_code> result;
  auto future = result.get_future();
  write_async(std::move(batch), [&result](std::error_code ec) { result.set_value(ec); });
  return future.get();
}

} // namespace nimbus::storage
