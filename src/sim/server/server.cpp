#include "server/server.hpp"

#include "server/connection.hpp"
#include "server/server_state.hpp"

#include "cqlshift/net/tls.hpp"
#include "cqlshift/net/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/socket.h>

#include <chrono>
#include <exception>
#include <iostream>
#include <string>

namespace cqlshift::sim {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

protocol::bytes address_bytes(const asio::ip::address& a) {
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    return protocol::bytes(b.begin(), b.end());
  }
  const auto b = a.to_v6().to_bytes();
  return protocol::bytes(b.begin(), b.end());
}

std::int64_t unix_time_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void open_connection(const std::shared_ptr<cql_server::state>& st, net::transport stream,
                     std::size_t node, std::uint64_t id) {
  auto c = std::make_shared<connection>(st, std::move(stream), node, id);
  st->add(c);
  c->start();
}

// One accepted socket's TLS handshake, then its connection. A failed handshake closes only
// this socket; it is logged on stderr (cqlsim has no other log) and in the handshake log.
asio::awaitable<void> open_tls_connection(std::shared_ptr<cql_server::state> st, tcp::socket socket,
                                          std::size_t node, std::uint64_t id) {
  boost::system::error_code ec;
  const tcp::endpoint peer_endpoint = socket.remote_endpoint(ec);
  const std::string peer = ec ? std::string("an unknown peer") : net::authority_text(peer_endpoint);
  net::handshake_result result;
  st->handshaking.emplace(id, socket.native_handle());
  try {
    result = co_await net::server_handshake(
        std::move(socket), *st->options.tls,
        std::chrono::steady_clock::now() + st->options.tls_handshake_timeout);
  } catch (const std::exception& e) {
    // OpenSSL out of memory: the socket is gone with the stream that owned it.
    result.error = e.what();
  }
  st->handshaking.erase(id);
  if (st->stopped) co_return;

  tls_handshake_record record;
  record.node = node;
  record.peer = peer;
  record.accepted = result.stream.has_value();
  record.server_name = result.server_name;
  record.error = result.error;
  record.time_micros = unix_time_micros();
  st->faults.record_handshake(std::move(record));
  if (!result.stream) {
    const tcp::endpoint local = st->acceptors[node].local_endpoint(ec);
    std::cerr << "cqlsim: node " << node << " (" << (ec ? "?" : net::authority_text(local))
              << "): TLS handshake with " << peer << " failed: " << result.error << "\n";
    co_return;
  }
  open_connection(st, std::move(*result.stream), node, id);
}

asio::awaitable<void> accept_loop(std::shared_ptr<cql_server::state> st, std::size_t node) {
  tcp::acceptor& acceptor = st->acceptors[node];
  while (!st->stopped) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (st->stopped) break;
    if (ec) {
      if (ec == asio::error::operation_aborted) break;
      // Out of descriptors or the like: try again shortly rather than spin.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const std::uint64_t id = st->next_connection_id++;
    if (st->options.tls) {
      // Not awaited: a slow handshake must not hold up the next client.
      asio::co_spawn(acceptor.get_executor(), open_tls_connection(st, std::move(socket), node, id),
                     asio::detached);
    } else {
      open_connection(st, net::transport(std::move(socket)), node, id);
    }
  }
}

}  // namespace

cql_server::state::state(asio::io_context& io_context, std::vector<tcp::acceptor> bound,
                         database& database, fault_registry& fault_rules, server_options opts)
    : io(io_context),
      acceptors(std::move(bound)),
      db(database),
      faults(fault_rules),
      options(std::move(opts)),
      processor(db, prepared, options.prepared_id_salt) {
  for (const tcp::acceptor& a : acceptors) {
    boost::system::error_code ec;
    const tcp::endpoint e = a.local_endpoint(ec);
    node_addresses.push_back(ec ? protocol::bytes{127, 0, 0, 1} : address_bytes(e.address()));
  }
}

void cql_server::state::broadcast(const protocol::schema_change& change) {
  for (auto& [id, c] : connections)
    c->push_schema_event(change);
}

void cql_server::state::add(std::shared_ptr<connection> c) {
  const std::uint64_t id = c->id();
  connections.emplace(id, std::move(c));
}

void cql_server::state::remove(std::uint64_t connection_id) noexcept {
  connections.erase(connection_id);
}

cql_server::cql_server(asio::io_context& io, std::vector<tcp::acceptor> acceptors, database& db,
                       fault_registry& faults, server_options options)
    : state_(std::make_shared<state>(io, std::move(acceptors), db, faults, std::move(options))) {}

cql_server::~cql_server() {
  stop();
}

void cql_server::start() {
  if (state_->started || state_->stopped) return;
  state_->started = true;
  for (std::size_t node = 0; node < state_->acceptors.size(); ++node) {
    asio::co_spawn(state_->io, accept_loop(state_, node), asio::detached);
  }
}

void cql_server::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  for (tcp::acceptor& a : state_->acceptors) {
    boost::system::error_code ignored;
    a.close(ignored);
  }
  // The handshakes own their sockets; shutting a socket down (not closing it: the descriptor
  // stays theirs) makes its handshake fail at once, so no coroutine outlives stop() by the
  // handshake timeout.
  for (const auto& [id, fd] : state_->handshaking)
    ::shutdown(fd, SHUT_RDWR);
  // close() removes each connection from the map: iterate over a copy.
  std::vector<std::shared_ptr<connection>> open;
  open.reserve(state_->connections.size());
  for (auto& [id, c] : state_->connections)
    open.push_back(c);
  for (auto& c : open)
    c->close();
}

std::vector<tcp::endpoint> cql_server::endpoints() const {
  std::vector<tcp::endpoint> out;
  for (const tcp::acceptor& a : state_->acceptors) {
    boost::system::error_code ec;
    out.push_back(a.local_endpoint(ec));
  }
  return out;
}

std::size_t cql_server::connection_count() const noexcept {
  return state_->connections.size();
}

}  // namespace cqlshift::sim
