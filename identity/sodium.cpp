#include "identity/sodium.h"

#include <sodium.h>
#include <stdexcept>

namespace nimbus::identity {

void ensure_sodium() {
  // sodium_init() returns 0 on the first success, 1 when already done, -1 on
  // failure. A function-static runs it once, thread-safely; when it throws,
  // the static stays uninitialised and the next call tries again.
  static const bool ready = [] {
    if (sodium_init() < 0) {
      throw std::runtime_error("identity: libsodium failed to initialise");
    }
    return true;
  }();
  (void)ready;
}

} // namespace nimbus::identity
