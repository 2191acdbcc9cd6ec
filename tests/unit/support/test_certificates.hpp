#pragma once
// Certificates for the TLS tests, made in memory with OpenSSL on every run (nothing from the
// repository, nothing that expires in it). Shared by the net and sim tests.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace cqlshift::test_certificates {

struct pkey_deleter {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct x509_deleter {
  void operator()(X509* x) const noexcept { X509_free(x); }
};
struct bio_deleter {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};

struct issued {
  std::unique_ptr<EVP_PKEY, pkey_deleter> key;
  std::unique_ptr<X509, x509_deleter> cert;
};

inline void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificates: ") + what);
}

inline void add_extension(X509* cert, X509V3_CTX& ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "an extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A P-256 key and a certificate valid from an hour ago for a day: a CA when `issuer` is null
// (self-signed), else a leaf signed by it for `san`, a subjectAltName value
// ("DNS:localhost,IP:127.0.0.1") or empty.
inline issued make_certificate(const std::string& common_name, const issued* issuer,
                               const std::string& san = "") {
  static long serial = 1;
  const bool ca = issuer == nullptr;
  issued out;
  out.key.reset(EVP_EC_gen("P-256"));
  check(out.key != nullptr, "a key");
  out.cert.reset(X509_new());
  X509* cert = out.cert.get();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, out.key.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer != nullptr ? issuer->cert.get() : cert;
  X509_set_issuer_name(cert, X509_get_subject_name(signer));
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, signer, cert, nullptr, nullptr, 0);
  add_extension(cert, ctx, NID_subject_key_identifier, "hash");
  if (ca) {
    add_extension(cert, ctx, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert, ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert, ctx, NID_basic_constraints, "CA:FALSE");
    add_extension(cert, ctx, NID_authority_key_identifier, "keyid");
    add_extension(cert, ctx, NID_key_usage, "critical,digitalSignature");
    add_extension(cert, ctx, NID_ext_key_usage, "serverAuth,clientAuth");
    if (!san.empty()) add_extension(cert, ctx, NID_subject_alt_name, san.c_str());
  }
  EVP_PKEY* signing_key = issuer != nullptr ? issuer->key.get() : out.key.get();
  check(X509_sign(cert, signing_key, EVP_sha256()) > 0, "signing");
  return out;
}

inline std::string bio_text(BIO* b) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

inline std::string cert_pem(const issued& i) {
  std::unique_ptr<BIO, bio_deleter> b(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(b.get(), i.cert.get()) == 1, "PEM of a certificate");
  return bio_text(b.get());
}

inline std::string key_pem(const issued& i) {
  std::unique_ptr<BIO, bio_deleter> b(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(b.get(), i.key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM of a key");
  return bio_text(b.get());
}

}  // namespace cqlshift::test_certificates
