#pragma once
// The cryptography of Nova's key pairs (nova/crypto.py's part of it): checking
// and fingerprinting an imported key, and making a new one. OpenSSL behind a
// plain interface.
#include <optional>
#include <string>

namespace nimbus::compute {

/// An OpenSSH public key line ("type base64 [comment]") checked as Nova's
/// cryptography library reads it: a known type (ssh-rsa, ssh-dss,
/// ssh-ed25519, ecdsa-sha2-nistp256/384/521), a blob that decodes, names
/// the same type and holds exactly that type's fields. Its fingerprint is
/// the MD5 of the blob in colon-separated hex; nullopt if the key is not one.
std::optional<std::string> ssh_fingerprint(const std::string& public_key);

/// A PEM X.509 certificate's SHA-1 fingerprint in colon-separated hex;
/// nullopt if it is not one.
std::optional<std::string> x509_fingerprint(const std::string& pem);

struct generated_keypair {
  std::string public_key;
  std::string private_key;
};

/// A new 2048-bit RSA key: the public half as an OpenSSH line, the private
/// half as a PKCS#1 PEM (as Nova generates, with its comment).
generated_keypair generate_ssh_keypair();

/// A new self-signed client certificate for `user_id` (CN) valid ten years:
/// the certificate in PEM, and the key with it as a base64 PKCS#12 bundle
/// without a password (Nova's x509 key pairs, 2.2 to 2.91).
generated_keypair generate_x509_keypair(const std::string& user_id);

} // namespace nimbus::compute
