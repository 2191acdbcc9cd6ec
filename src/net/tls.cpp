#include "cqlshift/net/tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace cqlshift::net {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using namespace asio::experimental::awaitable_operators;

struct bio_deleter {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct x509_deleter {
  void operator()(X509* x) const noexcept { X509_free(x); }
};
struct pkey_deleter {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;

std::string describe(const pem_source& s) {
  return "'" + s.where + "' (" + s.key + ")";
}

// The oldest error OpenSSL queued, as text, and the queue cleared.
std::string openssl_reason() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "no reason given";
  const char* reason = ERR_reason_error_string(e);
  return reason != nullptr ? reason : "error " + std::to_string(e);
}

std::string time_text(const ASN1_TIME* t) {
  bio_ptr b(BIO_new(BIO_s_mem()));
  if (!b || ASN1_TIME_print(b.get(), t) != 1) return "an unreadable date";
  char* data = nullptr;
  const long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string subject_text(X509* x) {
  char buf[512];
  if (X509_NAME_oneline(X509_get_subject_name(x), buf, sizeof buf) == nullptr) return "?";
  return buf;
}

// Every certificate in the PEM text; throws when there is none or one does not parse.
std::vector<x509_ptr> certificates(const pem_source& s, std::string_view what) {
  bio_ptr b(BIO_new_mem_buf(s.text.data(), static_cast<int>(s.text.size())));
  std::vector<x509_ptr> out;
  for (;;) {
    x509_ptr x(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
    if (!x) break;
    out.push_back(std::move(x));
  }
  // The loop ends at the first block that is not a certificate (or at the end of the text).
  const unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  if (out.empty()) {
    throw tls_error(describe(s) + " holds no PEM " + std::string(what) +
                    " (expected a '-----BEGIN CERTIFICATE-----' block)");
  }
  if (e != 0 && ERR_GET_REASON(e) != PEM_R_NO_START_LINE) {
    throw tls_error(describe(s) + ": a certificate does not parse: " +
                    std::string(ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "?"));
  }
  return out;
}

// Throws unless `x` is valid now.
void check_dates(X509* x, const pem_source& s, std::string_view what) {
  if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0) {
    throw tls_error("the " + std::string(what) + " in " + describe(s) + " (" + subject_text(x) +
                    ") expired on " + time_text(X509_get0_notAfter(x)));
  }
  if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0) {
    throw tls_error("the " + std::string(what) + " in " + describe(s) + " (" + subject_text(x) +
                    ") is not valid before " + time_text(X509_get0_notBefore(x)));
  }
}

std::shared_ptr<ssl::context> new_context(ssl::context::method method) {
  auto ctx = std::make_shared<ssl::context>(method);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  // An encrypted key must fail to load, not make OpenSSL prompt on a terminal.
  ctx->set_password_callback([](std::size_t, ssl::context::password_purpose) { return ""; });
  return ctx;
}

// Adds the CA certificates to the context's trust store and returns them.
std::vector<x509_ptr> load_ca(ssl::context& ctx, const pem_source& ca) {
  auto certs = certificates(ca, "CA certificate");
  bool any_valid = false;
  for (const auto& x : certs) {
    if (X509_cmp_current_time(X509_get0_notAfter(x.get())) >= 0) any_valid = true;
    if (X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.native_handle()), x.get()) != 1) {
      const unsigned long e = ERR_peek_last_error();
      ERR_clear_error();
      if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE)
        throw tls_error("cannot use the CA certificate in " + describe(ca));
    }
  }
  if (!any_valid) check_dates(certs.front().get(), ca, "CA certificate");
  return certs;
}

void load_identity(ssl::context& ctx, const pem_source& cert, const pem_source& key) {
  auto certs = certificates(cert, "certificate");
  check_dates(certs.front().get(), cert, "certificate");
  if (SSL_CTX_use_certificate(ctx.native_handle(), certs.front().get()) != 1)
    throw tls_error("cannot use the certificate in " + describe(cert) + ": " + openssl_reason());
  for (std::size_t i = 1; i < certs.size(); ++i) {
    // add_extra_chain_cert takes ownership.
    if (SSL_CTX_add_extra_chain_cert(ctx.native_handle(), certs[i].get()) != 1)
      throw tls_error("cannot use the chain in " + describe(cert) + ": " + openssl_reason());
    certs[i].release();
  }
  // Parsed here rather than by SSL_CTX_use_PrivateKey_file and the like, which also fail on a
  // key of another certificate: that case gets its own message. The callback gives no
  // passphrase, so an encrypted key fails instead of OpenSSL prompting on a terminal.
  bio_ptr b(BIO_new_mem_buf(key.text.data(), static_cast<int>(key.text.size())));
  pkey_ptr pkey(PEM_read_bio_PrivateKey(
      b.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
  if (!pkey) {
    ERR_clear_error();
    const bool encrypted = key.text.find("ENCRYPTED") != std::string::npos;
    throw tls_error(describe(key) +
                    (encrypted ? " holds an encrypted private key; cqlshift needs it unencrypted"
                               : " holds no PEM private key (expected a '-----BEGIN ... PRIVATE "
                                 "KEY-----' block)"));
  }
  if (X509_check_private_key(certs.front().get(), pkey.get()) != 1) {
    ERR_clear_error();
    throw tls_error("the private key in " + describe(key) +
                    " does not belong to the certificate in " + describe(cert));
  }
  if (SSL_CTX_use_PrivateKey(ctx.native_handle(), pkey.get()) != 1)
    throw tls_error("cannot use the private key in " + describe(key) + ": " + openssl_reason());
}

// What the certificate check said, if it failed.
struct verify_note {
  long error = X509_V_OK;
  std::string subject;
};

std::string failure_text(const boost::system::error_code& ec, SSL* ssl, const verify_note& note,
                         std::string_view whose) {
  long verdict = note.error;
  if (verdict == X509_V_OK && ssl != nullptr) verdict = SSL_get_verify_result(ssl);
  std::string text;
  if (ec.category() == asio::error::get_ssl_category()) {
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    text = reason != nullptr ? reason : ec.message();
  } else if (ec == asio::ssl::error::stream_truncated || ec == asio::error::eof) {
    text = "the peer closed the connection during the handshake";
  } else {
    text = ec.message();
  }
  if (verdict != X509_V_OK) {
    text += ": " + std::string(whose) + " certificate";
    if (!note.subject.empty()) text += " " + note.subject;
    text += " failed verification: " + std::string(X509_verify_cert_error_string(verdict));
  }
  return text;
}

// Records the first failing certificate's verdict and subject (OpenSSL reports only the last).
template <typename Stream>
void watch_verification(Stream& s, std::shared_ptr<verify_note> note) {
  s.set_verify_callback([note](bool preverified, ssl::verify_context& vc) {
    if (!preverified && note->error == X509_V_OK) {
      X509_STORE_CTX* store = vc.native_handle();
      note->error = X509_STORE_CTX_get_error(store);
      if (X509* x = X509_STORE_CTX_get_current_cert(store)) note->subject = subject_text(x);
    }
    return preverified;
  });
}

asio::awaitable<handshake_result> handshake(std::unique_ptr<transport::tls_stream> s,
                                            ssl::stream_base::handshake_type type,
                                            std::chrono::steady_clock::time_point deadline,
                                            std::shared_ptr<verify_note> note,
                                            std::string_view whose) {
  asio::steady_timer timer(s->get_executor());
  timer.expires_at(deadline);
  auto outcome = co_await (s->async_handshake(type, use_tuple) || timer.async_wait(use_tuple));
  handshake_result r;
  if (outcome.index() == 1) {
    r.error = "the TLS handshake did not finish in time";
    co_return r;
  }
  const auto [ec] = std::get<0>(outcome);
  if (ec) {
    r.error = failure_text(ec, s->native_handle(), *note, whose);
    ERR_clear_error();
    co_return r;
  }
  if (type == ssl::stream_base::server) {
    const char* sni = SSL_get_servername(s->native_handle(), TLSEXT_NAMETYPE_host_name);
    if (sni != nullptr) r.server_name = sni;
  }
  r.stream.emplace(std::move(s));
  co_return r;
}

}  // namespace

pem_source read_pem_file(std::string key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw tls_error("key '" + key + "': cannot read '" + path + "': " + std::strerror(err));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return pem_source{std::move(key), path, std::move(text).str()};
}

std::shared_ptr<ssl::context> make_server_context(const server_tls_material& m) {
  auto ctx = new_context(ssl::context::tls_server);
  load_identity(*ctx, m.certificate, m.private_key);
  // OpenSSL refuses to resume a session (TLS 1.2 session ids) on a context that verifies
  // peers unless the context names its sessions: a resuming client would fail its handshake
  // with "session id context uninitialized".
  static constexpr unsigned char session_context[] = "cqlshift";
  SSL_CTX_set_session_id_context(ctx->native_handle(), session_context, sizeof session_context - 1);
  if (m.ca.text.empty()) {
    if (m.require_client_auth) {
      throw tls_error(
          "client certificates are required, but no CA certificate to verify them "
          "against was given (" +
          m.ca.key + ")");
    }
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
  }
  const auto certs = load_ca(*ctx, m.ca);
  // Clients are told which CAs are accepted; a client certificate, when sent, is verified.
  STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
  for (const auto& x : certs)
    sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(x.get())));
  SSL_CTX_set_client_CA_list(ctx->native_handle(), names);
  ctx->set_verify_mode(m.require_client_auth ? ssl::verify_peer | ssl::verify_fail_if_no_peer_cert
                                             : ssl::verify_peer);
  return ctx;
}

std::shared_ptr<ssl::context> make_client_context(const client_tls_material& m) {
  auto ctx = new_context(ssl::context::tls_client);
  load_ca(*ctx, m.ca);
  if (m.certificate && m.private_key) load_identity(*ctx, *m.certificate, *m.private_key);
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

std::string transport::security() const {
  if (!tls_) return "plaintext";
  SSL* ssl = const_cast<tls_stream&>(*tls_).native_handle();
  return std::string(SSL_get_version(ssl)) + " " + SSL_get_cipher_name(ssl);
}

void transport::shutdown_send() noexcept {
  boost::system::error_code ignored;
  socket().shutdown(tcp_socket::shutdown_send, ignored);
}

void transport::close() noexcept {
  boost::system::error_code ignored;
  socket().shutdown(tcp_socket::shutdown_both, ignored);
  socket().close(ignored);
}

asio::awaitable<handshake_result> client_handshake(asio::ip::tcp::socket socket, ssl::context& ctx,
                                                   const tls_peer& peer,
                                                   std::chrono::steady_clock::time_point deadline) {
  auto s = std::make_unique<transport::tls_stream>(std::move(socket), ctx);
  SSL* ssl = s->native_handle();
  boost::system::error_code not_ip;
  asio::ip::make_address(peer.server_name, not_ip);
  if (!peer.server_name.empty() && not_ip) SSL_set_tlsext_host_name(ssl, peer.server_name.c_str());
  if (!peer.verify_name.empty()) {
    boost::system::error_code ec;
    asio::ip::make_address(peer.verify_name, ec);
    if (ec) {
      SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      SSL_set1_host(ssl, peer.verify_name.c_str());
    } else {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), peer.verify_name.c_str());
    }
  }
  auto note = std::make_shared<verify_note>();
  watch_verification(*s, note);
  co_return co_await handshake(std::move(s), ssl::stream_base::client, deadline, note,
                               "the server");
}

asio::awaitable<handshake_result> server_handshake(asio::ip::tcp::socket socket, ssl::context& ctx,
                                                   std::chrono::steady_clock::time_point deadline) {
  auto s = std::make_unique<transport::tls_stream>(std::move(socket), ctx);
  auto note = std::make_shared<verify_note>();
  watch_verification(*s, note);
  co_return co_await handshake(std::move(s), ssl::stream_base::server, deadline, note,
                               "the client");
}

}  // namespace cqlshift::net
