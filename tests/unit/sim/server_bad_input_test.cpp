// Hostile and broken input: each case gets a PROTOCOL_ERROR on the offending stream (0 when
// it cannot be known); framing errors close only that connection, a body that fails to decode
// keeps it open (as Cassandra's v4 pipeline does); another connection keeps working and
// nothing is left behind.

#include "server_test_support.hpp"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <random>
#include <thread>

namespace cqlshift::sim::test {
namespace {

using protocol::opcode;

// A ready v4 connection that must keep working while another one misbehaves.
struct bystander {
  explicit bystander(server_harness& server) : c(server.endpoint()) {
    c.connect(protocol_version::v4);
  }
  bool works() {
    return c.request(protocol_version::v4, protocol::options{}).header.op == opcode::supported;
  }
  client c;
};

protocol::bytes header(std::uint8_t version, std::int16_t stream, std::uint8_t op,
                       std::uint32_t length, std::uint8_t flags = 0) {
  return protocol::bytes{version,
                         flags,
                         static_cast<std::uint8_t>(static_cast<std::uint16_t>(stream) >> 8),
                         static_cast<std::uint8_t>(stream),
                         op,
                         static_cast<std::uint8_t>(length >> 24),
                         static_cast<std::uint8_t>(length >> 16),
                         static_cast<std::uint8_t>(length >> 8),
                         static_cast<std::uint8_t>(length)};
}

void expect_fatal(client& c, std::int16_t stream, const std::string& message) {
  const received r = c.receive();
  EXPECT_EQ(r.header.stream, stream);
  EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
  EXPECT_EQ(r.error().message, message);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(ServerBadInput, UnknownOpcodeClosesOnlyThatConnection) {
  server_harness server;
  bystander other(server);
  {
    client c(server.endpoint());
    c.connect(protocol_version::v4);
    c.send_raw(header(0x04, 9, 0x20, 0));
    expect_fatal(c, 9, "Unknown opcode 32");
    EXPECT_TRUE(other.works());
  }
  EXPECT_TRUE(server.wait_for_connections(1));
}

TEST(ServerBadInput, FatalErrorClosesEvenIfTheClientStaysOpen) {
  server_harness server;
  client c(server.endpoint());
  c.send_raw(header(0x04, 1, 0x20, 0));
  EXPECT_EQ(c.receive().error().message, "Unknown opcode 32");
  // The server waits a moment for the client to read the error and close, then closes.
  EXPECT_TRUE(server.wait_for_connections(0));
}

TEST(ServerBadInput, OversizedFrameIsRefusedBeforeItsBodyArrives) {
  server_options o;
  o.max_frame_size = 4096;
  server_harness server(o);
  bystander other(server);
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  c.send_raw(header(0x04, 3, 0x07, 5000));  // QUERY of 5000 bytes, no body sent
  expect_fatal(c, 3, "Request is too big: length 5009 exceeds maximum allowed length 4096.");
  EXPECT_TRUE(other.works());
}

TEST(ServerBadInput, ResponseOpcodeFromAClientIsRefused) {
  server_harness server;
  bystander other(server);
  client c(server.endpoint());
  c.send_raw(header(0x04, 4, 0x08, 0));  // RESULT, request direction
  expect_fatal(c, 4,
               "Wrong protocol direction (expected RESPONSE, got REQUEST) for opcode 8 (RESULT)");
  client d(server.endpoint());
  d.send_raw(header(0x84, 5, 0x05, 0));  // OPTIONS with the response bit
  expect_fatal(d, 5,
               "Wrong protocol direction (expected REQUEST, got RESPONSE) for opcode 5 (OPTIONS)");
  EXPECT_TRUE(other.works());
}

TEST(ServerBadInput, GarbageAfterAValidFrame) {
  server_harness server;
  bystander other(server);
  client c(server.endpoint());
  protocol::bytes wire = c.frame_bytes(4, 1, protocol::options{});
  const protocol::bytes garbage(16, 0x00);
  wire.insert(wire.end(), garbage.begin(), garbage.end());
  c.send_raw(wire);
  EXPECT_EQ(c.receive().header.op, opcode::supported);
  expect_fatal(c, 0,
               "Invalid or unsupported protocol version (0); supported versions are (3/v3, 4/v4, "
               "5/v5)");
  EXPECT_TRUE(other.works());
}

TEST(ServerBadInput, HttpRequestOnTheCqlPort) {
  server_harness server;
  client c(server.endpoint());
  const std::string http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  c.send_raw(protocol::bytes(http.begin(), http.end()));
  const received r = c.receive();
  EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
  EXPECT_EQ(r.error().message,
            "Invalid or unsupported protocol version (71); supported versions are (3/v3, 4/v4, "
            "5/v5)");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(ServerBadInput, MalformedBodyIsAnErrorButTheConnectionStaysOpen) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  // A QUERY whose [long string] claims 100 bytes but carries 2.
  protocol::bytes wire = header(0x04, 6, 0x07, 6);
  for (std::uint8_t b : {0x00, 0x00, 0x00, 0x64, 0x41, 0x42})
    wire.push_back(b);
  c.send_raw(wire);
  const received r = c.receive();
  EXPECT_EQ(r.header.stream, 6);
  EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
  EXPECT_EQ(r.error().message.rfind("Invalid QUERY message: ", 0), 0u) << r.error().message;
  EXPECT_EQ(c.request(protocol_version::v4, protocol::options{}).header.op, opcode::supported);
}

TEST(ServerBadInput, TrailingBytesInABodyAreAnError) {
  server_harness server;
  client c(server.endpoint());
  protocol::bytes wire = header(0x04, 2, 0x05, 3);  // OPTIONS has an empty body
  for (std::uint8_t b : {1, 2, 3})
    wire.push_back(b);
  c.send_raw(wire);
  const received r = c.receive();
  EXPECT_EQ(r.header.stream, 2);
  EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
  EXPECT_EQ(c.request(protocol_version::v4, protocol::options{}).header.op, opcode::supported);
}

TEST(ServerBadInput, CompressedFrameWithoutNegotiatedCompression) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  c.send_raw(header(0x04, 8, 0x05, 0, protocol::header_flag::compression));
  const received r = c.receive();
  EXPECT_EQ(r.header.stream, 8);
  EXPECT_EQ(r.error().message,
            "Received a compressed OPTIONS frame but no compression was negotiated in STARTUP");
  EXPECT_EQ(c.request(protocol_version::v4, protocol::options{}).header.op, opcode::supported);
}

TEST(ServerBadInput, CorruptLz4BodyIsAnError) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v4, protocol::compression_algorithm::lz4);
  protocol::bytes wire = header(0x04, 4, 0x05, 6, protocol::header_flag::compression);
  for (std::uint8_t b : {0x00, 0x00, 0x10, 0x00, 0xFF, 0xFF})  // claims 4096 bytes
    wire.push_back(b);
  c.send_raw(wire);
  const received r = c.receive();
  EXPECT_EQ(r.header.stream, 4);
  EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
  EXPECT_EQ(c.request(protocol_version::v4, protocol::options{}).header.op, opcode::supported);
}

TEST(ServerBadInput, CorruptV5SegmentClosesTheConnection) {
  server_harness server;
  bystander other(server);
  client c(server.endpoint());
  c.connect(protocol_version::v5);
  const std::vector<protocol::bytes> frames{c.frame_bytes(5, 1, protocol::options{})};
  protocol::bytes segment = protocol::encode_frames_as_segments(frames, false);
  segment.back() ^= 0xFF;  // payload CRC
  c.send_raw(segment);
  const received r = c.receive();  // in a segment: the connection is past STARTUP
  EXPECT_EQ(r.header.stream, 0);
  EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
  EXPECT_EQ(r.error().message.rfind("Invalid segment: ", 0), 0u) << r.error().message;
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_TRUE(other.works());
}

// Blocking write on a descriptor Asio may have made non-blocking.
void write_all(int fd, protocol::byte_view data) {
  std::size_t at = 0;
  while (at < data.size()) {
    const ssize_t n = ::send(fd, data.data() + at, data.size() - at, MSG_NOSIGNAL);
    if (n > 0) {
      at += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      pollfd p{fd, POLLOUT, 0};
      poll(&p, 1, 1000);
    } else {
      return;
    }
  }
}

// A client that pipelines far more than it reads: the server pauses reading it once its
// answers pile up (instead of buffering them all), and every answer arrives once read.
TEST(ServerBadInput, ClientThatDoesNotReadIsPausedAndLosesNothing) {
  server_harness server;
  bystander other(server);
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  const int n = 100000;  // about 9 MB of SUPPORTED answers
  protocol::bytes wire;
  for (int i = 0; i < n; ++i) {
    const protocol::bytes f =
        c.frame_bytes(4, static_cast<std::int16_t>(i % 30000 + 1), protocol::options{});
    wire.insert(wire.end(), f.begin(), f.end());
  }
  std::thread sender([&] { write_all(c.native_handle(), wire); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(other.works());
  int answered = 0;
  for (; answered < n; ++answered) {
    const received r = c.receive();
    if (r.header.op != opcode::supported ||
        r.header.stream != static_cast<std::int16_t>(answered % 30000 + 1)) {
      break;
    }
  }
  sender.join();
  EXPECT_EQ(answered, n);
}

TEST(ServerBadInput, ClientVanishingMidFrameLeavesNothingBehind) {
  server_harness server;
  {
    client c(server.endpoint());
    c.connect(protocol_version::v4);
    c.send_raw(header(0x04, 1, 0x07, 1000));  // a header, then gone
    EXPECT_TRUE(server.wait_for_connections(1));
  }
  EXPECT_TRUE(server.wait_for_connections(0));
}

// Random bytes after a handshake: whatever they are, the server answers or closes, never
// crashes, and the bystander is unaffected.
TEST(ServerBadInput, RandomBytesNeverHurtTheServer) {
  server_harness server;
  bystander other(server);
  std::mt19937 rng(1234);
  for (int round = 0; round < 30; ++round) {
    client c(server.endpoint());
    if (round % 2 == 0) c.connect(protocol_version::v4);
    protocol::bytes junk(1 + rng() % 64);
    for (auto& b : junk)
      b = static_cast<std::uint8_t>(rng());
    if (round % 3 == 0) junk[0] = 0x04;  // past the version check
    c.send_raw(junk);
  }
  EXPECT_TRUE(other.works());
  EXPECT_TRUE(server.wait_for_connections(1));
}

}  // namespace
}  // namespace cqlshift::sim::test
