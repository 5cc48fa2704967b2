#pragma once
// libsodium's one-time initialisation, for every identity/ file that calls it.
//
// Contract: ensure_sodium() is thread-safe and cheap after the first call;
// call it before any libsodium function (random bytes, hashing, AEAD). It
// throws std::runtime_error if libsodium cannot initialise (no usable random
// source), and then tries again on the next call. Nothing of libsodium leaks
// through identity/'s headers: only the .cpp files include <sodium.h>.

namespace nimbus::identity {

/// Initialises libsodium once per process; throws std::runtime_error if it fails.
void ensure_sodium();

} // namespace nimbus::identity
