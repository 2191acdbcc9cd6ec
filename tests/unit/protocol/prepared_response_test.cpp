#include "cqlshift/protocol/results.hpp"

#include "cqlshift/protocol/responses.hpp"

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

constexpr auto v3 = protocol_version::v3;
constexpr auto v4 = protocol_version::v4;
constexpr auto v5 = protocol_version::v5;

// "INSERT INTO ks.t (id, v) VALUES (?, ?)": two bind variables, no result set.
prepared_result insert_statement() {
  prepared_result p;
  p.id = hex("abcd");
  p.variables.global_table_spec = true;
  p.variables.columns = {{"ks", "t", "id", data_type::of(type_id::int_)},
                         {"ks", "t", "v", data_type::of(type_id::varchar)}};
  p.result_metadata.no_metadata = true;
  return p;
}

bytes insert_variables_specs() {
  return concat({hex("0002"), text("ks"), hex("0001"), text("t"),  // global table spec
                 hex("0002"), text("id"), hex("0009"),             // int
                 hex("0001"), text("v"), hex("000d")});            // varchar
}

TEST(ResponsePrepared, V3HasNoPartitionKeyIndices) {
  expect_wire(insert_statement(), v3,
              concat({hex("00000004 0002 abcd"),
                      hex("00000001 00000002"),  // flags: global; 2 variables
                      insert_variables_specs(),
                      hex("00000004 00000000")}));  // result metadata: no_metadata
}

TEST(ResponsePrepared, V4AddsPartitionKeyIndices) {
  prepared_result p = insert_statement();
  p.variables.pk_indices = {0};
  const bytes wire = concat({hex("00000004 0002 abcd"), hex("00000001 00000002"),
                             hex("00000001 0000"),  // 1 pk index: variable 0
                             insert_variables_specs(), hex("00000004 00000000")});
  expect_wire(p, v4, wire);
  expect_wire(p, protocol_version::dse_v1, wire);
}

TEST(ResponsePrepared, V5AddsTheResultMetadataId) {
  // "SELECT v FROM ks.t WHERE id = ?": one variable and a one-column result set.
  prepared_result p;
  p.id = hex("abcd");
  p.result_metadata_id = hex("1234");
  p.variables.global_table_spec = true;
  p.variables.pk_indices = {0};
  p.variables.columns = {{"ks", "t", "id", data_type::of(type_id::int_)}};
  p.result_metadata.global_table_spec = true;
  p.result_metadata.column_count = 1;
  p.result_metadata.columns = {{"ks", "t", "v", data_type::of(type_id::varchar)}};
  const bytes wire = concat({hex("00000004 0002 abcd"),
                             hex("0002 1234"),  // result metadata id
                             hex("00000001 00000001 00000001 0000"), hex("0002"), text("ks"),
                             hex("0001"), text("t"), hex("0002"), text("id"), hex("0009"),
                             hex("00000001 00000001"),  // result metadata: global; 1 column
                             hex("0002"), text("ks"), hex("0001"), text("t"), hex("0001"),
                             text("v"), hex("000d")});
  expect_wire(p, v5, wire);
  expect_wire(p, protocol_version::dse_v2, wire);
}

TEST(ResponsePrepared, PerColumnSpecsAndSeveralPartitionKeyColumns) {
  prepared_result p;
  p.id = hex("01");
  p.variables.pk_indices = {1, 0};
  p.variables.columns = {{"a", "x", "k1", data_type::of(type_id::uuid)},
                         {"b", "y", "k2", data_type::of(type_id::text)}};
  p.result_metadata.no_metadata = true;
  expect_wire(p, v4,
              concat({hex("00000004 0001 01 00000000 00000002 00000002 0001 0000"), hex("0001"),
                      text("a"), hex("0001"), text("x"), hex("0002"), text("k1"), hex("000c"),
                      hex("0001"), text("b"), hex("0001"), text("y"), hex("0002"), text("k2"),
                      hex("000a"), hex("00000004 00000000")}));
}

TEST(ResponsePrepared, NoVariables) {
  prepared_result p;
  p.id = hex("ff");
  p.result_metadata.no_metadata = true;
  expect_wire(p, v4, hex("00000004 0001 ff 00000000 00000000 00000000 00000004 00000000"));
}

TEST(ResponsePrepared, EncoderChecksVersionFields) {
  prepared_result p = insert_statement();
  p.variables.pk_indices = {0};
  EXPECT_EQ(encode_error(p, v3), errc::not_at_this_version);
  EXPECT_EQ(encode_error(p, v5), errc::invalid_value);  // result_metadata_id missing
  p.result_metadata_id = hex("01");
  EXPECT_EQ(encode_error(p, v4), errc::not_at_this_version);
  EXPECT_EQ(encode_error(p, protocol_version::dse_v1), errc::not_at_this_version);

  prepared_result mixed = insert_statement();
  mixed.variables.columns[1].keyspace = "other";
  EXPECT_EQ(encode_error(mixed, v3), errc::invalid_value);
}

TEST(ResponsePrepared, MalformedMetadata) {
  // Variables flags other than Global_tables_spec.
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000004 0001 01 00000002 00000000 00000000")),
            errc::invalid_value);
  // Negative variable count.
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000004 0001 01 00000000 ffffffff 00000000")),
            errc::negative_length);
  // Negative or oversized pk count.
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000004 0001 01 00000000 00000000 ffffffff")),
            errc::negative_length);
  EXPECT_EQ(
      decode_error(opcode::result, v4, hex("00000004 0001 01 00000000 00000000 7fffffff 0000")),
      errc::length_out_of_bounds);
  // Global table spec with no variables to hold it.
  EXPECT_EQ(decode_error(opcode::result, v4,
                         concat({hex("00000004 0001 01 00000001 00000000 00000000 0002"),
                                 text("ks"), hex("0001"), text("t"), hex("00000004 00000000")})),
            errc::invalid_value);
  // Prepared id longer than the message.
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000004 0010 01")), errc::length_out_of_bounds);
}

}  // namespace
}  // namespace cqlshift::protocol
