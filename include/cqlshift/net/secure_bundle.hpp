#pragma once
// Secure connect bundles (Astra-style): a zip holding the cluster's CA (ca.crt), a client
// certificate and key (cert, key) and config.json, which names the metadata service. The
// metadata service, asked over mutual TLS, names the SNI proxy every CQL connection goes to and
// the host ids to send as SNI, one per node.
//
// Reading and fetching happen at start-up (and reload); failures are tls_error exceptions whose
// message names the config key, the file or URL, and what is wrong.

#include "cqlshift/net/tls.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cqlshift::net {

struct secure_bundle {
  std::string path;  // the zip
  // Each source's key is the config key; its `where` is "PATH: ENTRY".
  pem_source ca;
  pem_source certificate;
  pem_source private_key;
  std::string host;                       // the metadata service (config.json "host")
  std::uint16_t port = 0;                 // config.json "port"
  std::optional<std::uint16_t> cql_port;  // config.json "cql_port"
  std::string local_dc;                   // config.json "localDC"; empty if absent
};

// The zip's contents and config.json's fields; throws tls_error ("key 'K': 'PATH' has no
// 'ca.crt'", "...: config.json has no \"host\"", ...). The PEM text is not parsed here:
// make_client_context(tls_material(bundle)) does that. Entries are found under the names
// config.json gives (caCertLocation, certLocation, keyLocation, e.g. "./ca.crt") if present,
// else as ca.crt, cert and key.
secure_bundle read_secure_bundle(std::string key, const std::string& path);

// The bundle's material for make_client_context: its CA, and its certificate and key as the
// client's identity (mutual TLS).
client_tls_material tls_material(const secure_bundle& bundle);

// What the metadata service says.
struct bundle_metadata {
  std::string local_dc;               // contact_info.local_dc; empty if absent
  std::vector<std::string> host_ids;  // contact_info.contact_points, at least one
  std::string sni_proxy_host;         // contact_info.sni_proxy_address, split
  std::uint16_t sni_proxy_port = 0;
};

// Parses the metadata service's answer; throws tls_error naming `source` (the URL) and the field
// that is missing or malformed.
bundle_metadata parse_bundle_metadata(std::string_view json, const std::string& source);

// "https://HOST:PORT/metadata", as the messages name it.
std::string metadata_url(const secure_bundle& bundle);

// GET https://HOST:PORT/metadata over mutual TLS through `ctx` (make_client_context of
// tls_material(bundle)), the server's certificate verified against the bundle's CA and its name
// against bundle.host. Resolving, connecting, the handshake, the request and the response all
// finish by `deadline`. Throws tls_error naming the URL and the reason: cannot resolve, cannot
// connect, the TLS failure ("hostname mismatch", ...), an HTTP status other than 200, a malformed
// answer. `bundle` and `ctx` must outlive the returned awaitable (co_await it in place).
boost::asio::awaitable<bundle_metadata> fetch_bundle_metadata(
    const secure_bundle& bundle, boost::asio::ssl::context& ctx,
    std::chrono::steady_clock::time_point deadline);

}  // namespace cqlshift::net
