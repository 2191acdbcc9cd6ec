#pragma once
// cqlsim's native protocol server: one acceptor per simulated node, all on one io_context and
// one thread, every node serving the same database (database.hpp is not thread-safe, so
// nothing here ever runs on another thread).

#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/version.hpp"
#include "cqlshift/sim/database.hpp"
#include "cqlshift/sim/faults.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cqlshift::sim {

struct server_options {
  // The versions a client may use; others are refused the way Cassandra refuses them.
  std::vector<protocol::protocol_version> versions = {protocol::protocol_version::v3,
                                                      protocol::protocol_version::v4,
                                                      protocol::protocol_version::v5};
  // user -> password; empty: no authentication (AllowAllAuthenticator).
  std::map<std::string, std::string> credentials;
  // Prepended to what Cassandra hashes for a prepared id, so two cqlsims (Origin and Target)
  // can be made to hand out different ids for the same statement.
  std::string prepared_id_salt;
  std::uint32_t max_frame_size = protocol::default_max_frame_size;
  // Set: every node speaks TLS only (net::make_server_context); a client whose handshake fails
  // is logged on stderr and in the fault registry's handshake log, and disconnected.
  std::shared_ptr<boost::asio::ssl::context> tls;
  // A client that has not finished its TLS handshake by then is disconnected.
  std::chrono::milliseconds tls_handshake_timeout{10'000};
};

// Where the nodes listen: `nodes` consecutive addresses from `address` on one port, or with
// `port_per_node`, consecutive ports of `address`. Port 0 lets the OS choose.
struct listen_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 9042;
  std::size_t nodes = 1;
  bool port_per_node = false;
};

// Binds and listens, one acceptor per node, in node order. With port 0 and one port for all
// nodes, the first node takes a port the OS chooses and the others bind the same one; when
// that port is taken on another address it starts over with a new one. Throws
// boost::system::system_error when the nodes cannot be bound, std::invalid_argument for an
// unparsable address or a range that runs out of addresses or ports.
std::vector<boost::asio::ip::tcp::acceptor> bind_nodes(boost::asio::io_context& io,
                                                       const listen_options& options);

// The topology system.local/system.peers describe for these listening nodes.
topology describe_nodes(const std::vector<boost::asio::ip::tcp::acceptor>& acceptors,
                        const std::string& cluster_name, const std::string& datacenter);

// Serves the native protocol on bound acceptors. `db` and `faults` must outlive the server;
// everything runs on `io`'s one thread (construct, start and stop it there too, or before
// that thread runs).
class cql_server {
 public:
  cql_server(boost::asio::io_context& io, std::vector<boost::asio::ip::tcp::acceptor> acceptors,
             database& db, fault_registry& faults, server_options options);
  ~cql_server();
  cql_server(const cql_server&) = delete;
  cql_server& operator=(const cql_server&) = delete;

  // Starts accepting on every node.
  void start();
  // Stops accepting and closes every connection; pending delayed requests are dropped. Once
  // it returns, the server's coroutines finish as soon as `io` runs them.
  void stop();

  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;
  // Connections currently open (for tests: a closed connection leaves no state behind).
  std::size_t connection_count() const noexcept;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace cqlshift::sim
