#pragma once
// TLS with OpenSSL through asio::ssl: contexts built once at start-up from PEM material (files
// named by config keys, or a secure connect bundle's entries), and the handshakes that turn a
// connected TCP socket into a TLS transport.
//
// Every failure says why in words an operator can act on: the config key and the file, the
// certificate's validity dates, OpenSSL's reason, and the certificate check's verdict
// ("hostname mismatch", "certificate has expired", "unable to get local issuer certificate").

#include "cqlshift/net/transport.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace cqlshift::net {

// TLS material that cannot be used; the message names the key, the file and the reason.
class tls_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// PEM text and where it came from, for messages.
struct pem_source {
  std::string key;    // the config key ("proxy_tls_cert_path", "origin_secure_connect_bundle_path")
  std::string where;  // the file, or "BUNDLE.zip: ENTRY"
  std::string text;   // the PEM text
};

// Reads a PEM file; throws tls_error naming the key and the file when it cannot be read.
pem_source read_pem_file(std::string key, const std::string& path);

struct server_tls_material {
  pem_source certificate;  // the chain the proxy presents, leaf first
  pem_source private_key;
  // Client certificates, when sent, are verified against it. Empty text: no client
  // verification (no certificate is asked for, one sent is not checked), which
  // require_client_auth does not allow.
  pem_source ca;
  bool require_client_auth = false;
};

struct client_tls_material {
  pem_source ca;                          // the servers' certificates are verified against it
  std::optional<pem_source> certificate;  // mutual TLS: the chain presented to the server
  std::optional<pem_source> private_key;
};

// TLS 1.2 at least, certificates checked now (parse, key match, validity dates); throws
// tls_error. The context is shared by every connection of its side.
std::shared_ptr<boost::asio::ssl::context> make_server_context(const server_tls_material& m);
std::shared_ptr<boost::asio::ssl::context> make_client_context(const client_tls_material& m);

// Whom a client expects to reach.
struct tls_peer {
  std::string server_name;  // sent as SNI when it is a host name (never an IP address)
  std::string verify_name;  // the host name or IP address the certificate must match; empty:
                            // the chain is verified, the name is not
};

struct handshake_result {
  std::optional<transport> stream;  // set on success
  std::string error;                // why it failed
  std::string server_name;          // server side: the SNI the client sent ("" if none)
};

boost::asio::awaitable<handshake_result> client_handshake(
    boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& ctx, const tls_peer& peer,
    std::chrono::steady_clock::time_point deadline);

boost::asio::awaitable<handshake_result> server_handshake(
    boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& ctx,
    std::chrono::steady_clock::time_point deadline);

// The first byte of a TLS handshake record (a ClientHello); no CQL frame starts with it.
inline constexpr std::uint8_t tls_record_first_byte = 0x16;

// True when the first byte a client sent opens a TLS handshake record.
constexpr bool starts_tls_handshake(std::uint8_t first_byte) noexcept {
  return first_byte == tls_record_first_byte;
}

}  // namespace cqlshift::net
