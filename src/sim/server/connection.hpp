#pragma once
// One client connection to one node: a reader coroutine that frames and dispatches requests,
// and a writer coroutine that drains the output queue, both owning the connection through a
// shared_ptr so it lives until both have finished.
//
// Requests are answered in order of completion with their stream id. Most complete while
// being read; a delayed one (fault injection) completes later while the others keep flowing.
// The state machine follows Cassandra's ServerConnection: OPTIONS and STARTUP first, then
// AUTH_RESPONSE until authenticated when a password is required, then everything else.

#include "cqlshift/net/transport.hpp"
#include "cqlshift/protocol/compression.hpp"
#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/input_buffer.hpp"
#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/protocol/segment.hpp"
#include "cqlshift/sim/database.hpp"
#include "server/frame_output.hpp"
#include "server/request_processor.hpp"
#include "server/server_state.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

namespace cqlshift::sim {

class connection : public std::enable_shared_from_this<connection> {
 public:
  // A client that sends requests without reading the answers stops being read once this
  // much output waits, so it cannot make the server buffer without bound.
  static constexpr std::size_t max_pending_output = 8 * 1024 * 1024;

  // `stream`: plain TCP, or TLS with its handshake done.
  connection(std::shared_ptr<cql_server::state> server, net::transport stream, std::size_t node,
             std::uint64_t id);

  // Spawns the reader and the writer.
  void start();
  // Closes the socket now, dropping unwritten output and delayed requests. Idempotent.
  void close() noexcept;

  std::uint64_t id() const noexcept { return id_; }
  // Queues the SCHEMA_CHANGE event if this connection REGISTERed for it.
  void push_schema_event(const protocol::schema_change& change);

 private:
  enum class phase : std::uint8_t { uninitialized, authentication, ready };

  // The frame a response answers.
  struct reply_to {
    std::uint8_t version = 0;  // raw version byte
    std::int16_t stream = 0;
    protocol::opcode op = protocol::opcode::options;
    std::optional<protocol::bytes_map> custom_payload;  // echoed back
  };

  boost::asio::awaitable<void> read_loop(std::shared_ptr<connection> self);
  boost::asio::awaitable<void> write_loop(std::shared_ptr<connection> self);
  boost::asio::awaitable<void> run_delayed(std::shared_ptr<connection> self,
                                           std::shared_ptr<boost::asio::steady_timer> timer,
                                           reply_to to, planned_request request);

  // Framing (connection.cpp).
  void on_input(protocol::byte_view data);
  void frame_unsegmented();
  void frame_segmented();
  // A framing error: answer PROTOCOL_ERROR on `stream`, then close once it is written.
  void fail(std::uint8_t raw_version, std::int16_t stream, std::string message);

  // Requests (connection_requests.cpp).
  void on_frame(const protocol::frame_header& header, protocol::byte_view body);
  void handle(const reply_to& to, planned_request& request);
  void handle_startup(const reply_to& to, const protocol::startup& message);
  void handle_auth_response(const reply_to& to, const protocol::auth_response& message);
  void handle_register(const reply_to& to, const protocol::register_request& message);
  std::optional<cql_error> check_phase(protocol::opcode op) const;

  // Output.
  void respond(const reply_to& to, const protocol::response& response);
  void respond_error(const reply_to& to, const cql_error& error);
  // False when the frame cannot be encoded (nothing is queued then).
  bool queue_frame(std::uint8_t raw_version, std::int16_t stream, protocol::opcode op,
                   const protocol::bytes& message, const protocol::envelope& env);
  void wake_writer() noexcept;

  std::shared_ptr<cql_server::state> server_;
  net::transport stream_;
  boost::asio::steady_timer wake_;     // the idle writer waits on it; cancel() wakes it
  boost::asio::steady_timer drained_;  // the reader waits on it while output is backed up
  boost::asio::steady_timer linger_;   // bounds the wait for the client after a final error
  const std::size_t node_;
  const std::uint64_t id_;

  // Fixed by the first frame.
  std::optional<protocol::protocol_version> version_;
  phase phase_ = phase::uninitialized;
  session_state session_;
  bool schema_events_ = false;

  // Input.
  std::array<std::uint8_t, 64 * 1024> read_buffer_{};
  protocol::input_buffer input_;                                 // before v5 segments
  std::optional<protocol::segmented_frame_reader> segments_in_;  // v5 after STARTUP
  // Set by a v5 STARTUP (lz4 or not): frames after it arrive in segments, and the answer to
  // it is the last frame sent outside them (Cassandra's InitialConnectionHandler).
  std::optional<bool> input_segments_after_frame_;
  std::optional<bool> output_segments_after_startup_;
  protocol::compression_algorithm body_compression_ = protocol::compression_algorithm::none;

  // Output.
  frame_output output_;
  protocol::bytes writing_;
  // After a fatal error: no more input is handled, and the socket closes once output drains.
  bool closing_ = false;
  bool closed_ = false;
  std::unordered_set<boost::asio::steady_timer*> delays_;
};

}  // namespace cqlshift::sim
