// PasswordAuthenticator as Cassandra runs it: STARTUP answers AUTHENTICATE, SASL PLAIN
// credentials answer AUTH_SUCCESS or AUTH_ERROR (0x0100) with Cassandra's messages, and
// nothing else runs before that.

#include "server_test_support.hpp"

#include <gtest/gtest.h>

namespace cqlshift::sim::test {
namespace {

using protocol::opcode;

server_options with_password() {
  server_options o;
  o.credentials = {{"cassandra", "cassandra"}, {"app", "s3cret"}};
  return o;
}

TEST(ServerAuth, StartupAsksForThePasswordAuthenticator) {
  server_harness server(with_password());
  client c(server.endpoint());
  const received r = c.startup(protocol_version::v4);
  EXPECT_EQ(r.as<protocol::authenticate>().authenticator,
            "org.apache.cassandra.auth.PasswordAuthenticator");
}

TEST(ServerAuth, RightCredentialsAuthenticate) {
  server_harness server(with_password());
  client c(server.endpoint());
  c.startup(protocol_version::v4);
  const received r =
      c.request(protocol_version::v4, protocol::auth_response{client::sasl_plain("app", "s3cret")});
  EXPECT_EQ(r.header.op, opcode::auth_success);
  EXPECT_FALSE(r.as<protocol::auth_success>().token.has_value());
  EXPECT_EQ(c.request(protocol_version::v4, protocol::options{}).header.op, opcode::supported);
}

TEST(ServerAuth, WrongPasswordIsAnAuthErrorAndMayBeRetried) {
  server_harness server(with_password());
  client c(server.endpoint());
  c.startup(protocol_version::v4);
  const received r =
      c.request(protocol_version::v4, protocol::auth_response{client::sasl_plain("app", "nope")});
  EXPECT_EQ(r.error().code, protocol::error_code::auth_error);
  EXPECT_EQ(r.error().message, "Provided username app and/or password are incorrect");
  const received unknown =
      c.request(protocol_version::v4, protocol::auth_response{client::sasl_plain("bob", "s3cret")});
  EXPECT_EQ(unknown.error().message, "Provided username bob and/or password are incorrect");
  const received ok =
      c.request(protocol_version::v4, protocol::auth_response{client::sasl_plain("app", "s3cret")});
  EXPECT_EQ(ok.header.op, opcode::auth_success);
}

TEST(ServerAuth, MalformedTokens) {
  server_harness server(with_password());
  client c(server.endpoint());
  c.startup(protocol_version::v4);
  auto answer = [&](protocol::bytes token) {
    return c.request(protocol_version::v4, protocol::auth_response{std::move(token)}).error();
  };
  EXPECT_EQ(answer(client::sasl_plain("app", "")).message, "Password must not be null");
  EXPECT_EQ(answer(client::sasl_plain("", "x")).message, "Authentication ID must not be null");
  EXPECT_EQ(answer({}).message, "Password must not be null");
  EXPECT_EQ(answer({'a', 0, 'b', 0, 'c', 0, 'd'}).code, protocol::error_code::auth_error);
  // An authorization id before the user is allowed.
  const received ok =
      c.request(protocol_version::v4, protocol::auth_response{protocol::bytes{
                                          'z', 0, 'a', 'p', 'p', 0, 's', '3', 'c', 'r', 'e', 't'}});
  EXPECT_EQ(ok.header.op, opcode::auth_success);
}

TEST(ServerAuth, NothingRunsBeforeAuthentication) {
  server_harness server(with_password());
  client c(server.endpoint());
  c.startup(protocol_version::v4);
  const received q = c.query(protocol_version::v4, "SELECT * FROM system.local");
  EXPECT_EQ(q.error().code, protocol::error_code::protocol_error);
  EXPECT_EQ(q.error().message, "Unexpected message QUERY, expecting SASL_RESPONSE");
  const received o = c.request(protocol_version::v4, protocol::options{});
  EXPECT_EQ(o.error().message, "Unexpected message OPTIONS, expecting SASL_RESPONSE");
}

TEST(ServerAuth, V5AuthenticatesInSegments) {
  server_harness server(with_password());
  client c(server.endpoint());
  EXPECT_EQ(c.startup(protocol_version::v5, protocol::compression_algorithm::lz4).header.op,
            opcode::authenticate);
  const received r = c.request(
      protocol_version::v5, protocol::auth_response{client::sasl_plain("cassandra", "cassandra")});
  EXPECT_EQ(r.header.op, opcode::auth_success);
  EXPECT_EQ(c.request(protocol_version::v5, protocol::options{}).header.op, opcode::supported);
}

TEST(ServerAuth, WithoutCredentialsConfiguredStartupIsReady) {
  server_harness server;
  client c(server.endpoint());
  EXPECT_EQ(c.startup(protocol_version::v4).header.op, opcode::ready);
  const received r =
      c.request(protocol_version::v4, protocol::auth_response{client::sasl_plain("a", "b")});
  EXPECT_EQ(r.error().code, protocol::error_code::protocol_error);
}

}  // namespace
}  // namespace cqlshift::sim::test
