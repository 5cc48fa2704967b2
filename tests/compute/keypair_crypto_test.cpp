#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "compute/keypair_crypto.h"

using namespace nimbus::compute;

namespace {

// tempest's imported key (test_keypair_create_with_pub_key) and the
// fingerprint `ssh-keygen -l -E md5` prints for it.
const std::string tempest_rsa =
  "ssh-rsa "
  "AAAAB3NzaC1yc2EAAAADAQABAAABAQCsNe3/1ILNCqFyfYWDeTKLD6jEXC2OQHLmietMWW+/vdaZq7KZEwO0jhglaF"
  "jU1mpqq4Gz5RX156sCTNM9vRbwKAxfsdF9laBYVsex3m3Wmui3uYrKyumsoJn2g9GNnG1PI1mrVjZ61i0GY3khna+"
  "wzlTpCCmy"
  "5HNlrmbj3XLqBUpipTOXmsnr4sChzC53KCd8LXuwc1i/"
  "CZPvF+3XipvAgFSE53pCtLOeB1kYMOBaiUPLQTWXR3JpckqFIQwhIH"
  "0zoHlJvZE8hh90XcPojYN56tI0OlrGqojbediJYD0rUsJu4weZpbn8vilb3JuDY+jwssnSA8wzBx3A/8y9Pp1B "
  "nova@ubuntu";

std::vector<unsigned char> base64_decoded(const std::string& text) {
  std::vector<unsigned char> out(text.size());
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  REQUIRE(n > 0);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

} // namespace

TEST_CASE("ssh fingerprints are the MD5 of the key blob, for every key type tempest sends") {
  CHECK(ssh_fingerprint(tempest_rsa) == "61:5f:fe:c7:e0:fd:d7:4a:2b:52:6e:a6:f5:bf:da:27");
  // tempest's default [validation] ssh_key_type is ecdsa: P-384 keys it makes itself.
  CHECK(
    ssh_fingerprint("ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhB"
                    "IuSrvzsP1O/aA9+QCENkCcpbjdC2sNSfkeBaAdwZudt+Z24LJskK7RdFs/WOHwO/XvwpKsNmXuj"
                    "NUXnitjjQo1EeD0risg+PsvQjMCA2jKS/hsxxjHzHhLdQybazoL9fA==")
    == "5f:a3:32:6e:60:29:6c:b4:8b:25:18:04:4a:e8:cf:06");
  CHECK(ssh_fingerprint(
          "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJutrOSzYYzyA+9jX/Ch7V7tqsxInR/9i1jzZ/+AvO9+")
        == "df:ac:42:33:d1:92:ac:c1:32:20:aa:35:4c:ec:e7:f0");
}

TEST_CASE("what is not an OpenSSH public key has no fingerprint") {
  for (const std::string& bad : std::vector<std::string>{
         "ssh-rsa JUNK nova@ubuntu", " ", "", "ssh-rsa", "AAAAB3NzaC1yc2EAAAADAQABAAABAQCs",
         "ssh-rsa " + std::string(2048, 'A') + " openstack@ubuntu", // a blob of zeros
         // the ed25519 blob under another type's name
         "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIJutrOSzYYzyA+9jX/Ch7V7tqsxInR/9i1jzZ/+AvO9+",
         // the ed25519 blob with a key length of 31
         "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAH5utrOSzYYzyA+9jX/Ch7V7tqsxInR/9i1jzZ/+AvO8=",
         "ssh-foo AAAAB3NzaC1yc2EAAAADAQABAAABAQCs"}) {
    CAPTURE(bad);
    CHECK_FALSE(ssh_fingerprint(bad));
  }
}

TEST_CASE("a generated ssh key pair: an OpenSSH line and the PKCS#1 PEM of the same RSA key") {
  auto made = generate_ssh_keypair();
  REQUIRE(ssh_fingerprint(made.public_key));
  CHECK(made.public_key.rfind("ssh-rsa ", 0) == 0);
  CHECK(made.public_key.find(" Generated-by-Nova") != std::string::npos);
  CHECK(made.private_key.rfind("-----BEGIN RSA PRIVATE KEY-----", 0) == 0);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
    BIO_new_mem_buf(made.private_key.data(), static_cast<int>(made.private_key.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
    PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  REQUIRE(key);
  CHECK(EVP_PKEY_get_bits(key.get()) == 2048);
  // The modulus in the public line is the private key's: its last bytes match.
  BIGNUM* n = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(key.get(), "n", &n));
  std::vector<unsigned char> modulus(static_cast<std::size_t>(BN_num_bytes(n)));
  BN_bn2bin(n, modulus.data());
  BN_free(n);
  auto blob_text = made.public_key.substr(8, made.public_key.find(' ', 8) - 8);
  auto blob = base64_decoded(blob_text);
  REQUIRE(blob.size() > modulus.size());
  CHECK(std::equal(modulus.rbegin(), modulus.rend(), blob.rbegin()));
  CHECK(generate_ssh_keypair().public_key != made.public_key);
}

TEST_CASE("a generated x509 key pair: a certificate for the user and its key as PKCS#12") {
  auto made = generate_x509_keypair("user-1");
  auto fingerprint = x509_fingerprint(made.public_key);
  REQUIRE(fingerprint);
  CHECK(fingerprint->size() == 59); // SHA-1, colon-separated
  CHECK(made.public_key.rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
  auto der = base64_decoded(made.private_key);
  const unsigned char* p = der.data();
  std::unique_ptr<PKCS12, decltype(&PKCS12_free)> bundle(
    d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())), PKCS12_free);
  REQUIRE(bundle);
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  REQUIRE(PKCS12_parse(bundle.get(), "", &key, &cert, nullptr) == 1);
  CHECK(X509_check_private_key(cert, key) == 1);
  char cn[64] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
  CHECK(std::string(cn) == "user-1");
  EVP_PKEY_free(key);
  X509_free(cert);
  CHECK_FALSE(x509_fingerprint("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"));
}
