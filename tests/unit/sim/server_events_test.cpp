// SCHEMA_CHANGE events: a connection that REGISTERed hears every schema change made through
// any node of the process, on stream -1, in its own protocol version and framing.

#include "server_test_support.hpp"

#include <gtest/gtest.h>

namespace cqlshift::sim::test {
namespace {

using protocol::opcode;

protocol::schema_change schema_event(const received& r) {
  EXPECT_EQ(r.header.stream, -1);
  EXPECT_EQ(r.header.op, opcode::event);
  return std::get<protocol::schema_change>(r.as<protocol::event>().body);
}

class ServerEvents : public ::testing::TestWithParam<protocol_version> {};

TEST_P(ServerEvents, RegisteredConnectionHearsChangesMadeThroughAnotherNode) {
  const protocol_version v = GetParam();
  server_harness server({}, loopback(2));
  client listener(server.endpoint(0));
  listener.connect(v, protocol::uses_segments(v) ? protocol::compression_algorithm::lz4
                                                 : protocol::compression_algorithm::snappy);
  EXPECT_EQ(listener.request(v, protocol::register_request{{"SCHEMA_CHANGE"}}).header.op,
            opcode::ready);
  client quiet(server.endpoint(0));
  quiet.connect(v);

  client writer(server.endpoint(1));
  writer.connect(protocol_version::v4);
  const received created = writer.query(
      protocol_version::v4,
      "CREATE KEYSPACE ev WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  ASSERT_EQ(created.header.op, opcode::result);

  const protocol::schema_change change = schema_event(listener.receive());
  EXPECT_EQ(change.change, protocol::schema_change_type::created);
  EXPECT_EQ(change.target, protocol::schema_change_target::keyspace);
  EXPECT_EQ(change.keyspace, "ev");

  writer.query(protocol_version::v4, "CREATE TABLE ev.t (k int PRIMARY KEY)");
  const protocol::schema_change table = schema_event(listener.receive());
  EXPECT_EQ(table.target, protocol::schema_change_target::table);
  EXPECT_EQ(table.name, "t");

  // Neither the writer (it did not REGISTER) nor an unregistered connection hears anything.
  EXPECT_TRUE(quiet.silent_for(std::chrono::milliseconds(100)));
  EXPECT_TRUE(writer.silent_for(std::chrono::milliseconds(100)));
}

INSTANTIATE_TEST_SUITE_P(ServerVersions, ServerEvents,
                         ::testing::Values(protocol_version::v3, protocol_version::v4,
                                           protocol_version::v5),
                         [](const auto& info) {
                           return std::string(protocol::to_string(info.param));
                         });

TEST(ServerEventsNoop, ADdlThatChangesNothingSendsNoEvent) {
  server_harness server;
  client listener(server.endpoint());
  listener.connect(protocol_version::v4);
  listener.request(protocol_version::v4, protocol::register_request{{"SCHEMA_CHANGE"}});
  client writer(server.endpoint());
  writer.connect(protocol_version::v4);
  const std::string create =
      "CREATE KEYSPACE IF NOT EXISTS ev WITH replication = {'class': 'SimpleStrategy', "
      "'replication_factor': 1}";
  writer.query(protocol_version::v4, create);
  EXPECT_EQ(schema_event(listener.receive()).keyspace, "ev");
  const received again = writer.query(protocol_version::v4, create);
  EXPECT_NO_THROW(again.as<protocol::void_result>());
  EXPECT_TRUE(listener.silent_for(std::chrono::milliseconds(100)));
}

}  // namespace
}  // namespace cqlshift::sim::test
