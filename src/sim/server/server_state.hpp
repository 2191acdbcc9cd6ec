#pragma once
// What every connection of one cql_server shares. Touched only from the server's one thread.

#include "cqlshift/protocol/primitives.hpp"
#include "cqlshift/protocol/schema_change.hpp"
#include "server/prepared_cache.hpp"
#include "server/request_processor.hpp"
#include "server/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace cqlshift::sim {

class connection;

struct cql_server::state {
  state(boost::asio::io_context& io, std::vector<boost::asio::ip::tcp::acceptor> acceptors,
        database& db, fault_registry& faults, server_options options);

  // Sends a SCHEMA_CHANGE event to every connection that registered for it, on every node.
  void broadcast(const protocol::schema_change& change);
  void add(std::shared_ptr<connection> c);
  // Called by a connection when it closes.
  void remove(std::uint64_t connection_id) noexcept;

  boost::asio::io_context& io;
  std::vector<boost::asio::ip::tcp::acceptor> acceptors;
  std::vector<protocol::bytes> node_addresses;  // per node, 4 or 16 bytes
  database& db;
  fault_registry& faults;
  const server_options options;
  prepared_cache prepared;
  request_processor processor;
  std::unordered_map<std::uint64_t, std::shared_ptr<connection>> connections;
  // The sockets whose TLS handshake is under way, by connection id. The handshake owns them;
  // an entry lives exactly as long as its socket is open, so stop() may shut them down to end
  // the handshakes at once.
  std::unordered_map<std::uint64_t, boost::asio::ip::tcp::socket::native_handle_type> handshaking;
  std::uint64_t next_connection_id = 1;
  bool started = false;
  bool stopped = false;
};

}  // namespace cqlshift::sim
