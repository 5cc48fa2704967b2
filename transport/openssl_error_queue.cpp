// Works around a bug of libcaf_openssl 0.17 (as Debian 12 ships it): its TLS
// sessions call SSL_read/SSL_write/SSL_accept/SSL_connect without first
// clearing OpenSSL's per-thread error queue, and never drain it after a
// failure. OpenSSL's SSL_get_error() then blames the next operation on any
// connection of the same multiplexer thread: one peer that fails the
// handshake (no certificate of our CA) disconnects every authenticated peer.
//
// This executable defines those four functions; the dynamic linker binds
// libcaf_openssl's (and everybody's) calls to them, and each clears the
// thread's error queue, then calls OpenSSL's own function — what OpenSSL's
// documentation asks of every caller before a TLS I/O operation.
// Measured: without it, a rejected peer dropped the good links every 2 s
// (tests/e2e/test_tls.py); with it, none.
#include <dlfcn.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

template <class Fn>
Fn real(const char* name) {
  static_assert(sizeof(Fn) == sizeof(void*));
  void* sym = dlsym(RTLD_NEXT, name);
  Fn fn;
  __builtin_memcpy(&fn, &sym, sizeof fn);
  return fn;
}

} // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static auto fn = real<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return fn(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static auto fn = real<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return fn(ssl, buf, num);
}

int SSL_accept(SSL* ssl) {
  static auto fn = real<int (*)(SSL*)>("SSL_accept");
  ERR_clear_error();
  return fn(ssl);
}

int SSL_connect(SSL* ssl) {
  static auto fn = real<int (*)(SSL*)>("SSL_connect");
  ERR_clear_error();
  return fn(ssl);
}

} // extern "C"

namespace nimbus::transport {
/// Referenced from transport.cpp so the linker keeps this file.
void keep_openssl_error_queue_fix() {}
} // namespace nimbus::transport
