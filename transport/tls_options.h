#pragma once
// TLS between Nimbus processes (libcaf_openssl): file paths to PEM files.
#include <string>

namespace nimbus::transport {

struct tls_options {
  bool enabled = false;
  std::string certificate; // this process's certificate
  std::string key;         // its private key
  std::string cafile;      // the CA that signs every peer's certificate
  std::string passphrase;  // of the key, if it has one
};

} // namespace nimbus::transport
