#include "compute/keypair_crypto.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace nimbus::compute {
namespace {

using bytes = std::vector<unsigned char>;

template <class T, void (*Free)(T*)>
struct freer {
  void operator()(T* p) const { Free(p); }
};
using bio_ptr = std::unique_ptr<BIO, freer<BIO, BIO_free_all>>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, freer<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, freer<X509, X509_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, freer<BIGNUM, BN_free>>;
using pkcs12_ptr = std::unique_ptr<PKCS12, freer<PKCS12, PKCS12_free>>;

std::string colon_hex(const unsigned char* d, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i)
      out += ':';
    out += digits[d[i] >> 4];
    out += digits[d[i] & 0xf];
  }
  return out;
}

// Strict base64 (RFC 4648 alphabet, '=' padding only at the end).
std::optional<bytes> base64_decode(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0)
    return std::nullopt;
  bytes out(text.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0)
    return std::nullopt;
  auto pad = text.find('=');
  if (pad != std::string::npos && (pad < text.size() - 2 || text.back() != '='))
    return std::nullopt;
  std::size_t padding = text.size() - (pad == std::string::npos ? text.size() : pad);
  out.resize(static_cast<std::size_t>(n) - padding); // DecodeBlock counts padding as zeros
  return out;
}

std::string base64_encode(const bytes& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                          static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Reads the SSH wire format (RFC 4251): uint32 length-prefixed strings.
class wire_reader {
public:
  explicit wire_reader(const bytes& b) : b_(b) {}
  std::optional<bytes> string() {
    if (b_.size() - at_ < 4)
      return std::nullopt;
    std::uint32_t n = (std::uint32_t{b_[at_]} << 24) | (std::uint32_t{b_[at_ + 1]} << 16)
                      | (std::uint32_t{b_[at_ + 2]} << 8) | std::uint32_t{b_[at_ + 3]};
    at_ += 4;
    if (b_.size() - at_ < n)
      return std::nullopt;
    bytes out(n);
    std::copy_n(b_.data() + at_, n, out.data());
    at_ += n;
    return out;
  }
  bool done() const { return at_ == b_.size(); }

private:
  const bytes& b_;
  std::size_t at_ = 0;
};

std::string text_of(const bytes& b) { return {b.begin(), b.end()}; }

// A positive mpint: not empty, no sign bit, no needless leading zero.
bool positive_mpint(const std::optional<bytes>& m) {
  if (!m || m->empty() || ((*m)[0] & 0x80))
    return false;
  return !((*m)[0] == 0 && (m->size() == 1 || !((*m)[1] & 0x80)));
}

bool fields_of(const std::string& type, wire_reader& r) {
  if (type == "ssh-rsa")
    return positive_mpint(r.string()) && positive_mpint(r.string()); // e, n
  if (type == "ssh-dss") {
    for (int i = 0; i < 4; ++i) // p, q, g, y
      if (!positive_mpint(r.string()))
        return false;
    return true;
  }
  if (type == "ssh-ed25519") {
    auto key = r.string();
    return key && key->size() == 32;
  }
  for (auto [curve, coordinate] :
       {std::pair{"nistp256", 32u}, std::pair{"nistp384", 48u}, std::pair{"nistp521", 66u}})
    if (type == std::string("ecdsa-sha2-") + curve) {
      auto name = r.string();
      auto point = r.string();
      return name && text_of(*name) == curve && point && point->size() == 1 + 2 * coordinate
             && (*point)[0] == 0x04;
    }
  return false;
}

void ssh_string(bytes& out, const bytes& s) {
  auto n = static_cast<std::uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<unsigned char>(n >> shift));
  out.insert(out.end(), s.begin(), s.end());
}

// An mpint's bytes: big-endian, with a zero first when the top bit is set.
bytes mpint_of(const BIGNUM* bn) {
  auto n = static_cast<std::size_t>(BN_num_bytes(bn));
  std::size_t zero = n > 0 && BN_is_bit_set(bn, static_cast<int>(n * 8 - 1)) ? 1 : 0;
  bytes b(n + zero, 0);
  BN_bn2bin(bn, b.data() + zero);
  return b;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return {data, static_cast<std::size_t>(n)};
}

pkey_ptr new_rsa_key() {
  pkey_ptr key{EVP_RSA_gen(2048)};
  if (!key)
    throw std::runtime_error("RSA key generation failed");
  return key;
}

std::string private_pem(EVP_PKEY* key) {
  bio_ptr bio{BIO_new(BIO_s_mem())};
  if (!PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr))
    throw std::runtime_error("cannot write the private key");
  return bio_text(bio.get());
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  if (auto* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value)) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
}

} // namespace

std::optional<std::string> ssh_fingerprint(const std::string& public_key) {
  auto type_end = public_key.find_first_of(" \t");
  if (type_end == std::string::npos || type_end == 0)
    return std::nullopt;
  auto blob_start = public_key.find_first_not_of(" \t", type_end);
  if (blob_start == std::string::npos)
    return std::nullopt;
  auto blob_end = public_key.find_first_of(" \t\r\n", blob_start);
  auto type = public_key.substr(0, type_end);
  auto blob = base64_decode(public_key.substr(
    blob_start, blob_end == std::string::npos ? std::string::npos : blob_end - blob_start));
  if (!blob)
    return std::nullopt;
  wire_reader r(*blob);
  auto inner = r.string();
  if (!inner || text_of(*inner) != type || !fields_of(type, r) || !r.done())
    return std::nullopt;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!EVP_Digest(blob->data(), blob->size(), md, &n, EVP_md5(), nullptr))
    return std::nullopt;
  return colon_hex(md, n);
}

std::optional<std::string> x509_fingerprint(const std::string& pem) {
  bio_ptr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  x509_ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
  if (!cert)
    return std::nullopt;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!X509_digest(cert.get(), EVP_sha1(), md, &n))
    return std::nullopt;
  return colon_hex(md, n);
}

generated_keypair generate_ssh_keypair() {
  auto key = new_rsa_key();
  BIGNUM* e = nullptr;
  BIGNUM* n = nullptr;
  EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e);
  EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n);
  bn_ptr e_owner{e};
  bn_ptr n_owner{n};
  if (!e || !n)
    throw std::runtime_error("cannot read the RSA key");
  bytes blob;
  ssh_string(blob, bytes{'s', 's', 'h', '-', 'r', 's', 'a'});
  ssh_string(blob, mpint_of(e));
  ssh_string(blob, mpint_of(n));
  return {"ssh-rsa " + base64_encode(blob) + " Generated-by-Nova", private_pem(key.get())};
}

generated_keypair generate_x509_keypair(const std::string& user_id) {
  auto key = new_rsa_key();
  x509_ptr cert{X509_new()};
  X509_set_version(cert.get(), 2); // v3
  unsigned char serial[8];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  bn_ptr serial_bn{BN_bin2bn(serial, sizeof serial, nullptr)};
  BN_to_ASN1_INTEGER(serial_bn.get(), X509_get_serialNumber(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3650L * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(user_id.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  add_extension(cert.get(), NID_ext_key_usage, "clientAuth");
  if (!X509_sign(cert.get(), key.get(), EVP_sha256()))
    throw std::runtime_error("cannot sign the certificate");
  bio_ptr pem{BIO_new(BIO_s_mem())};
  PEM_write_bio_X509(pem.get(), cert.get());
  pkcs12_ptr bundle{PKCS12_create("", nullptr, key.get(), cert.get(), nullptr, 0, 0, 0, 0, 0)};
  if (!bundle)
    throw std::runtime_error("cannot bundle the key");
  int len = i2d_PKCS12(bundle.get(), nullptr);
  bytes der(static_cast<std::size_t>(len));
  unsigned char* out = der.data();
  i2d_PKCS12(bundle.get(), &out);
  return {bio_text(pem.get()), base64_encode(der)};
}

} // namespace nimbus::compute
