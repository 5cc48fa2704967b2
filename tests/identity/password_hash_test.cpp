// Argon2id password hashes: salted, verifiable, and a constant-cost path for
// logins of users that do not exist.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>

#include "identity/password_hash.h"

using namespace nimbus::identity;

namespace {

// The fastest of three runs of `fn`, in microseconds: the least disturbed by
// other work on the machine.
template <class Fn>
long long fastest_us(Fn fn) {
  long long best = -1;
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    const long long took = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
    best = best < 0 ? took : std::min(best, took);
  }
  return best;
}

} // namespace

TEST_CASE("password_hash: the password verifies, any other does not") {
  const std::string hash = hash_password("correct horse battery staple");
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(verify_password(hash, "correct horse battery staple"));
  CHECK_FALSE(verify_password(hash, "correct horse battery staplE"));
  CHECK_FALSE(verify_password(hash, "correct horse battery staple "));
  CHECK_FALSE(verify_password(hash, ""));
  // An empty password is hashed like any other (refusing it is policy's job).
  const std::string empty = hash_password("");
  CHECK(verify_password(empty, ""));
  CHECK_FALSE(verify_password(empty, " "));
}

TEST_CASE("password_hash: salted, and the password is not in the hash") {
  const std::string password = "hunter2hunter2";
  const std::string a = hash_password(password);
  const std::string b = hash_password(password);
  CHECK(a != b);
  CHECK(verify_password(a, password));
  CHECK(verify_password(b, password));
  CHECK(a.find(password) == std::string::npos);
  CHECK(a.find("hunter2") == std::string::npos);
}

TEST_CASE("password_hash: a malformed stored hash is false, never a crash") {
  const std::string hash = hash_password("pw");
  CHECK_FALSE(verify_password("", "pw"));
  CHECK_FALSE(verify_password("pw", "pw"));
  CHECK_FALSE(verify_password("$argon2id$", "pw"));
  CHECK_FALSE(verify_password("$2b$12$abcdefghijklmnopqrstuuXYZ", "pw")); // bcrypt: unknown
  CHECK_FALSE(verify_password(hash + std::string(200, 'A'), "pw"));       // over the size
  CHECK_FALSE(verify_password(hash.substr(0, hash.size() - 1), "pw"));
  CHECK_FALSE(verify_password(hash.substr(0, hash.size() / 2), "pw"));
  std::string nul = hash;
  nul[10] = '\0';
  CHECK_FALSE(verify_password(nul, "pw"));
  std::string flipped = hash;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A'; // the digest, changed
  CHECK_FALSE(verify_password(flipped, "pw"));
  // Random bytes of every length up to the limit: false, and fast.
  std::mt19937 rng(20240611);
  int accepted = 0;
  for (std::size_t n = 0; n < 140; ++n) {
    std::string junk(n, '\0');
    for (auto& c : junk) {
      c = static_cast<char>(rng());
    }
    accepted += verify_password(junk, "pw") ? 1 : 0;
  }
  CHECK(accepted == 0);
  CHECK(verify_password(hash, "pw")); // the real one still does
}

TEST_CASE("password_hash: burn_verify_time costs what a verify costs") {
  // Against a verify that returned at once (a malformed dummy hash) the gap
  // would be a thousandfold; a factor of 20 leaves room for a busy machine.
  CHECK_NOTHROW(burn_verify_time("warm-up")); // makes the dummy hash
  const std::string hash = hash_password("pw");
  const long long verify_us = fastest_us([&] { CHECK_FALSE(verify_password(hash, "nope")); });
  const long long burn_us = fastest_us([] { burn_verify_time("nope"); });
  CHECK(burn_us * 20 > verify_us);
  CHECK(verify_us * 20 > burn_us);
}
