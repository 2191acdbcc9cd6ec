#pragma once
// Certificates for the TLS tests, made in memory with OpenSSL on every run (nothing from the
// repository, nothing that expires in it): a CA, a server certificate for 127.0.0.1 and a
// client certificate it signed, and a second CA that signed neither.

#include "cqlshift/net/tls.hpp"
#include "test_certificates.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
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

inline test_pki make_test_pki() {
  using namespace cqlshift::test_certificates;
  const issued ca = make_certificate("cqlsim test CA", nullptr);
  const issued server = make_certificate("cqlsim", &ca, "IP:127.0.0.1");
  const issued client = make_certificate("cqlsim test client", &ca);
  const issued other = make_certificate("another CA", nullptr);
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
