#include <doctest/doctest.h>

#include "api/formats.h"

using namespace nimbus::api;

TEST_CASE("hostId is Nova's sha224 of project and host, the same when remembered") {
  // hashlib.sha224(b"demoproject" + b"compute-1").hexdigest()
  const std::string expected = "2a1f86133f9b84e29959347052ebac11ad03d49c832ce841619ce4a9";
  CHECK(host_id("demoproject", "compute-1") == expected);
  CHECK(host_id("demoproject", "compute-1") == expected); // from the thread's memory
  CHECK(host_id("otherproject", "compute-1") != expected);
  CHECK(host_id("demoproject", "").empty()); // not placed: no hostId
}
