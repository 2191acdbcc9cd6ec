// Fault injection as the server applies fault_registry's decisions: delay (the other requests
// keep flowing), error (with details that fit the request), close, no reply; and the request
// log entry of every request.

#include "server_test_support.hpp"

#include <gtest/gtest.h>

namespace cqlshift::sim::test {
namespace {

using protocol::opcode;

fault_rule rule(std::string op, fault_action action) {
  fault_rule r;
  r.opcode = std::move(op);
  r.action.action = action;
  return r;
}

TEST(ServerFaults, DelayedRequestIsAnsweredAfterLaterOnes) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  fault_rule r = rule("OPTIONS", fault_action::delay);
  r.action.delay_ms = 300;
  r.count = 1;
  server.add_rule(r);
  const auto start = std::chrono::steady_clock::now();
  c.send(protocol_version::v4, 1, protocol::options{});
  c.send(protocol_version::v4, 2, protocol::register_request{{"SCHEMA_CHANGE"}});
  const received first = c.receive();
  EXPECT_EQ(first.header.stream, 2);
  EXPECT_EQ(first.header.op, opcode::ready);
  const received second = c.receive();
  EXPECT_EQ(second.header.stream, 1);
  EXPECT_EQ(second.header.op, opcode::supported);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
}

TEST(ServerFaults, ClosingWithDelayedRequestsPendingLeavesNothingBehind) {
  server_harness server;
  {
    client c(server.endpoint());
    c.connect(protocol_version::v4);
    fault_rule r = rule("OPTIONS", fault_action::delay);
    r.action.delay_ms = 60000;
    server.add_rule(r);
    c.send(protocol_version::v4, 1, protocol::options{});
    EXPECT_TRUE(c.silent_for(std::chrono::milliseconds(50)));
  }
  // The harness's destructor also checks that the minute-long timer does not keep it alive.
  EXPECT_TRUE(server.wait_for_connections(0));
}

TEST(ServerFaults, ErrorAnswersWithTheRulesCodeAndPlausibleDetails) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  fault_rule r = rule("QUERY", fault_action::error);
  r.action.error_code = protocol::error_code::unavailable;
  server.add_rule(r);
  const received got =
      c.query(protocol_version::v4, "SELECT * FROM ks.t", protocol::consistency::local_quorum);
  const auto& e = got.error();
  EXPECT_EQ(e.code, protocol::error_code::unavailable);
  EXPECT_EQ(e.message, "Cannot achieve consistency level LOCAL_QUORUM");
  const auto& d = std::get<protocol::unavailable_details>(e.details);
  EXPECT_EQ(d.consistency, protocol::consistency::local_quorum);
  EXPECT_EQ(d.required, 1);
  EXPECT_EQ(d.alive, 0);
}

TEST(ServerFaults, ErrorKeepsTheRulesMessageAndNamesTheWriteType) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  fault_rule q = rule("QUERY", fault_action::error);
  q.action.error_code = protocol::error_code::write_timeout;
  q.action.message = "too slow";
  server.add_rule(q);
  fault_rule b = rule("BATCH", fault_action::error);
  b.action.error_code = protocol::error_code::write_timeout;
  server.add_rule(b);

  const received single = c.query(protocol_version::v4, "INSERT INTO ks.t (k) VALUES (1)");
  EXPECT_EQ(single.error().message, "too slow");
  EXPECT_EQ(std::get<protocol::write_timeout_details>(single.error().details).write_type, "SIMPLE");

  protocol::batch batch;
  batch.type = protocol::batch_type::unlogged;
  protocol::batch_child child;
  child.query_string = "INSERT INTO ks.t (k) VALUES (1)";
  batch.children = {child};
  batch.consistency_level = protocol::consistency::quorum;
  const received got = c.request(protocol_version::v4, batch);
  EXPECT_EQ(got.error().message, "Operation timed out - received only 0 responses.");
  const auto& d = std::get<protocol::write_timeout_details>(got.error().details);
  EXPECT_EQ(d.write_type, "UNLOGGED_BATCH");
  EXPECT_EQ(d.consistency, protocol::consistency::quorum);
  EXPECT_EQ(d.received, 0);
  EXPECT_EQ(d.block_for, 1);
}

TEST(ServerFaults, FailureDetailsCarryAReasonMapInV5) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v5);
  fault_rule r = rule("QUERY", fault_action::error);
  r.action.error_code = protocol::error_code::read_failure;
  server.add_rule(r);
  const received got = c.query(protocol_version::v5, "SELECT * FROM ks.t");
  const auto& d = std::get<protocol::read_failure_details>(got.error().details);
  EXPECT_EQ(d.num_failures, 1);
  ASSERT_EQ(d.reason_map.size(), 1u);
  EXPECT_EQ(d.reason_map[0].first, (protocol::bytes{127, 0, 0, 1}));
}

TEST(ServerFaults, CloseDropsTheConnectionWithoutAnAnswer) {
  server_harness server;
  client other(server.endpoint());
  other.connect(protocol_version::v4);
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  fault_rule r = rule("OPTIONS", fault_action::close);
  r.count = 1;
  server.add_rule(r);
  c.send(protocol_version::v4, 1, protocol::options{});
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(other.request(protocol_version::v4, protocol::options{}).header.op, opcode::supported);
  EXPECT_TRUE(server.wait_for_connections(1));
}

TEST(ServerFaults, NoReplyDropsOnlyThatRequest) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  fault_rule r = rule("OPTIONS", fault_action::no_reply);
  r.count = 1;
  server.add_rule(r);
  c.send(protocol_version::v4, 1, protocol::options{});
  c.send(protocol_version::v4, 2, protocol::options{});
  EXPECT_EQ(c.receive().header.stream, 2);
  EXPECT_TRUE(c.silent_for(std::chrono::milliseconds(200)));
}

TEST(ServerFaults, RulesMatchByNode) {
  server_harness server({}, loopback(2));
  client node0(server.endpoint(0));
  client node1(server.endpoint(1));
  node0.connect(protocol_version::v4);
  node1.connect(protocol_version::v4);
  fault_rule r = rule("", fault_action::error);
  r.node = 1;
  r.action.error_code = protocol::error_code::overloaded;
  server.add_rule(r);
  EXPECT_EQ(node0.request(protocol_version::v4, protocol::options{}).header.op, opcode::supported);
  EXPECT_EQ(node1.request(protocol_version::v4, protocol::options{}).error().code,
            protocol::error_code::overloaded);
}

TEST(ServerFaults, EveryRequestIsLogged) {
  server_harness server;
  client c(server.endpoint());
  c.connect(protocol_version::v4);
  // An error rule so the QUERY does not need the table to exist.
  fault_rule r = rule("QUERY", fault_action::error);
  server.add_rule(r);
  c.send(protocol_version::v4, 42, [] {
    protocol::query q;
    q.query_string = "SELECT v FROM ks.tab WHERE k = 1";
    q.params.consistency_level = protocol::consistency::local_one;
    return q;
  }());
  c.receive();
  const auto log = server.log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].opcode, "STARTUP");
  EXPECT_EQ(log[0].statement, "");
  EXPECT_EQ(log[0].consistency, "");
  const request_record& q = log[1];
  EXPECT_EQ(q.opcode, "QUERY");
  EXPECT_EQ(q.statement, "SELECT v FROM ks.tab WHERE k = 1");
  EXPECT_EQ(q.keyspace, "ks");
  EXPECT_EQ(q.table, "tab");
  EXPECT_EQ(q.consistency, "LOCAL_ONE");
  EXPECT_EQ(q.stream, 42);
  EXPECT_EQ(q.node, 0u);
  EXPECT_EQ(q.connection, log[0].connection);
  EXPECT_GT(q.time_micros, 0);
  EXPECT_GE(q.seq, log[0].seq + 1);
}

}  // namespace
}  // namespace cqlshift::sim::test
