// The connection handshake of cqlsim's server as a Cassandra 4.1 node does it: OPTIONS and
// SUPPORTED, STARTUP with and without compression in every version, v5 segments, version
// negotiation, and the state machine's refusals.

#include "server_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cqlshift::sim::test {
namespace {

using protocol::compression_algorithm;
using protocol::opcode;
using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

std::vector<std::string> option(const protocol::supported& s, const std::string& name) {
  for (const auto& [key, values] : s.options)
    if (key == name) return values;
  return {};
}

TEST(ServerHandshake, OptionsAnswersCassandra41SupportedOptions) {
  server_harness server;
  client c(server.endpoint());
  const received r = c.request(protocol_version::v4, protocol::options{});
  EXPECT_EQ(r.header.version, 4);
  EXPECT_TRUE(r.header.response);
  const auto& s = r.as<protocol::supported>();
  EXPECT_THAT(option(s, "CQL_VERSION"), ElementsAre("3.4.6"));
  EXPECT_THAT(option(s, "COMPRESSION"), UnorderedElementsAre("snappy", "lz4"));
  EXPECT_THAT(option(s, "PROTOCOL_VERSIONS"), ElementsAre("3/v3", "4/v4", "5/v5"));
}

TEST(ServerHandshake, SupportedListsOnlyTheConfiguredVersions) {
  server_options o;
  o.versions = {protocol_version::v3, protocol_version::v4};
  server_harness server(o);
  client c(server.endpoint());
  const auto& s = c.request(protocol_version::v3, protocol::options{}).as<protocol::supported>();
  EXPECT_THAT(option(s, "PROTOCOL_VERSIONS"), ElementsAre("3/v3", "4/v4"));
}

TEST(ServerHandshake, ResponsesKeepTheRequestStream) {
  server_harness server;
  client c(server.endpoint());
  c.send(protocol_version::v4, 1234, protocol::options{});
  c.send(protocol_version::v4, -2, protocol::options{});
  EXPECT_EQ(c.receive().header.stream, 1234);
  EXPECT_EQ(c.receive().header.stream, -2);
}

struct handshake_case {
  protocol_version version;
  compression_algorithm compression;
};

class ServerHandshakeMatrix : public ::testing::TestWithParam<handshake_case> {};

// STARTUP answers READY uncompressed and outside segments; every later frame in both
// directions is compressed (v3/v4) or in segments (v5), and still decodes.
TEST_P(ServerHandshakeMatrix, StartupThenRequestsInTheNegotiatedFraming) {
  const handshake_case p = GetParam();
  server_harness server;
  client c(server.endpoint());
  const received ready = c.startup(p.version, p.compression);
  EXPECT_EQ(ready.header.op, opcode::ready);
  EXPECT_EQ(ready.header.version, protocol::raw(p.version));
  EXPECT_FALSE(ready.header.has(protocol::header_flag::compression));

  const received supported = c.request(p.version, protocol::options{});
  EXPECT_EQ(supported.header.op, opcode::supported);
  const bool body_compressed =
      !protocol::uses_segments(p.version) && p.compression != compression_algorithm::none;
  EXPECT_EQ(supported.header.has(protocol::header_flag::compression), body_compressed);
  // Several requests in flight on one connection, answered on their streams.
  c.send(p.version, 10, protocol::options{});
  c.send(p.version, 11, protocol::register_request{{"SCHEMA_CHANGE"}});
  const received a = c.receive();
  const received b = c.receive();
  EXPECT_EQ(a.header.stream, 10);
  EXPECT_EQ(a.header.op, opcode::supported);
  EXPECT_EQ(b.header.stream, 11);
  EXPECT_EQ(b.header.op, opcode::ready);
}

INSTANTIATE_TEST_SUITE_P(
    ServerVersions, ServerHandshakeMatrix,
    ::testing::Values(handshake_case{protocol_version::v3, compression_algorithm::none},
                      handshake_case{protocol_version::v3, compression_algorithm::lz4},
                      handshake_case{protocol_version::v3, compression_algorithm::snappy},
                      handshake_case{protocol_version::v4, compression_algorithm::none},
                      handshake_case{protocol_version::v4, compression_algorithm::lz4},
                      handshake_case{protocol_version::v4, compression_algorithm::snappy},
                      handshake_case{protocol_version::v5, compression_algorithm::none},
                      handshake_case{protocol_version::v5, compression_algorithm::lz4}),
    [](const auto& info) {
      return std::string(protocol::to_string(info.param.version)) + "_" +
             std::string(protocol::to_string(info.param.compression));
    });

TEST(ServerHandshake, V5RequestsBeforeStartupAreNotInSegments) {
  server_harness server;
  client c(server.endpoint());
  EXPECT_EQ(c.request(protocol_version::v5, protocol::options{}).header.op, opcode::supported);
  EXPECT_EQ(c.startup(protocol_version::v5).header.op, opcode::ready);
  EXPECT_EQ(c.request(protocol_version::v5, protocol::options{}).header.op, opcode::supported);
}

TEST(ServerHandshake, V5FramesPipelinedRightAfterStartupAreReadAsSegments) {
  server_harness server;
  client c(server.endpoint());
  protocol::startup s;
  s.options = {{"CQL_VERSION", "3.4.6"}, {"COMPRESSION", "lz4"}};
  protocol::bytes wire = c.frame_bytes(5, 1, s);
  const std::vector<protocol::bytes> after{c.frame_bytes(5, 2, protocol::options{})};
  const protocol::bytes segments = protocol::encode_frames_as_segments(after, true);
  wire.insert(wire.end(), segments.begin(), segments.end());
  c.send_raw(wire);  // one write: STARTUP and a segment
  EXPECT_EQ(c.receive().header.op, opcode::ready);
  c.use_segments(true);
  const received r = c.receive();
  EXPECT_EQ(r.header.stream, 2);
  EXPECT_EQ(r.header.op, opcode::supported);
}

TEST(ServerHandshake, SnappyIsRefusedInV5) {
  server_harness server;
  client c(server.endpoint());
  protocol::startup s;
  s.options = {{"CQL_VERSION", "3.0.0"}, {"COMPRESSION", "snappy"}};
  const received r = c.request(protocol_version::v5, s);
  EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
  EXPECT_EQ(r.error().message, "Snappy compression is not supported in protocol V5");
}

TEST(ServerHandshake, StartupOptionNamesIgnoreCase) {
  server_harness server;
  client c(server.endpoint());
  protocol::startup s;
  s.options = {{"cql_version", "3.0.0"}, {"compression", "LZ4"}};
  EXPECT_EQ(c.request(protocol_version::v4, s).header.op, opcode::ready);
  c.use_compression(compression_algorithm::lz4);
  const received r = c.request(protocol_version::v4, protocol::options{});
  EXPECT_TRUE(r.header.has(protocol::header_flag::compression));
}

TEST(ServerHandshake, StartupErrors) {
  server_harness server;
  const std::vector<std::pair<protocol::string_map, std::string>> cases = {
      {{{"DRIVER_NAME", "x"}}, "Missing value CQL_VERSION in STARTUP message"},
      {{{"CQL_VERSION", "three"}}, "Invalid version value: three"},
      {{{"CQL_VERSION", "2.0.0"}},
       "CQL version 2.0.0 is not supported by the binary protocol (supported version are >= "
       "3.0.0)"},
      {{{"CQL_VERSION", "3.0.0"}, {"COMPRESSION", "zstd"}}, "Unknown compression algorithm: zstd"},
  };
  for (const auto& [options, message] : cases) {
    client c(server.endpoint());
    const received r = c.request(protocol_version::v4, protocol::startup{options});
    EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
    EXPECT_EQ(r.error().message, message);
    // The connection stays usable: STARTUP may be sent again.
    EXPECT_EQ(c.startup(protocol_version::v4).header.op, opcode::ready);
  }
}

TEST(ServerHandshake, RequestsBeforeStartupAreRefused) {
  server_harness server;
  client c(server.endpoint());
  const received r = c.query(protocol_version::v4, "SELECT * FROM system.local");
  EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
  EXPECT_EQ(r.error().message, "Unexpected message QUERY, expecting STARTUP or OPTIONS");
  const received reg =
      c.request(protocol_version::v4, protocol::register_request{{"SCHEMA_CHANGE"}});
  EXPECT_EQ(reg.error().message, "Unexpected message REGISTER, expecting STARTUP or OPTIONS");
  EXPECT_EQ(c.startup(protocol_version::v4).header.op, opcode::ready);
}

TEST(ServerHandshake, SecondStartupIsRefused) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  protocol::startup s;
  s.options = {{"CQL_VERSION", "3.0.0"}};
  const received r = c.request(protocol_version::v4, s);
  EXPECT_EQ(r.error().message, "Unexpected message STARTUP, the connection is already initialized");
}

TEST(ServerHandshake, RegisterRefusesUnknownEventTypes) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  const received r =
      c.request(protocol_version::v4, protocol::register_request{{"SCHEMA_CHANGE", "NEW_THING"}});
  EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
  EXPECT_EQ(r.error().message, "Invalid value 'NEW_THING' for Type");
  const received ok =
      c.request(protocol_version::v4,
                protocol::register_request{{"TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"}});
  EXPECT_EQ(ok.header.op, opcode::ready);
}

// A version the server does not speak: Cassandra's message, in a version the client reads,
// on the request's stream, then the connection closes; drivers downgrade on it.
TEST(ServerHandshake, UnsupportedVersionIsRefusedAndTheConnectionCloses) {
  server_harness server;
  {
    client c(server.endpoint());
    // A v6 OPTIONS frame (v6 has v5's header layout).
    c.send_raw(protocol::bytes{0x06, 0x00, 0x00, 0x07, 0x05, 0x00, 0x00, 0x00, 0x00});
    const received r = c.receive();
    EXPECT_EQ(r.header.version, 5);  // the highest version the server speaks
    EXPECT_EQ(r.header.stream, 0);   // Cassandra's stream for this error, whatever the request's
    EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
    EXPECT_EQ(r.error().message,
              "Invalid or unsupported protocol version (6); supported versions are (3/v3, 4/v4, "
              "5/v5)");
    EXPECT_TRUE(c.closed_by_server());
  }
  EXPECT_TRUE(server.wait_for_connections(0));
}

TEST(ServerHandshake, OldVersionIsAnsweredInItsOwnHeaderLayout) {
  server_harness server;
  client c(server.endpoint());
  // v2 OPTIONS: 8-byte header with a one-byte stream.
  c.send_raw(protocol::bytes{0x02, 0x00, 0x05, 0x05, 0x00, 0x00, 0x00, 0x00});
  const received r = c.receive();
  EXPECT_EQ(r.header.version, 2);
  EXPECT_EQ(r.header.stream, 0);
  EXPECT_EQ(r.error().message,
            "Invalid or unsupported protocol version (2); supported versions are (3/v3, 4/v4, "
            "5/v5)");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(ServerHandshake, VersionOutsideTheConfiguredOnesIsRefusedLikeAnOlderCassandra) {
  server_options o;
  o.versions = {protocol_version::v3, protocol_version::v4};
  server_harness server(o);
  client c(server.endpoint());
  c.send(protocol_version::v5, 3, protocol::options{});
  const received r = c.receive();
  EXPECT_EQ(r.header.version, 4);
  EXPECT_EQ(r.header.stream, 0);
  EXPECT_EQ(r.error().message,
            "Invalid or unsupported protocol version (5); supported versions are (3/v3, 4/v4)");
  EXPECT_TRUE(c.closed_by_server());
  // The driver then retries with a version the server speaks.
  client again(server.endpoint());
  EXPECT_EQ(again.startup(protocol_version::v4).header.op, opcode::ready);
}

TEST(ServerHandshake, VersionBelowTheConfiguredOnesIsAnsweredInTheClientsVersion) {
  server_options o;
  o.versions = {protocol_version::v4, protocol_version::v5};
  server_harness server(o);
  client c(server.endpoint());
  c.send(protocol_version::v3, 1, protocol::options{});
  const received r = c.receive();
  EXPECT_EQ(r.header.version, 3);
  EXPECT_EQ(r.error().message,
            "Invalid or unsupported protocol version (3); supported versions are (4/v4, 5/v5)");
}

TEST(ServerHandshake, AnotherVersionLaterOnTheConnectionIsAnErrorButNotFatal) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  const received r = c.request(protocol_version::v3, protocol::options{});
  EXPECT_EQ(r.header.version, 4);
  EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
  EXPECT_EQ(r.error().message,
            "Invalid message version. Got 3/v3 but previous messages on this connection had "
            "version 4/v4");
  EXPECT_EQ(c.request(protocol_version::v4, protocol::options{}).header.op, opcode::supported);
}

TEST(ServerHandshake, CustomPayloadIsEchoedFromV4) {
  server_harness server;
  client c(server.endpoint());
  protocol::envelope env;
  env.custom_payload = protocol::bytes_map{{"k", {1, 2, 3}}, {"empty", {}}};
  const received r = c.request(protocol_version::v4, protocol::options{},
                               protocol::header_flag::custom_payload, env);
  EXPECT_TRUE(r.header.has(protocol::header_flag::custom_payload));
  ASSERT_TRUE(r.env.custom_payload);
  EXPECT_THAT(*r.env.custom_payload,
              ElementsAre(Pair("k", protocol::bytes{1, 2, 3}), Pair("empty", protocol::bytes{})));
  // Without a payload, none comes back.
  const received plain = c.request(protocol_version::v4, protocol::options{});
  EXPECT_FALSE(plain.header.has(protocol::header_flag::custom_payload));
}

TEST(ServerHandshake, TracingFlagIsAcceptedAndIgnored) {
  server_harness server;
  client c(server.endpoint());
  const received r =
      c.request(protocol_version::v4, protocol::options{}, protocol::header_flag::tracing);
  EXPECT_EQ(r.header.op, opcode::supported);
  EXPECT_FALSE(r.header.has(protocol::header_flag::tracing));
}

TEST(ServerHandshake, IdleConnectionStaysOpen) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  EXPECT_TRUE(c.silent_for(std::chrono::milliseconds(300)));
  EXPECT_EQ(c.request(protocol_version::v4, protocol::options{}).header.op, opcode::supported);
}

}  // namespace
}  // namespace cqlshift::sim::test
