// The nodes' native protocol ports over TLS: the handshake, the server name each client sent,
// client certificates, and clients that fail their handshake (plaintext, no certificate,
// silence), which are disconnected while the other clients go on.

#include "server_test_support.hpp"
#include "tls_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cqlshift::sim::test {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const test_pki& pki() {
  static const test_pki p = make_test_pki();
  return p;
}

server_options tls_options(std::shared_ptr<asio::ssl::context> ctx) {
  server_options o;
  o.tls = std::move(ctx);
  return o;
}

std::string endpoint_text(const tcp::endpoint& e) {
  return e.address().to_string() + ":" + std::to_string(e.port());
}

std::string release_version(client& c) {
  const auto& rows = c.query(protocol_version::v4, "SELECT release_version FROM system.local")
                         .as<protocol::rows_result>();
  if (rows.rows.size() != 1 || !rows.rows[0][0]) return "";
  return std::string(rows.rows[0][0]->begin(), rows.rows[0][0]->end());
}

TEST(ServerTls, QueryOverTlsAndTheServerNameIsLogged) {
  server_harness server(tls_options(server_context(pki())));
  auto ctx = client_context(pki());
  client c(server.endpoint(), *ctx, "node0.cqlsim.test");
  c.connect(protocol_version::v4);
  EXPECT_THAT(release_version(c), Not(IsEmpty()));
  client no_sni(server.endpoint(), *ctx);
  no_sni.connect(protocol_version::v5);

  const auto handshakes = server.handshakes();
  ASSERT_EQ(handshakes.size(), 2u);
  EXPECT_TRUE(handshakes[0].accepted);
  EXPECT_EQ(handshakes[0].server_name, "node0.cqlsim.test");
  EXPECT_EQ(handshakes[0].peer, endpoint_text(c.local_endpoint()));
  EXPECT_EQ(handshakes[0].node, 0u);
  EXPECT_EQ(handshakes[0].error, "");
  EXPECT_TRUE(handshakes[1].accepted);
  EXPECT_EQ(handshakes[1].server_name, "");
  EXPECT_EQ(server.connection_count(), 2u);
}

TEST(ServerTls, PlaintextClientIsRefusedWhileTlsClientsGoOn) {
  server_harness server(tls_options(server_context(pki())), loopback(2));
  auto ctx = client_context(pki());
  client before(server.endpoint(1), *ctx, "before");
  before.connect(protocol_version::v4);

  client plain(server.endpoint(1));
  const tcp::endpoint plain_endpoint = plain.local_endpoint();
  plain.send(protocol_version::v4, 0, protocol::options{});
  EXPECT_TRUE(plain.ended_by_server());
  ASSERT_TRUE(server.wait_for_handshakes(2));
  const auto refused = server.handshakes()[1];
  EXPECT_FALSE(refused.accepted);
  EXPECT_EQ(refused.node, 1u);
  EXPECT_EQ(refused.peer, endpoint_text(plain_endpoint));
  EXPECT_THAT(refused.error, Not(IsEmpty()));

  EXPECT_THAT(release_version(before), Not(IsEmpty()));
  client after(server.endpoint(0), *ctx, "after");
  after.connect(protocol_version::v4);
  EXPECT_THAT(release_version(after), Not(IsEmpty()));
  EXPECT_EQ(server.connection_count(), 2u);
}

TEST(ServerTls, RequiredClientCertificate) {
  server_harness server(tls_options(server_context(pki(), pki().ca, true)));
  auto with_certificate = client_context(pki(), true);
  client c(server.endpoint(), *with_certificate);
  c.connect(protocol_version::v4);
  EXPECT_THAT(release_version(c), Not(IsEmpty()));

  // With TLS 1.3 the client's side of the handshake ends before the server checks the
  // certificate; the refusal comes as an alert and the end of the connection.
  auto without_certificate = client_context(pki());
  bool refused = false;
  try {
    client anonymous(server.endpoint(), *without_certificate);
    anonymous.send(protocol_version::v4, 0, protocol::options{});
    refused = anonymous.ended_by_server();
  } catch (const std::exception&) {
    refused = true;  // TLS 1.2: the handshake itself fails
  }
  EXPECT_TRUE(refused);
  ASSERT_TRUE(server.wait_for_handshakes(2));
  const auto handshakes = server.handshakes();
  EXPECT_TRUE(handshakes[0].accepted);
  EXPECT_FALSE(handshakes[1].accepted);
  EXPECT_THAT(handshakes[1].error, HasSubstr("certificate"));
  EXPECT_EQ(server.connection_count(), 1u);
}

TEST(ServerTls, ClientCertificateFromAnotherCaIsRefused) {
  server_harness server(tls_options(server_context(pki(), pki().other_ca)));
  auto with_certificate = client_context(pki(), true);
  bool refused = false;
  try {
    client c(server.endpoint(), *with_certificate);
    c.send(protocol_version::v4, 0, protocol::options{});
    refused = c.ended_by_server();
  } catch (const std::exception&) {
    refused = true;
  }
  EXPECT_TRUE(refused);
  ASSERT_TRUE(server.wait_for_handshakes(1));
  EXPECT_THAT(server.handshakes()[0].error, HasSubstr("failed verification"));
}

TEST(ServerTls, SilentClientIsDisconnectedAtTheHandshakeDeadline) {
  server_options o = tls_options(server_context(pki()));
  o.tls_handshake_timeout = std::chrono::milliseconds(100);
  server_harness server(std::move(o));
  client silent(server.endpoint());
  EXPECT_TRUE(silent.ended_by_server());
  ASSERT_TRUE(server.wait_for_handshakes(1));
  EXPECT_THAT(server.handshakes()[0].error, HasSubstr("did not finish in time"));
}

TEST(ServerTls, StopEndsHandshakesUnderWay) {
  server_options o = tls_options(server_context(pki()));
  o.tls_handshake_timeout = std::chrono::hours(1);
  auto server = std::make_unique<server_harness>(std::move(o));
  client silent(server->endpoint());
  // Accepted in order: once this client is served, the silent one is in its handshake.
  auto ctx = client_context(pki());
  client served(server->endpoint(), *ctx);
  served.connect(protocol_version::v4);
  // The harness fails the test when the server's coroutines outlive stop() by its time limit.
  const auto start = std::chrono::steady_clock::now();
  server.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, wait_limit);
  EXPECT_TRUE(silent.ended_by_server());
}

TEST(ServerTls, EmptyCaMeansNoClientVerificationButCannotBeRequired) {
  EXPECT_EQ(SSL_CTX_get_verify_mode(server_context(pki())->native_handle()), SSL_VERIFY_NONE);
  EXPECT_EQ(SSL_CTX_get_verify_mode(server_context(pki(), pki().ca)->native_handle()),
            SSL_VERIFY_PEER);
  EXPECT_THROW(server_context(pki(), "", true), net::tls_error);
}

}  // namespace
}  // namespace cqlshift::sim::test
