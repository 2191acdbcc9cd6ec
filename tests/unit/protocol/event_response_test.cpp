#include "cqlshift/protocol/event.hpp"

#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/protocol/schema_change.hpp"

#include "response_test_util.hpp"

#include <gtest/gtest.h>

namespace cqlshift::protocol {
namespace {

using response_test::decode_error;
using response_test::encode_error;
using response_test::expect_every_prefix_fails;
using response_test::expect_golden;
using response_test::expect_wire;
using response_test::text;
using test::concat;
using test::hex;

constexpr auto v2 = protocol_version::v2;
constexpr auto v3 = protocol_version::v3;
constexpr auto v4 = protocol_version::v4;
constexpr auto v5 = protocol_version::v5;

// A RESULT Schema_change is the kind followed by the SCHEMA_CHANGE event's fields.
void expect_schema_change_wire(const schema_change& c, protocol_version v, const bytes& fields) {
  expect_wire(event{c}, v, concat({hex("000d"), text("SCHEMA_CHANGE"), fields}));
  const bytes result = concat({hex("00000005"), fields});
  expect_golden(schema_change_result{c}, v, result);
  expect_every_prefix_fails(opcode::result, v, result);
}

const inet localhost{hex("7f000001"), 9042};

TEST(ResponseEvent, TopologyChange) {
  const bytes address = hex("04 7f000001 00002352");
  for (auto v : {v2, v3, v4, v5}) {
    expect_wire(
        event{topology_change_event{"NEW_NODE", localhost}}, v,
        concat({hex("000f"), text("TOPOLOGY_CHANGE"), hex("0008"), text("NEW_NODE"), address}));
    expect_wire(
        event{topology_change_event{"REMOVED_NODE", localhost}}, v,
        concat({hex("000f"), text("TOPOLOGY_CHANGE"), hex("000c"), text("REMOVED_NODE"), address}));
  }
  expect_wire(
      event{topology_change_event{"MOVED_NODE", localhost}}, v3,
      concat({hex("000f"), text("TOPOLOGY_CHANGE"), hex("000a"), text("MOVED_NODE"), address}));
}

TEST(ResponseEvent, StatusChangeWithIpv6) {
  const bytes v6 = hex("20010db8 00000000 00000000 00000001");
  const inet node{v6, 9042};
  expect_wire(event{status_change_event{"DOWN", node}}, v4,
              concat({hex("000d"), text("STATUS_CHANGE"), hex("0004"), text("DOWN"), hex("10"), v6,
                      hex("00002352")}));
  expect_wire(event{status_change_event{"UP", localhost}}, v5,
              concat({hex("000d"), text("STATUS_CHANGE"), hex("0002"), text("UP"),
                      hex("04 7f000001 00002352")}));
}

TEST(ResponseSchemaChange, KeyspaceTableAndType) {
  for (auto v : {v3, v4, v5}) {
    expect_schema_change_wire(
        {schema_change_type::created, schema_change_target::keyspace, "ks", "", {}}, v,
        concat({hex("0007"), text("CREATED"), hex("0008"), text("KEYSPACE"), hex("0002"),
                text("ks")}));
    expect_schema_change_wire(
        {schema_change_type::updated, schema_change_target::table, "ks", "t", {}}, v,
        concat({hex("0007"), text("UPDATED"), hex("0005"), text("TABLE"), hex("0002"), text("ks"),
                hex("0001"), text("t")}));
    expect_schema_change_wire(
        {schema_change_type::dropped, schema_change_target::type, "ks", "addr", {}}, v,
        concat({hex("0007"), text("DROPPED"), hex("0004"), text("TYPE"), hex("0002"), text("ks"),
                hex("0004"), text("addr")}));
  }
}

TEST(ResponseSchemaChange, FunctionAndAggregateWithArgumentTypesFromV4) {
  for (auto v : {v4, v5, protocol_version::dse_v1}) {
    expect_schema_change_wire(
        {schema_change_type::created, schema_change_target::function, "ks", "fun", {"int", "text"}},
        v,
        concat({hex("0007"), text("CREATED"), hex("0008"), text("FUNCTION"), hex("0002"),
                text("ks"), hex("0003"), text("fun"), hex("0002 0003"), text("int"), hex("0004"),
                text("text")}));
    expect_schema_change_wire(
        {schema_change_type::dropped, schema_change_target::aggregate, "ks", "agg", {}}, v,
        concat({hex("0007"), text("DROPPED"), hex("0009"), text("AGGREGATE"), hex("0002"),
                text("ks"), hex("0003"), text("agg"), hex("0000")}));
  }
}

TEST(ResponseSchemaChange, FunctionTargetsDoNotExistInV3) {
  const bytes fields = concat({hex("0007"), text("CREATED"), hex("0008"), text("FUNCTION"),
                               hex("0002"), text("ks"), hex("0001"), text("f"), hex("0000")});
  EXPECT_EQ(decode_error(opcode::result, v3, concat({hex("00000005"), fields})),
            errc::not_at_this_version);
  const schema_change c{
      schema_change_type::created, schema_change_target::aggregate, "ks", "a", {}};
  EXPECT_EQ(encode_error(schema_change_result{c}, v3), errc::not_at_this_version);
}

TEST(ResponseSchemaChange, V2LayoutIsChangeKeyspaceTable) {
  expect_schema_change_wire(
      {schema_change_type::created, schema_change_target::keyspace, "ks", "", {}}, v2,
      concat({hex("0007"), text("CREATED"), hex("0002"), text("ks"), hex("0000")}));
  expect_schema_change_wire(
      {schema_change_type::dropped, schema_change_target::table, "ks", "t", {}}, v2,
      concat({hex("0007"), text("DROPPED"), hex("0002"), text("ks"), hex("0001"), text("t")}));
}

TEST(ResponseSchemaChange, V2CannotCarryNewTargets) {
  for (auto target : {schema_change_target::type, schema_change_target::function,
                      schema_change_target::aggregate}) {
    const schema_change c{schema_change_type::created, target, "ks", "x", {}};
    EXPECT_EQ(encode_error(schema_change_result{c}, v2), errc::not_at_this_version)
        << to_string(target);
  }
  // An empty table name would read back as a keyspace change.
  const schema_change unnamed{
      schema_change_type::created, schema_change_target::table, "ks", "", {}};
  EXPECT_EQ(encode_error(event{unnamed}, v2), errc::invalid_value);
}

TEST(ResponseSchemaChange, EncoderRejectsFieldsTheTargetDoesNotHave) {
  EXPECT_EQ(
      encode_error(event{schema_change{
                       schema_change_type::created, schema_change_target::keyspace, "ks", "t", {}}},
                   v4),
      errc::invalid_value);
  EXPECT_EQ(encode_error(
                event{schema_change{
                    schema_change_type::created, schema_change_target::table, "ks", "t", {"int"}}},
                v4),
            errc::invalid_value);
}

TEST(ResponseSchemaChange, UnknownChangeTypeOrTarget) {
  EXPECT_EQ(decode_error(opcode::result, v4,
                         concat({hex("00000005 0007"), text("RENAMED"), hex("0008"),
                                 text("KEYSPACE"), hex("0002"), text("ks")})),
            errc::unknown_event);
  EXPECT_EQ(decode_error(opcode::event, v4,
                         concat({hex("000d"), text("SCHEMA_CHANGE"), hex("0007"), text("CREATED"),
                                 hex("0005"), text("INDEX"), hex("0002"), text("ks")})),
            errc::invalid_value);
}

TEST(ResponseEvent, UnknownEventTypeOrChangeKind) {
  EXPECT_EQ(decode_error(opcode::event, v4, concat({hex("0003"), text("FOO")})),
            errc::unknown_event);
  EXPECT_EQ(decode_error(opcode::event, v4,
                         concat({hex("000f"), text("TOPOLOGY_CHANGE"), hex("0008"),
                                 text("EXPLODED"), hex("04 7f000001 00002352")})),
            errc::unknown_event);
  EXPECT_EQ(decode_error(opcode::event, v4,
                         concat({hex("000d"), text("STATUS_CHANGE"), hex("0008"), text("SIDEWAYS"),
                                 hex("04 7f000001 00002352")})),
            errc::unknown_event);
}

TEST(ResponseEvent, MalformedAddress) {
  EXPECT_EQ(decode_error(opcode::event, v4,
                         concat({hex("000d"), text("STATUS_CHANGE"), hex("0002"), text("UP"),
                                 hex("05 7f00000101 00002352")})),
            errc::invalid_value);
}

TEST(ResponseEvent, EncoderRejectsUndefinedChangeKinds) {
  EXPECT_EQ(encode_error(event{topology_change_event{"EXPLODED", localhost}}, v4),
            errc::invalid_value);
  EXPECT_EQ(encode_error(event{status_change_event{"up", localhost}}, v4), errc::invalid_value);
}

}  // namespace
}  // namespace cqlshift::protocol
