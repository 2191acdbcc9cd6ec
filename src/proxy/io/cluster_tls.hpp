#pragma once
// TLS for the proxy (SPEC 14's TLS keys, issue 8): the contexts loaded once at start-up, and
// the connection to a cluster node (TCP, then TLS when that cluster uses it), shared by control
// connections, request connections and shadow connections.

#include "cluster_view.hpp"

#include "cqlshift/config/settings.hpp"
#include "cqlshift/net/secure_bundle.hpp"
#include "cqlshift/net/tls.hpp"
#include "cqlshift/net/transport.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace cqlshift::proxy {

struct cluster_tls {
  std::string prefix;                                  // "origin" or "target", for messages
  std::shared_ptr<boost::asio::ssl::context> context;  // null: plaintext
  bool verify_hostname = true;
  // From `*_secure_connect_bundle_path`: the metadata service, and the host name every node's
  // certificate is checked against (the SNI proxy's, as Astra's drivers do).
  std::optional<net::secure_bundle> bundle;
};

struct tls_setup {
  std::shared_ptr<boost::asio::ssl::context> clients;  // null: the listener is plaintext
  std::array<cluster_tls, 2> clusters;
};

// Reads every certificate, key and bundle the settings name; throws net::tls_error naming the
// key, the file and what is wrong with it.
tls_setup load_tls(const config::settings& s);

struct node_connection {
  std::optional<net::transport> stream;  // set when connected (and through TLS, if used)
  std::string error;                     // otherwise, why not
  bool timed_out = false;
};

// Connects to `node` within `limit`: TCP, then the TLS handshake when `tls.context` is set,
// sending the node's name as SNI and, with hostname verification, requiring the certificate to
// carry it (a bundle's host name for SNI-routed nodes).
boost::asio::awaitable<node_connection> connect_to_node(boost::asio::any_io_executor executor,
                                                        const cluster_tls& tls,
                                                        const node_address& node,
                                                        std::chrono::milliseconds limit);

}  // namespace cqlshift::proxy
