#pragma once
// Certificates for the TLS tests, made in memory with OpenSSL on every run (nothing from the
// repository, nothing that expires in it): a CA, a server certificate for 127.0.0.1 and a
// client certificate it signed, and a second CA that signed neither.

#include "cqlshift/net/tls.hpp"

#include <boost/asio/ssl/context.hpp>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace cqlshift::sim::test {

struct test_pki {
  std::string ca;  // PEM certificate
  std::string server_cert;
  std::string server_key;
  std::string client_cert;
  std::string client_key;
  std::string other_ca;
};

namespace pki_detail {

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

// A P-256 key and a certificate valid from an hour ago for a day, signed by `issuer` (null:
// self-signed). `san` is a subjectAltName value ("IP:127.0.0.1"), or empty.
inline issued make_certificate(const std::string& common_name, const issued* issuer, bool ca,
                               const std::string& san, long serial) {
  issued out;
  out.key.reset(EVP_EC_gen("P-256"));
  check(out.key != nullptr, "a key");
  out.cert.reset(X509_new());
  X509* cert = out.cert.get();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
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

}  // namespace pki_detail

inline test_pki make_test_pki() {
  using namespace pki_detail;
  const issued ca = make_certificate("cqlsim test CA", nullptr, true, "", 1);
  const issued server = make_certificate("cqlsim", &ca, false, "IP:127.0.0.1", 2);
  const issued client = make_certificate("cqlsim test client", &ca, false, "", 3);
  const issued other = make_certificate("another CA", nullptr, true, "", 4);
  return test_pki{cert_pem(ca),     cert_pem(server), key_pem(server),
                  cert_pem(client), key_pem(client),  cert_pem(other)};
}

inline net::pem_source pem(std::string key, std::string text) {
  return net::pem_source{key, "test " + key, std::move(text)};
}

// The context cqlsim's nodes use: client certificates verified against `client_ca` when it is
// not empty.
inline std::shared_ptr<boost::asio::ssl::context> server_context(const test_pki& p,
                                                                 std::string client_ca = "",
                                                                 bool require_client_auth = false) {
  net::server_tls_material m;
  m.certificate = pem("cert", p.server_cert);
  m.private_key = pem("key", p.server_key);
  m.ca = pem("ca", std::move(client_ca));
  m.require_client_auth = require_client_auth;
  return net::make_server_context(m);
}

// A client context trusting the test CA, with the client certificate when asked.
inline std::shared_ptr<boost::asio::ssl::context> client_context(const test_pki& p,
                                                                 bool with_certificate = false) {
  net::client_tls_material m;
  m.ca = pem("ca", p.ca);
  if (with_certificate) {
    m.certificate = pem("client cert", p.client_cert);
    m.private_key = pem("client key", p.client_key);
  }
  return net::make_client_context(m);
}

}  // namespace cqlshift::sim::test
