#include "cqlshift/net/frame_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <vector>

namespace cqlshift::net {
namespace {

namespace asio = boost::asio;

// Output buffers larger than this are released when the connection goes idle.
constexpr std::size_t retained_output = 16 * 1024;

// Plain connections read into one buffer per thread: every stream of a thread reads on that
// thread, and what it read is copied into its own input before it suspends again.
std::array<std::uint8_t, 64 * 1024>& thread_read_buffer() {
  thread_local std::array<std::uint8_t, 64 * 1024> buffer;
  return buffer;
}

// TLS reads go through OpenSSL's own buffering; a record is at most 16 KiB.
constexpr std::size_t tls_read_size = 16 * 1024;

}  // namespace

frame_stream::frame_stream(transport connection, std::uint32_t max_frame_size)
    : io_(std::move(connection)),
      wake_(io_.get_executor()),
      drained_(io_.get_executor()),
      max_frame_size_(max_frame_size) {
  boost::system::error_code ec;
  remote_ = io_.socket().remote_endpoint(ec);
  io_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  // Reads are tried at once and waited for only when nothing is there (read()).
  if (!io_.is_tls()) io_.socket().non_blocking(true, ec);
}

frame_stream::~frame_stream() = default;

void frame_stream::start() {
  asio::co_spawn(io_.get_executor(), write_loop(shared_from_this()), asio::detached);
}

std::optional<std::uint8_t> frame_stream::front_version() const noexcept {
  if (segments_ || input_.size() == 0) return std::nullopt;
  return static_cast<std::uint8_t>(input_.view()[0] & 0x7F);
}

protocol::result<std::optional<protocol::frame>> frame_stream::next_buffered() {
  if (segments_) return segments_->next();
  const protocol::byte_view avail = input_.view();
  if (avail.empty()) return std::optional<protocol::frame>();
  const std::size_t hsize = protocol::header_size_for_raw_version(avail[0]);
  if (avail.size() < hsize) return std::optional<protocol::frame>();
  auto header = protocol::decode_header(avail, max_frame_size_);
  if (!header) return header.error();
  if (avail.size() < hsize + header->length) return std::optional<protocol::frame>();
  protocol::frame f;
  f.header = *header;
  const protocol::byte_view body = avail.subspan(hsize, header->length);
  f.body.assign(body.begin(), body.end());
  input_.consume(hsize + header->length);
  return std::optional<protocol::frame>(std::move(f));
}

asio::awaitable<protocol::result<protocol::frame>> frame_stream::read() {
  for (;;) {
    if (closed_) co_return boost::system::error_code(asio::error::operation_aborted);
    auto buffered = next_buffered();
    if (!buffered) co_return buffered.error();
    if (*buffered) co_return std::move(**buffered);
    if (pending_bytes_ > max_pending_output) {
      drained_.expires_at(asio::steady_timer::time_point::max());
      co_await drained_.async_wait(use_tuple);
      continue;
    }
    protocol::byte_view data;
    if (io_.is_tls()) {
      if (tls_buffer_.empty()) tls_buffer_.resize(tls_read_size);
      auto [ec, n] = co_await io_.read_some(asio::buffer(tls_buffer_));
      if (ec) co_return ec;
      data = protocol::byte_view(tls_buffer_.data(), n);
    } else {
      // Read what is there into the thread's buffer; wait for more only when nothing is. An
      // idle connection then holds no read buffer of its own.
      auto& scratch = thread_read_buffer();
      boost::system::error_code ec;
      const std::size_t n = io_.socket().read_some(asio::buffer(scratch), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        auto [wait_ec] =
            co_await io_.socket().async_wait(asio::ip::tcp::socket::wait_read, use_tuple);
        if (wait_ec) co_return wait_ec;
        continue;
      }
      if (ec) co_return ec;
      data = protocol::byte_view(scratch.data(), n);
    }
    // Copied out before the next suspension: the thread's buffer is shared.
    if (segments_) {
      segments_->feed(data);
    } else {
      input_.append(data);
    }
  }
}

void frame_stream::segments_in(bool lz4) {
  segments_.emplace(lz4, protocol::frame_reader::options{max_frame_size_, std::nullopt});
  const protocol::byte_view rest = input_.view();
  if (!rest.empty()) segments_->feed(rest);
  input_ = protocol::input_buffer();
}

void frame_stream::segments_out(bool lz4) {
  segments_out_lz4_ = lz4;
}

void frame_stream::send(protocol::bytes frame) {
  if (closed_ || close_when_drained_) return;
  pending_bytes_ += frame.size();
  if (segments_out_lz4_) {
    segment_frames_.insert(segment_frames_.end(), frame.begin(), frame.end());
    segment_frame_sizes_.push_back(frame.size());
  } else if (output_.empty()) {
    output_ = std::move(frame);
  } else {
    output_.insert(output_.end(), frame.begin(), frame.end());
  }
  if (writer_idle_) wake_.cancel();
}

void frame_stream::send(const protocol::frame_header& h, protocol::byte_view body) {
  if (closed_ || close_when_drained_) return;
  protocol::bytes& out = segments_out_lz4_ ? segment_frames_ : output_;
  const std::size_t before = out.size();
  protocol::frame_header header = h;
  header.length = static_cast<std::uint32_t>(body.size());
  protocol::writer w(out);
  protocol::encode_header(header, w);
  w.write_raw(body);
  if (!w.ok()) {
    // A header the version cannot carry (a stream id out of its range): nothing is queued.
    out.resize(before);
    return;
  }
  const std::size_t size = out.size() - before;
  if (segments_out_lz4_) segment_frame_sizes_.push_back(size);
  pending_bytes_ += size;
  if (writer_idle_) wake_.cancel();
}

void frame_stream::close_after_output() noexcept {
  close_when_drained_ = true;
  wake_.cancel();
}

void frame_stream::close() noexcept {
  if (closed_) return;
  closed_ = true;
  io_.close();
  wake_.cancel();
  drained_.cancel();
  protocol::bytes().swap(output_);
  protocol::bytes().swap(segment_frames_);
  segment_frame_sizes_.clear();
  pending_bytes_ = 0;
}

asio::awaitable<void> frame_stream::write_loop(std::shared_ptr<frame_stream> self) {
  // Double buffering: the writer swaps the queued output with its own (emptied) buffer, so a
  // busy connection reuses two buffers instead of allocating per frame or per write.
  protocol::bytes buffer;
  while (!self->closed_) {
    if (output_.empty() && segment_frame_sizes_.empty()) {
      if (close_when_drained_) {
        close();
        break;
      }
      // Going idle: a buffer grown by a burst is not kept for the connection's life.
      if (buffer.capacity() > retained_output) protocol::bytes().swap(buffer);
      if (output_.capacity() > retained_output) protocol::bytes().swap(output_);
      if (segment_frames_.capacity() > retained_output) {
        protocol::bytes().swap(segment_frames_);
        std::vector<std::size_t>().swap(segment_frame_sizes_);
      }
      writer_idle_ = true;
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(use_tuple);
      writer_idle_ = false;
      continue;
    }
    // Counted as pending until written, so read() keeps waiting while a large batch drains.
    const std::size_t taken = pending_bytes_;
    buffer.clear();
    buffer.swap(output_);
    if (!segment_frame_sizes_.empty()) {
      protocol::append_frames_as_segments(segment_frames_, segment_frame_sizes_, *segments_out_lz4_,
                                          buffer);
      segment_frames_.clear();
      segment_frame_sizes_.clear();
    }
    auto [ec, n] = co_await io_.write(asio::buffer(buffer));
    if (ec) {
      close();
      break;
    }
    pending_bytes_ = pending_bytes_ > taken ? pending_bytes_ - taken : 0;
    drained_.cancel();
  }
}

}  // namespace cqlshift::net
