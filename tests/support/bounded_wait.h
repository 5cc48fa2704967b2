#pragma once
// Waits for a future for at most a minute, then fails the test where it
// waited: a hang shows as a failure with its line instead of as the CTest
// timeout. A bound on a hang, not a timing check.
#include <chrono>
#include <future>

#include <doctest/doctest.h>

namespace nimbus::test {

template <class Future>
auto bounded_get(Future&& f) {
  REQUIRE(f.wait_for(std::chrono::minutes(1)) == std::future_status::ready);
  return f.get();
}

} // namespace nimbus::test
