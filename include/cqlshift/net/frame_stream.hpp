#pragma once
// A connection (plain TCP or TLS, see transport.hpp) that carries native protocol frames, in both
// directions, before and after v5 segment framing. One reader (whoever calls read()) and one writer
// coroutine owned by the stream; frames to send are queued and written in batches (write
// coalescing), so callers never wait for the socket.
//
// Bodies are kept as they are on the wire: a v3/v4 body compressed by the peer stays
// compressed; the caller decompresses only where it must read it. In segment mode (v5 after
// the handshake) segments carry uncompressed frames; LZ4 is applied per segment here.
//
// Memory: a plain connection has no read buffer of its own (it reads into one per thread, then
// keeps only a partial frame), so an idle connection costs little; a TLS one reads through a
// 16 KiB buffer allocated on its first read.
//
// Thread: every call on the strand of the socket's executor (the session's io_context).

#include "cqlshift/net/transport.hpp"
#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/input_buffer.hpp"
#include "cqlshift/protocol/segment.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace cqlshift::net {

class frame_stream : public std::enable_shared_from_this<frame_stream> {
 public:
  // A peer whose frames we do not read stops being read once this much output waits for it
  // (backpressure: memory per connection stays bounded).
  static constexpr std::size_t max_pending_output = 16 * 1024 * 1024;

  frame_stream(transport connection, std::uint32_t max_frame_size);
  frame_stream(boost::asio::ip::tcp::socket socket, std::uint32_t max_frame_size)
      : frame_stream(transport(std::move(socket)), max_frame_size) {}
  ~frame_stream();

  // Starts the writer. Call once, after construction through make_shared.
  void start();

  // The next whole frame. Errors: asio errors (eof, reset, operation_aborted after close())
  // and protocol errc values for a malformed stream (the stream is then unusable).
  boost::asio::awaitable<protocol::result<protocol::frame>> read();

  // The version byte (direction bit cleared) of the frame at the front of the input, once at
  // least one byte arrived; lets a server refuse a version before the header is decoded.
  std::optional<std::uint8_t> front_version() const noexcept;

  // From the next frame on, input arrives in (LZ4 or plain) v5 segments. Bytes already
  // buffered after the current frame are re-read as segments.
  void segments_in(bool lz4);
  // From the next send() on, output goes out in segments.
  void segments_out(bool lz4);

  // Queues one encoded frame (header + body). Frames are sent in order.
  void send(protocol::bytes frame);
  // Queues the frame of header `h` (its length set from the body) and `body`, encoded straight
  // into the output (no buffer of its own before v5 segments).
  void send(const protocol::frame_header& h, protocol::byte_view body);
  // Bytes queued and not yet written.
  std::size_t pending_output() const noexcept { return pending_bytes_; }

  // Closes when the queued output is written (for a final error), or at once.
  void close_after_output() noexcept;
  void close() noexcept;
  bool is_open() const noexcept { return !closed_; }

  boost::asio::ip::tcp::endpoint remote_endpoint() const noexcept { return remote_; }
  boost::asio::any_io_executor get_executor() { return io_.get_executor(); }
  bool is_tls() const noexcept { return io_.is_tls(); }

 private:
  boost::asio::awaitable<void> write_loop(std::shared_ptr<frame_stream> self);
  protocol::result<std::optional<protocol::frame>> next_buffered();

  transport io_;
  boost::asio::ip::tcp::endpoint remote_;
  boost::asio::steady_timer wake_;     // the idle writer waits on it
  boost::asio::steady_timer drained_;  // read() waits on it while output is backed up
  const std::uint32_t max_frame_size_;

  std::vector<std::uint8_t> tls_buffer_;  // TLS only, allocated on the first read
  protocol::input_buffer input_;
  std::optional<protocol::segmented_frame_reader> segments_;

  // Output waiting for the writer: frames before segments_out() as wire bytes, and the frames
  // after it back to back with their sizes, which the writer wraps into segments. (Segment
  // mode starts once, after the handshake, so every plain frame is queued before any
  // segmented one.)
  protocol::bytes output_;
  protocol::bytes segment_frames_;
  std::vector<std::size_t> segment_frame_sizes_;
  std::size_t pending_bytes_ = 0;
  std::optional<bool> segments_out_lz4_;
  bool writer_idle_ = false;  // the writer waits on wake_
  bool close_when_drained_ = false;
  bool closed_ = false;
};

}  // namespace cqlshift::net
