#include "storage/errc.h"

#include <string>

namespace nimbus::storage {
namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "storage"; }
  std::string message(int code) const override {
    switch (static_cast<errc>(code)) {
    case errc::success:
      return "success";
    case errc::not_found:
      return "record not found";
    case errc::io_error:
      return "storage I/O error";
    case errc::corruption:
      return "storage corruption";
    case errc::invalid_argument:
      return "invalid storage argument";
    case errc::closed:
      return "store closed";
    case errc::timed_out:
      return "storage write timed out";
    }
    return "unknown storage error";
  }
};

} // namespace

const std::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

} // namespace nimbus::storage
