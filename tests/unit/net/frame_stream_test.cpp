// net::frame_stream over a real loopback connection: the stream owns the accepted side; the
// test drives the other side with plain Asio calls and decodes with the protocol readers.
// Nothing sleeps: where a test needs the stream to have taken bytes off the socket, it polls
// the kernel's count of unread bytes (FIONREAD) between turns of the event loop.

#include "cqlshift/net/frame_stream.hpp"
#include "cqlshift/protocol/error.hpp"
#include "cqlshift/protocol/frame.hpp"
#include "cqlshift/protocol/segment.hpp"

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sys/ioctl.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace protocol = cqlshift::protocol;
using asio::awaitable;
using asio::use_awaitable;
using cqlshift::net::frame_stream;
using tcp = asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(use_awaitable);

// A frame with a body of `size` bytes derived from `seed`; `compressible` repeats a short
// pattern (so LZ4 shrinks it), otherwise the bytes look random.
protocol::frame make_frame(std::uint8_t version, std::int16_t stream, std::size_t size,
                           std::uint32_t seed, bool compressible = false) {
  protocol::frame f;
  f.header.version = version;
  f.header.stream = stream;
  f.header.op = protocol::opcode::query;
  f.body.resize(size);
  std::uint32_t x = seed * 2654435761u + 1;
  for (std::size_t i = 0; i < size; ++i) {
    if (compressible) {
      f.body[i] = static_cast<std::uint8_t>("abcdefgh"[(i + seed) % 8]);
    } else {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      f.body[i] = static_cast<std::uint8_t>(x);
    }
  }
  f.header.length = static_cast<std::uint32_t>(size);
  return f;
}

protocol::bytes encode(const protocol::frame& f) {
  return protocol::encode_frame(f.header, f.body);
}

protocol::bytes concat(const std::vector<protocol::bytes>& parts) {
  protocol::bytes out;
  for (const auto& p : parts)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}

class FrameStreamTest : public ::testing::Test {
 protected:
  void SetUp() override { connect(protocol::default_max_frame_size); }

  void TearDown() override {
    if (stream_) stream_->close();
    ioc_.restart();
    ioc_.poll();  // lets the writer coroutine see the close and release the stream
  }

  void connect(std::uint32_t max_frame_size) {
    if (stream_) stream_->close();
    tcp::acceptor acceptor(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client_ = tcp::socket(ioc_);
    client_.connect(acceptor.local_endpoint());
    tcp::socket server(ioc_);
    acceptor.accept(server);
    server_fd_ = server.native_handle();
    stream_ = std::make_shared<frame_stream>(std::move(server), max_frame_size);
    stream_->start();
  }

  // Runs `body` as a coroutine on the test's io_context until it finishes (30 s at most, a
  // guard against a hang, not a wait for an event).
  void run(std::function<awaitable<void>()> body) {
    bool done = false;
    std::exception_ptr failure;
    asio::co_spawn(
        ioc_,
        [&]() -> awaitable<void> {
          co_await body();
          done = true;
        },
        [&](std::exception_ptr e) {
          failure = e;
          ioc_.stop();
        });
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(30));
    if (failure) std::rethrow_exception(failure);
    ASSERT_TRUE(done) << "the test coroutine did not finish";
  }

  // Bytes the kernel holds for the stream's socket that the stream has not read yet.
  int unread_by_stream() const {
    int n = 0;
    if (::ioctl(server_fd_, FIONREAD, &n) != 0) {
      throw std::runtime_error(std::string("FIONREAD: ") + std::strerror(errno));
    }
    return n;
  }

  // Yields to the event loop until the stream's socket has `n` unread bytes.
  awaitable<void> until_unread(int n) {
    while (unread_by_stream() != n)
      co_await asio::post(ioc_, use_awaitable);
  }

  awaitable<void> client_write(const protocol::bytes& data) {
    co_await asio::async_write(client_, asio::buffer(data), use_awaitable);
  }

  // Reads from the client side until `frames` whole frames are decoded or the connection
  // ends. `segmented`: the stream sends v5 segments.
  awaitable<std::vector<protocol::frame>> client_read(std::size_t frames,
                                                      std::optional<bool> segmented_lz4,
                                                      bool* eof = nullptr) {
    std::vector<protocol::frame> out;
    protocol::frame_reader plain;
    std::optional<protocol::segmented_frame_reader> seg;
    if (segmented_lz4) seg.emplace(*segmented_lz4);
    std::vector<std::uint8_t> buf(100000);
    while (out.size() < frames) {
      auto [ec, n] = co_await client_.async_read_some(asio::buffer(buf), use_tuple);
      if (ec) {
        if (eof) *eof = ec == asio::error::eof;
        break;
      }
      const protocol::byte_view data(buf.data(), n);
      if (seg) {
        seg->feed(data);
      } else {
        plain.feed(data);
      }
      for (;;) {
        auto next = seg ? seg->next() : plain.next();
        if (!next) {
          ADD_FAILURE() << "client side cannot decode: " << next.error().message();
          co_return out;
        }
        if (!*next) break;
        out.push_back(std::move(**next));
      }
    }
    co_return out;
  }

  asio::io_context ioc_;
  tcp::socket client_{ioc_};
  int server_fd_ = -1;
  std::shared_ptr<frame_stream> stream_;
};

TEST_F(FrameStreamTest, FramesReadWholeWhenBytesArriveOneAtATime) {
  const std::vector<protocol::frame> want = {make_frame(4, 1, 300, 1), make_frame(3, 2, 0, 2),
                                             make_frame(4, -1, 17, 3)};
  std::vector<protocol::bytes> encoded;
  for (const auto& f : want)
    encoded.push_back(encode(f));
  const protocol::bytes wire = concat(encoded);

  std::vector<protocol::frame> got;
  bool reader_done = false;
  asio::co_spawn(
      ioc_,
      [&]() -> awaitable<void> {
        for (std::size_t i = 0; i < want.size(); ++i) {
          auto f = co_await stream_->read();
          if (!f) {
            ADD_FAILURE() << "read: " << f.error().message();
            break;
          }
          got.push_back(std::move(*f));
        }
        reader_done = true;
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });

  run([&]() -> awaitable<void> {
    EXPECT_FALSE(stream_->front_version());
    std::size_t offset = 0;
    for (std::size_t frame = 0; frame < encoded.size(); ++frame) {
      for (std::size_t i = 0; i < encoded[frame].size(); ++i, ++offset) {
        const protocol::bytes one_byte(1, wire[offset]);
        co_await client_write(one_byte);
        co_await until_unread(0);  // the stream took this byte alone
        if (i == 0 && frame == 0) {
          // The version is known from the first byte, before the header is whole. The
          // reader may not have resumed yet: give it turns until it has.
          while (!stream_->front_version())
            co_await asio::post(ioc_, use_awaitable);
          EXPECT_EQ(stream_->front_version(), 4);
        }
        if (i + 1 < encoded[frame].size()) {
          EXPECT_LE(got.size(), frame) << "frame " << frame << " returned before its last byte";
        }
      }
    }
    while (!reader_done)
      co_await asio::post(ioc_, use_awaitable);
  });
  EXPECT_EQ(got, want);
}

TEST_F(FrameStreamTest, SeveralFramesInOneWrite) {
  std::vector<protocol::frame> want;
  std::vector<protocol::bytes> encoded;
  for (int i = 0; i < 20; ++i) {
    want.push_back(make_frame(i % 2 ? 4 : 3, static_cast<std::int16_t>(i), i * 37, i));
    encoded.push_back(encode(want.back()));
  }
  const protocol::bytes wire = concat(encoded);
  run([&]() -> awaitable<void> {
    co_await client_write(wire);
    co_await until_unread(static_cast<int>(wire.size()));  // all in before the first read
    for (const auto& w : want) {
      auto f = co_await stream_->read();
      if (!f) {
        ADD_FAILURE() << "read: " << f.error().message();
        co_return;
      }
      EXPECT_EQ(*f, w);
    }
    EXPECT_EQ(unread_by_stream(), 0);
  });
}

class FrameStreamSegmentsTest : public FrameStreamTest,
                                public ::testing::WithParamInterface<bool> {};

// The v5 handshake ends with a plain frame; the segments that follow may already be in the
// stream's buffer when the reader switches.
TEST_P(FrameStreamSegmentsTest, SegmentsInRereadsBufferedBytes) {
  const bool lz4 = GetParam();
  const protocol::frame startup = make_frame(5, 0, 40, 7);
  const std::vector<protocol::frame> in_segments = {make_frame(5, 1, 1000, 8, true),
                                                    make_frame(5, 2, 20, 9)};
  // Cut over two segments, after the switch.
  const protocol::frame later = make_frame(5, 4, 200000, 11, lz4);

  std::vector<protocol::bytes> encoded;
  for (const auto& f : in_segments)
    encoded.push_back(encode(f));
  protocol::bytes first = encode(startup);
  // The two frames share a self-contained segment.
  const protocol::bytes segs = protocol::encode_frames_as_segments(encoded, lz4);
  first.insert(first.end(), segs.begin(), segs.end());

  run([&]() -> awaitable<void> {
    co_await client_write(first);
    // Everything is in the kernel before the stream's first read, so that read takes the
    // plain frame and segment bytes together (up to the stream's 64 KiB buffer).
    co_await until_unread(static_cast<int>(first.size()));
    auto f = co_await stream_->read();
    if (!f) {
      ADD_FAILURE() << "read plain frame: " << f.error().message();
      co_return;
    }
    EXPECT_EQ(*f, startup);
    EXPECT_LT(unread_by_stream(), static_cast<int>(first.size() - encode(startup).size()))
        << "the stream should already hold segment bytes";
    stream_->segments_in(lz4);
    EXPECT_FALSE(stream_->front_version());
    for (const auto& w : in_segments) {
      auto g = co_await stream_->read();
      if (!g) {
        ADD_FAILURE() << "read segmented frame " << w.header.stream << ": " << g.error().message();
        co_return;
      }
      EXPECT_EQ(*g, w);
    }
    // And segments that arrive after the switch.
    const protocol::bytes one = encode(later);
    co_await client_write(protocol::encode_frames_as_segments(std::span(&one, 1), lz4));
    auto g = co_await stream_->read();
    if (!g) {
      ADD_FAILURE() << "read later frame: " << g.error().message();
      co_return;
    }
    EXPECT_EQ(*g, later);
  });
}

// A plain frame, then (after segments_out) a small and a large frame in segments.
TEST_P(FrameStreamSegmentsTest, SegmentsOutSplitsLargeFrames) {
  const bool lz4 = GetParam();
  const protocol::frame ready = make_frame(5, 0, 0, 1);
  const protocol::frame small = make_frame(5, 1, 100, 2, true);
  const protocol::frame large = make_frame(5, 2, 300 * 1024, 3, lz4);
  const protocol::frame after = make_frame(5, 3, 10, 4);
  ASSERT_GT(encode(large).size(), 2 * protocol::max_segment_payload);

  stream_->send(encode(ready));
  stream_->segments_out(lz4);
  stream_->send(encode(small));
  stream_->send(encode(large));
  stream_->send(encode(after));

  run([&]() -> awaitable<void> {
    // The plain frame first, read to its exact length so no segment bytes are taken.
    protocol::bytes head(encode(ready).size());
    co_await asio::async_read(client_, asio::buffer(head), use_awaitable);
    EXPECT_EQ(head, encode(ready));
    auto got = co_await client_read(3, lz4);
    if (got.size() != 3u) {
      ADD_FAILURE() << got.size() << " frames, want 3";
      co_return;
    }
    EXPECT_EQ(got[0], small);
    EXPECT_EQ(got[1], large);
    EXPECT_EQ(got[2], after);
    EXPECT_EQ(stream_->pending_output(), 0u);
  });
}

// send(header, body) encodes the frame into the output itself: mixed with encoded frames, before
// and after segments_out, everything arrives whole and in order, a large frame split.
TEST_P(FrameStreamSegmentsTest, HeaderAndBodySendsKeepOrderWithEncodedFrames) {
  const bool lz4 = GetParam();
  const protocol::frame first = make_frame(5, 0, 0, 1);
  const protocol::frame second = make_frame(5, 0, 30, 2);
  const protocol::frame small = make_frame(5, 1, 100, 3, true);
  const protocol::frame large = make_frame(5, 2, 200 * 1024, 4, lz4);
  const protocol::frame encoded = make_frame(5, 3, 10, 5);
  const protocol::frame last = make_frame(5, -1, 7, 6);

  // The header's length field is the body's size whatever the caller left in it.
  protocol::frame_header stale = second.header;
  stale.length = 12345;
  stream_->send(first.header, first.body);
  stream_->send(stale, second.body);
  stream_->segments_out(lz4);
  stream_->send(small.header, small.body);
  stream_->send(large.header, large.body);
  stream_->send(encode(encoded));
  stream_->send(last.header, last.body);
  const std::size_t plain_bytes = encode(first).size() + encode(second).size();
  EXPECT_EQ(stream_->pending_output(), plain_bytes + encode(small).size() + encode(large).size() +
                                           encode(encoded).size() + encode(last).size());

  run([&]() -> awaitable<void> {
    protocol::bytes head(plain_bytes);
    co_await asio::async_read(client_, asio::buffer(head), use_awaitable);
    protocol::bytes want_head = encode(first);
    const protocol::bytes second_wire = encode(second);
    want_head.insert(want_head.end(), second_wire.begin(), second_wire.end());
    EXPECT_EQ(head, want_head);
    auto got = co_await client_read(4, lz4);
    if (got.size() != 4u) {
      ADD_FAILURE() << got.size() << " frames, want 4";
      co_return;
    }
    EXPECT_EQ(got[0], small);
    EXPECT_EQ(got[1], large);
    EXPECT_EQ(got[2], encoded);
    EXPECT_EQ(got[3], last);
    EXPECT_EQ(stream_->pending_output(), 0u);
  });
}

INSTANTIATE_TEST_SUITE_P(Compression, FrameStreamSegmentsTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "lz4" : "plain"; });

// Enough frames, some large, for several write batches; they arrive in the order queued.
TEST_F(FrameStreamTest, QueuedFramesWrittenInOrder) {
  std::vector<protocol::frame> want;
  std::size_t total = 0;
  for (int i = 0; i < 400; ++i) {
    const std::size_t size = i % 50 == 0 ? 200 * 1024 : static_cast<std::size_t>(i * 13 % 3000);
    want.push_back(make_frame(4, static_cast<std::int16_t>(i), size, i));
    const protocol::bytes e = encode(want.back());
    total += e.size();
    stream_->send(e);
  }
  ASSERT_GT(total, 2u * 1024 * 1024);  // more than one write batch
  EXPECT_EQ(stream_->pending_output(), total);
  run([&]() -> awaitable<void> {
    const auto got = co_await client_read(want.size(), std::nullopt);
    EXPECT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size() && i < want.size(); ++i) {
      EXPECT_EQ(got[i], want[i]) << "frame " << i;
    }
    EXPECT_EQ(stream_->pending_output(), 0u);
  });
}

TEST_F(FrameStreamTest, CloseAfterOutputWritesQueuedFramesThenCloses) {
  const std::vector<protocol::frame> want = {make_frame(4, 1, 10, 1), make_frame(4, 2, 150000, 2),
                                             make_frame(4, 3, 0, 3)};
  for (const auto& f : want)
    stream_->send(encode(f));
  stream_->close_after_output();
  stream_->send(encode(make_frame(4, 4, 5, 4)));  // after the close: dropped
  run([&]() -> awaitable<void> {
    bool eof = false;
    const auto got = co_await client_read(want.size() + 1, std::nullopt, &eof);
    EXPECT_EQ(got, want);
    EXPECT_TRUE(eof) << "the stream's side should be closed after its output";
    EXPECT_FALSE(stream_->is_open());
    auto r = co_await stream_->read();
    EXPECT_FALSE(r) << "read after close";
  });
}

// The usual end of a connection with a protocol error: the peer sent more than the stream
// read (the bad frame's body, say); the final ERROR frame must still reach it, then the end.
TEST_F(FrameStreamTest, CloseAfterOutputWithUnreadInput) {
  run([&]() -> awaitable<void> {
    protocol::bytes wire = {0x04, 0, 0, 1, 0x42, 0, 0, 0, 100};  // unknown opcode
    wire.resize(wire.size() + 100, 0xAB);
    // And more after it than the stream's first read takes, so some stays in the kernel.
    wire.resize(wire.size() + 100000, 0xCD);
    co_await client_write(wire);
    co_await until_unread(static_cast<int>(wire.size()));
    auto r = co_await stream_->read();
    EXPECT_FALSE(r);
    EXPECT_GT(unread_by_stream(), 0);
    const protocol::frame error_frame = make_frame(4, 1, 60, 5);
    stream_->send(encode(error_frame));
    stream_->close_after_output();
    bool eof = false;
    const auto got = co_await client_read(2, std::nullopt, &eof);
    EXPECT_EQ(got, std::vector<protocol::frame>{error_frame});
    EXPECT_TRUE(eof) << "want an orderly end of stream, not a reset";
  });
}

// A peer that does not read what the stream sends is not read from either, once more than
// max_pending_output waits for it; reading resumes when the output drains.
TEST_F(FrameStreamTest, ReadWaitsWhileOutputIsBackedUp) {
  const protocol::frame big = make_frame(4, 1, 1024 * 1024, 1);
  const protocol::bytes big_encoded = encode(big);
  const std::size_t count = 2 * frame_stream::max_pending_output / big_encoded.size() + 2;
  for (std::size_t i = 0; i < count; ++i)
    stream_->send(big_encoded);
  const protocol::frame request = make_frame(4, 2, 10, 2);
  run([&]() -> awaitable<void> {
    // Let the writer fill the kernel's buffers; what is left stays above the limit.
    for (int i = 0; i < 100; ++i)
      co_await asio::post(ioc_, use_awaitable);
    EXPECT_GT(stream_->pending_output(), frame_stream::max_pending_output);
    bool read_done = false;
    asio::co_spawn(
        ioc_,
        [&]() -> awaitable<void> {
          auto f = co_await stream_->read();
          EXPECT_TRUE(f && *f == request);
          read_done = true;
        },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    const protocol::bytes request_encoded = encode(request);
    co_await client_write(request_encoded);
    for (int i = 0; i < 1000; ++i)
      co_await asio::post(ioc_, use_awaitable);
    EXPECT_FALSE(read_done) << "read while the output is backed up";
    EXPECT_EQ(unread_by_stream(), static_cast<int>(request_encoded.size()));
    const auto got = co_await client_read(count, std::nullopt);
    EXPECT_EQ(got.size(), count);
    while (!read_done)
      co_await asio::post(ioc_, use_awaitable);
  });
}

struct bad_header {
  const char* name;
  protocol::bytes header;
  protocol::errc error;
};

class FrameStreamBadHeaderTest : public FrameStreamTest,
                                 public ::testing::WithParamInterface<bad_header> {};

TEST_P(FrameStreamBadHeaderTest, YieldsTheProtocolError) {
  const bad_header& p = GetParam();
  run([&]() -> awaitable<void> {
    // A good frame first: the error belongs to the second.
    const protocol::frame good = make_frame(4, 1, 12, 1);
    protocol::bytes wire = encode(good);
    wire.insert(wire.end(), p.header.begin(), p.header.end());
    co_await client_write(wire);
    auto f = co_await stream_->read();
    EXPECT_TRUE(f && *f == good);
    auto r = co_await stream_->read();
    if (r) {
      ADD_FAILURE() << "read a frame from a bad header";
      co_return;
    }
    EXPECT_EQ(r.error(), protocol::make_error_code(p.error)) << r.error().message();
    // It stays failed.
    auto again = co_await stream_->read();
    EXPECT_FALSE(again);
  });
}

INSTANTIATE_TEST_SUITE_P(
    Headers, FrameStreamBadHeaderTest,
    ::testing::Values(
        bad_header{
            "unknown_opcode", {0x04, 0, 0, 1, 0x42, 0, 0, 0, 0}, protocol::errc::unknown_opcode},
        bad_header{"version_zero", {0x00, 0, 0, 1, 0x07, 0, 0, 0, 0}, protocol::errc::bad_version},
        bad_header{
            "over_256_mib", {0x04, 0, 0, 1, 0x07, 0x10, 0, 0, 1}, protocol::errc::frame_too_large}),
    [](const auto& info) { return std::string(info.param.name); });

// With a 64 KiB limit: a frame of exactly the limit is read; one byte more is refused as
// soon as its header is in, without waiting for a body that never comes.
TEST_F(FrameStreamTest, MaxFrameSizeEnforced) {
  connect(64 * 1024);
  const protocol::frame at_limit = make_frame(4, 1, 64 * 1024, 1);
  run([&]() -> awaitable<void> {
    co_await client_write(encode(at_limit));
    auto f = co_await stream_->read();
    EXPECT_TRUE(f && *f == at_limit) << (f ? "" : f.error().message());
    const protocol::bytes header = {0x04, 0, 0, 2, 0x07, 0, 0x01, 0, 0x01};  // 65537
    co_await client_write(header);
    auto r = co_await stream_->read();
    EXPECT_FALSE(r);
    if (!r) {
      EXPECT_EQ(r.error(), protocol::make_error_code(protocol::errc::frame_too_large));
    }
  });
}

// The same limit applies to a frame cut over segments, checked once its header is in.
TEST_F(FrameStreamTest, MaxFrameSizeEnforcedInSegments) {
  connect(64 * 1024);
  const protocol::frame too_large = make_frame(5, 1, 200000, 1);
  run([&]() -> awaitable<void> {
    stream_->segments_in(false);
    const protocol::bytes one = encode(too_large);
    const protocol::bytes segs = protocol::encode_frames_as_segments(std::span(&one, 1), false);
    // Only the first segment: the limit must not wait for the rest.
    protocol::segment_reader split(false);
    split.feed(segs);
    auto first = split.next();
    if (!first || !*first) {
      ADD_FAILURE() << "cannot split the test's own segments";
      co_return;
    }
    protocol::bytes first_segment;
    protocol::encode_segment((*first)->payload, (*first)->self_contained, false, first_segment);
    co_await client_write(first_segment);
    auto r = co_await stream_->read();
    EXPECT_FALSE(r);
    if (!r) {
      EXPECT_EQ(r.error(), protocol::make_error_code(protocol::errc::frame_too_large));
    }
  });
}

}  // namespace
