// Binding the simulated nodes' listening sockets.

#include "server/server.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/system/system_error.hpp>

#include <stdexcept>
#include <string>

namespace cqlshift::sim {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// When port 0 asks for one port on every address, each attempt takes the port the OS gave the
// first node; another process may hold it on a later address, so it retries a few times.
constexpr int max_port_attempts = 50;

// `base` plus `offset`, carrying through the address bytes.
asio::ip::address nth_address(const asio::ip::address& base, std::size_t offset) {
  if (base.is_v4()) {
    const std::uint64_t n = std::uint64_t{base.to_v4().to_uint()} + offset;
    if (n > 0xFFFFFFFFu) throw std::invalid_argument("--nodes runs past the last IPv4 address");
    return asio::ip::address_v4(static_cast<std::uint32_t>(n));
  }
  auto bytes = base.to_v6().to_bytes();
  std::uint64_t carry = offset;
  for (std::size_t i = bytes.size(); i-- > 0 && carry != 0;) {
    const std::uint64_t sum = bytes[i] + (carry & 0xFF);
    bytes[i] = static_cast<std::uint8_t>(sum);
    carry = (carry >> 8) + (sum >> 8);
  }
  if (carry != 0) throw std::invalid_argument("--nodes runs past the last IPv6 address");
  return asio::ip::address_v6(bytes, base.to_v6().scope_id());
}

tcp::acceptor listen_on(asio::io_context& io, const tcp::endpoint& endpoint,
                        boost::system::error_code& ec) {
  tcp::acceptor a(io);
  if (a.open(endpoint.protocol(), ec)) return a;
  a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (a.bind(endpoint, ec)) return a;
  a.listen(asio::socket_base::max_listen_connections, ec);
  return a;
}

tcp::acceptor listen_or_throw(asio::io_context& io, const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  tcp::acceptor a = listen_on(io, endpoint, ec);
  if (ec) {
    throw boost::system::system_error(ec, "cannot listen on " + endpoint.address().to_string() +
                                              ":" + std::to_string(endpoint.port()));
  }
  return a;
}

}  // namespace

std::vector<tcp::acceptor> bind_nodes(asio::io_context& io, const listen_options& options) {
  boost::system::error_code ec;
  const asio::ip::address base = asio::ip::make_address(options.address, ec);
  if (ec) throw std::invalid_argument("not an IP address: '" + options.address + "'");
  if (options.nodes == 0) throw std::invalid_argument("at least one node is needed");

  std::vector<tcp::acceptor> acceptors;
  if (options.port_per_node) {
    if (options.port != 0 && options.port + (options.nodes - 1) > 0xFFFF) {
      throw std::invalid_argument("--nodes runs past port 65535");
    }
    for (std::size_t i = 0; i < options.nodes; ++i) {
      const auto port = static_cast<std::uint16_t>(options.port == 0 ? 0 : options.port + i);
      acceptors.push_back(listen_or_throw(io, tcp::endpoint(base, port)));
    }
    return acceptors;
  }

  std::vector<asio::ip::address> addresses;
  for (std::size_t i = 0; i < options.nodes; ++i)
    addresses.push_back(nth_address(base, i));
  if (options.port != 0) {
    for (const auto& a : addresses)
      acceptors.push_back(listen_or_throw(io, tcp::endpoint(a, options.port)));
    return acceptors;
  }
  for (int attempt = 1;; ++attempt) {
    acceptors.clear();
    acceptors.push_back(listen_or_throw(io, tcp::endpoint(addresses[0], 0)));
    const std::uint16_t port = acceptors[0].local_endpoint().port();
    boost::system::error_code bind_error;
    for (std::size_t i = 1; i < addresses.size() && !bind_error; ++i) {
      tcp::acceptor a = listen_on(io, tcp::endpoint(addresses[i], port), bind_error);
      if (!bind_error) acceptors.push_back(std::move(a));
    }
    if (!bind_error) return acceptors;
    if (bind_error != asio::error::address_in_use || attempt == max_port_attempts) {
      throw boost::system::system_error(
          bind_error, "cannot listen on port " + std::to_string(port) + " of every node address");
    }
  }
}

topology describe_nodes(const std::vector<tcp::acceptor>& acceptors,
                        const std::string& cluster_name, const std::string& datacenter) {
  std::vector<std::string> addresses;
  std::vector<std::uint16_t> ports;
  for (const tcp::acceptor& a : acceptors) {
    const tcp::endpoint e = a.local_endpoint();
    addresses.push_back(e.address().to_string());
    ports.push_back(e.port());
  }
  topology t = make_topology(cluster_name, addresses, ports);
  for (node_info& n : t.nodes)
    n.datacenter = datacenter;
  return t;
}

}  // namespace cqlshift::sim
