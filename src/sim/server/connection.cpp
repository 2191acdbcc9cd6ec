#include "server/connection.hpp"

#include "server/handshake.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace cqlshift::sim {
namespace {

namespace asio = boost::asio;
using protocol::errc;
using protocol::opcode;

using net::use_tuple;

// After a fatal error is written, how long the client gets to read it and close before the
// server closes (closing with unread input would reset the connection and could destroy the
// error in flight).
constexpr std::chrono::seconds linger_time{2};

std::string opcode_text(std::uint8_t raw_op) {
  const std::string name(protocol::to_string(static_cast<opcode>(raw_op)));
  return std::to_string(raw_op) + " (" + name + ")";
}

// Why a frame of this direction and opcode cannot be a request, as Cassandra's
// Message.Type.fromOpcode words it; nullopt for a request.
std::optional<std::string> direction_error(bool response, opcode op) {
  const auto raw_op = static_cast<std::uint8_t>(op);
  // DSE's REVISE_REQUEST (continuous paging) is not simulated.
  if (op == opcode::dse_revise_request) return "Unknown opcode " + std::to_string(raw_op);
  const bool request_op = protocol::is_request_opcode(op);
  if (request_op && !response) return std::nullopt;
  if (request_op || !response) {
    return std::string("Wrong protocol direction (expected ") +
           (request_op ? "REQUEST" : "RESPONSE") + ", got " + (response ? "RESPONSE" : "REQUEST") +
           ") for opcode " + opcode_text(raw_op);
  }
  return "Unexpected message " + std::string(protocol::to_string(op)) + " (opcode " +
         std::to_string(raw_op) + "): a client sends requests only";
}

}  // namespace

connection::connection(std::shared_ptr<cql_server::state> server, net::transport stream,
                       std::size_t node, std::uint64_t id)
    : server_(std::move(server)),
      stream_(std::move(stream)),
      wake_(stream_.get_executor()),
      drained_(stream_.get_executor()),
      linger_(stream_.get_executor()),
      node_(node),
      id_(id) {
  session_.node = node;
}

void connection::start() {
  asio::co_spawn(stream_.get_executor(), read_loop(shared_from_this()), asio::detached);
  asio::co_spawn(stream_.get_executor(), write_loop(shared_from_this()), asio::detached);
}

void connection::close() noexcept {
  if (closed_) return;
  closed_ = true;
  closing_ = true;
  stream_.close();
  wake_.cancel();
  drained_.cancel();
  linger_.cancel();
  for (asio::steady_timer* t : delays_)
    t->cancel();
  delays_.clear();
  server_->remove(id_);
}

// `self` keeps the connection alive while the coroutine runs (parameters live in its frame).
asio::awaitable<void> connection::read_loop([[maybe_unused]] std::shared_ptr<connection> self) {
  while (!closed_) {
    if (output_.pending_bytes() > max_pending_output) {
      drained_.expires_at(asio::steady_timer::time_point::max());
      co_await drained_.async_wait(use_tuple);
      continue;
    }
    auto [ec, n] = co_await stream_.read_some(asio::buffer(read_buffer_));
    if (ec) {
      close();
      break;
    }
    // After a fatal error the input is drained unread until the client closes.
    if (!closing_) on_input(protocol::byte_view(read_buffer_.data(), n));
  }
}

asio::awaitable<void> connection::write_loop([[maybe_unused]] std::shared_ptr<connection> self) {
  while (!closed_) {
    if (output_.empty()) {
      if (closing_) {
        // Everything before the fatal error is written: stop sending, give the client a
        // moment to read and close, then close.
        stream_.shutdown_send();
        linger_.expires_after(linger_time);
        co_await linger_.async_wait(use_tuple);
        close();
        break;
      }
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(use_tuple);
      continue;
    }
    output_.take(writing_);
    auto [ec, n] = co_await stream_.write(asio::buffer(writing_));
    if (ec) {
      close();
      break;
    }
    drained_.cancel();
    if (writing_.capacity() > frame_output::retained_capacity) protocol::bytes().swap(writing_);
  }
}

void connection::wake_writer() noexcept {
  wake_.cancel();
}

void connection::on_input(protocol::byte_view data) {
  if (segments_in_) {
    segments_in_->feed(data);
    frame_segmented();
    return;
  }
  input_.append(data);
  frame_unsegmented();
}

void connection::frame_unsegmented() {
  const server_options& opts = server_->options;
  while (!closing_) {
    const protocol::byte_view avail = input_.view();
    if (avail.empty()) return;
    const std::size_t hsize = protocol::header_size_for_raw_version(avail[0]);
    if (avail.size() < hsize) return;
    const std::uint8_t raw_version = avail[0] & 0x7F;
    const auto stream = hsize == 9 ? static_cast<std::int16_t>((avail[2] << 8) | avail[3])
                                   : static_cast<std::int16_t>(static_cast<std::int8_t>(avail[2]));
    // Like Cassandra, the version is judged before anything else in the header, and the
    // refusal goes on stream 0, where drivers look for it (gocql reserves stream 0 for such
    // errors and downgrades to the version of their header; the Python driver's first
    // request is on stream 0).
    if (auto refusal = refuse_version(raw_version, opts.versions)) {
      fail(refusal->reply_version, 0, std::move(refusal->message));
      return;
    }
    auto header = protocol::decode_header(avail, opts.max_frame_size);
    if (!header) {
      const auto e = static_cast<errc>(header.error().value());
      const std::size_t op_at = hsize - 5;
      if (e == errc::unknown_opcode) {
        fail(raw_version, stream, "Unknown opcode " + std::to_string(avail[op_at]));
      } else if (e == errc::frame_too_large) {
        std::uint64_t length = 0;
        for (std::size_t k = op_at + 1; k < hsize; ++k)
          length = (length << 8) | avail[k];
        fail(raw_version, stream,
             "Request is too big: length " + std::to_string(length + hsize) +
                 " exceeds maximum allowed length " + std::to_string(opts.max_frame_size) + ".");
      } else {
        fail(raw_version, stream, std::string("Invalid frame header: ") + protocol::describe(e));
      }
      return;
    }
    if (auto message = direction_error(header->response, header->op)) {
      fail(raw_version, stream, std::move(*message));
      return;
    }
    if (avail.size() < hsize + header->length) return;
    on_frame(*header, avail.subspan(hsize, header->length));
    input_.consume(hsize + header->length);
    if (input_segments_after_frame_) {
      // The rest of the input is segments (v5 after STARTUP).
      segments_in_.emplace(*input_segments_after_frame_,
                           protocol::frame_reader::options{opts.max_frame_size, false});
      input_segments_after_frame_.reset();
      const protocol::byte_view rest = input_.view();
      if (!rest.empty()) segments_in_->feed(rest);
      input_ = protocol::input_buffer();
      frame_segmented();
      return;
    }
  }
}

void connection::frame_segmented() {
  while (!closing_) {
    auto next = segments_in_->next();
    if (!next) {
      const auto e = static_cast<errc>(next.error().value());
      // The stream id of a frame the segments could not deliver is unknown: stream 0.
      std::string message =
          e == errc::wrong_direction || e == errc::unknown_opcode || e == errc::frame_too_large
              ? std::string("Invalid frame: ") + protocol::describe(e)
              : std::string("Invalid segment: ") + protocol::describe(e);
      fail(protocol::raw(*version_), 0, std::move(message));
      return;
    }
    if (!*next) return;
    const protocol::frame& f = **next;
    if (auto message = direction_error(false, f.header.op)) {
      fail(protocol::raw(*version_), f.header.stream, std::move(*message));
      return;
    }
    on_frame(f.header, f.body);
  }
}

void connection::fail(std::uint8_t raw_version, std::int16_t stream, std::string message) {
  reply_to to;
  to.version = raw_version;
  to.stream = stream;
  respond_error(to, protocol_error(std::move(message)));
  closing_ = true;
  wake_writer();
}

}  // namespace cqlshift::sim
