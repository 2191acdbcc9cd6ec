#include "cluster_tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cqlshift::proxy {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using net::use_tuple;

cluster_tls load_cluster(const config::cluster_settings& c, const std::string& prefix) {
  cluster_tls t;
  t.prefix = prefix;
  t.verify_hostname = c.tls_verify_hostname;
  if (!c.secure_connect_bundle_path.empty()) {
    net::secure_bundle b = net::read_secure_bundle(prefix + "_secure_connect_bundle_path",
                                                   c.secure_connect_bundle_path);
    t.context = net::make_client_context(net::tls_material(b));
    t.bundle = std::move(b);
    return t;
  }
  if (c.tls_server_ca_path.empty()) return t;
  net::client_tls_material m;
  m.ca = net::read_pem_file(prefix + "_tls_server_ca_path", c.tls_server_ca_path);
  if (!c.tls_client_cert_path.empty()) {
    m.certificate = net::read_pem_file(prefix + "_tls_client_cert_path", c.tls_client_cert_path);
    m.private_key = net::read_pem_file(prefix + "_tls_client_key_path", c.tls_client_key_path);
  }
  t.context = net::make_client_context(m);
  return t;
}

}  // namespace

tls_setup load_tls(const config::settings& s) {
  tls_setup t;
  if (!s.proxy_tls_cert_path.empty()) {
    net::server_tls_material m;
    m.certificate = net::read_pem_file("proxy_tls_cert_path", s.proxy_tls_cert_path);
    m.private_key = net::read_pem_file("proxy_tls_key_path", s.proxy_tls_key_path);
    m.ca = net::read_pem_file("proxy_tls_ca_path", s.proxy_tls_ca_path);
    m.require_client_auth = s.proxy_tls_require_client_auth;
    t.clients = net::make_server_context(m);
  }
  t.clusters[0] = load_cluster(s.origin, "origin");
  t.clusters[1] = load_cluster(s.target, "target");
  return t;
}

asio::awaitable<node_connection> connect_to_node(asio::any_io_executor executor,
                                                 const cluster_tls& tls, const node_address& node,
                                                 std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  asio::ip::tcp::socket socket(executor);
  asio::steady_timer timer(executor);
  timer.expires_at(deadline);
  auto connected =
      co_await (socket.async_connect(node.endpoint, use_tuple) || timer.async_wait(use_tuple));
  node_connection r;
  if (connected.index() == 1) {
    r.timed_out = true;
    r.error = "no connection within " + std::to_string(limit.count()) + " ms";
    co_return r;
  }
  if (const auto [ec] = std::get<0>(connected); ec) {
    r.error = ec.message();
    co_return r;
  }
  if (!tls.context) {
    r.stream.emplace(std::move(socket));
    co_return r;
  }
  net::tls_peer peer;
  peer.server_name = node.name;
  if (tls.verify_hostname) peer.verify_name = tls.bundle ? tls.bundle->host : node.name;
  auto h = co_await net::client_handshake(std::move(socket), *tls.context, peer, deadline);
  if (!h.stream) {
    r.error = "TLS handshake failed: " + h.error;
    if (h.error.find("hostname mismatch") != std::string::npos ||
        h.error.find("IP address mismatch") != std::string::npos) {
      r.error += " (the certificate does not name '" + peer.verify_name +
                 "': give it that name "
                 "as a subject alternative name, connect by a name it carries, or set " +
                 tls.prefix + "_tls_verify_hostname: false)";
    }
    co_return r;
  }
  r.stream = std::move(h.stream);
  co_return r;
}

}  // namespace cqlshift::proxy
