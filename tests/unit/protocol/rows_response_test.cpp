#include "cqlshift/protocol/results.hpp"

#include "cqlshift/protocol/responses.hpp"
#include "cqlshift/protocol/rows_metadata.hpp"

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

constexpr auto v4 = protocol_version::v4;
constexpr auto v5 = protocol_version::v5;
constexpr auto dse_v1 = protocol_version::dse_v1;
constexpr auto dse_v2 = protocol_version::dse_v2;

column_spec col(std::string ks, std::string table, std::string name, data_type t) {
  return column_spec{std::move(ks), std::move(table), std::move(name), std::move(t)};
}

bytes cell(std::initializer_list<std::uint8_t> b) {
  return bytes(b);
}

// users(id int, name text) in keyspace ks, with one global table spec; the second row's name is
// null.
rows_result users_rows() {
  rows_result r;
  r.metadata.global_table_spec = true;
  r.metadata.column_count = 2;
  r.metadata.columns = {col("ks", "users", "id", data_type::of(type_id::int_)),
                        col("ks", "users", "name", data_type::of(type_id::varchar))};
  r.rows = {{cell({0, 0, 0, 42}), bytes{'b', 'o', 'b'}}, {cell({0, 0, 0, 7}), std::nullopt}};
  return r;
}

bytes users_wire() {
  return concat({hex("00000002"),           // kind: Rows
                 hex("00000001 00000002"),  // flags: global; 2 columns
                 hex("0002"), text("ks"), hex("0005"), text("users"), hex("0002"), text("id"),
                 hex("0009"),                             // int
                 hex("0004"), text("name"), hex("000d"),  // varchar
                 hex("00000002"),                         // 2 rows
                 hex("00000004 0000002a"), hex("00000003"), text("bob"), hex("00000004 00000007"),
                 hex("ffffffff")});
}

TEST(ResponseRows, GlobalTableSpecAtEveryVersion) {
  for (auto v : {protocol_version::v2, protocol_version::v3, v4, v5, dse_v1, dse_v2}) {
    expect_wire(users_rows(), v, users_wire());
  }
}

TEST(ResponseRows, PerColumnTableSpecs) {
  rows_result r;
  r.metadata.column_count = 2;
  r.metadata.columns = {col("ks", "a", "x", data_type::of(type_id::int_)),
                        col("ks", "b", "y", data_type::list_of(data_type::of(type_id::varchar)))};
  r.rows = {{bytes{}, std::nullopt}};
  expect_wire(r, v4,
              concat({hex("00000002 00000000 00000002"), hex("0002"), text("ks"), hex("0001"),
                      text("a"), hex("0001"), text("x"), hex("0009"), hex("0002"), text("ks"),
                      hex("0001"), text("b"), hex("0001"), text("y"),
                      hex("0020 000d"),                      // list<varchar>
                      hex("00000001 00000000 ffffffff")}));  // empty cell, null cell
}

TEST(ResponseRows, PagingState) {
  rows_result r;
  r.metadata.global_table_spec = true;
  r.metadata.column_count = 1;
  r.metadata.paging_state = hex("deadbeef");
  r.metadata.columns = {col("ks", "t", "c", data_type::of(type_id::bigint))};
  expect_wire(r, v4,
              concat({hex("00000002 00000003 00000001"),  // global | has_more_pages
                      hex("00000004 deadbeef"), hex("0002"), text("ks"), hex("0001"), text("t"),
                      hex("0001"), text("c"), hex("0002"), hex("00000000")}));
}

TEST(ResponseRows, NoMetadataHasAColumnCountButNoSpecs) {
  rows_result r;
  r.metadata.no_metadata = true;
  r.metadata.column_count = 3;
  r.rows = {{cell({1}), std::nullopt, bytes{}}};
  expect_wire(r, v4, hex("00000002 00000004 00000003 | 00000001 | 00000001 01 ffffffff 00000000"));
}

TEST(ResponseRows, NoMetadataKeepsTheGlobalFlagAsSent) {
  // Cassandra keeps Global_tables_spec set when it skips the metadata.
  rows_result r;
  r.metadata.no_metadata = true;
  r.metadata.global_table_spec = true;
  r.metadata.column_count = 1;
  expect_wire(r, v4, hex("00000002 00000005 00000001 00000000"));
}

TEST(ResponseRows, NoMetadataWithPagingState) {
  rows_result r;
  r.metadata.no_metadata = true;
  r.metadata.column_count = 1;
  r.metadata.paging_state = hex("0102");
  expect_wire(r, v4, hex("00000002 00000006 00000001 00000002 0102 00000000"));
}

TEST(ResponseRows, NewMetadataIdInV5AndDseV2) {
  rows_result r;
  r.metadata.global_table_spec = true;
  r.metadata.column_count = 1;
  r.metadata.new_metadata_id = hex("01020304");
  r.metadata.columns = {col("ks", "t", "c", data_type::of(type_id::int_))};
  const bytes wire = concat({hex("00000002 00000009 00000001"),  // global | metadata_changed
                             hex("0004 01020304"), hex("0002"), text("ks"), hex("0001"), text("t"),
                             hex("0001"), text("c"), hex("0009"), hex("00000000")});
  expect_wire(r, v5, wire);
  expect_wire(r, dse_v2, wire);
  // Metadata_changed does not exist before v5 or in DSE v1.
  EXPECT_EQ(decode_error(opcode::result, v4, wire), errc::invalid_value);
  EXPECT_EQ(decode_error(opcode::result, dse_v1, wire), errc::invalid_value);
  EXPECT_EQ(encode_error(r, v4), errc::not_at_this_version);
}

TEST(ResponseRows, DseContinuousPaging) {
  rows_result r;
  r.metadata.no_metadata = true;
  r.metadata.column_count = 1;
  r.metadata.continuous_page_number = 3;
  r.metadata.last_continuous_page = true;
  r.rows = {{bytes{}}};
  const bytes wire = hex("00000002 c0000004 00000001 00000003 00000001 00000000");
  expect_wire(r, dse_v1, wire);
  expect_wire(r, dse_v2, wire);
  EXPECT_EQ(decode_error(opcode::result, v4, wire), errc::invalid_value);
  EXPECT_EQ(decode_error(opcode::result, v5, wire), errc::invalid_value);
  EXPECT_EQ(encode_error(r, v5), errc::not_at_this_version);
}

TEST(ResponseRows, DseV2FieldOrderIsPagingStateMetadataIdPageNumber) {
  rows_result r;
  r.metadata.no_metadata = true;
  r.metadata.column_count = 1;
  r.metadata.paging_state = hex("aa");
  r.metadata.new_metadata_id = hex("bb");
  r.metadata.continuous_page_number = 7;
  expect_wire(r, dse_v2,
              hex("00000002 4000000e 00000001 | 00000001 aa | 0001 bb | 00000007 | 00000000"));
}

TEST(ResponseRows, LastPageBitWithoutContinuousPagingIsInvalid) {
  EXPECT_EQ(decode_error(opcode::result, dse_v1, hex("00000002 80000004 00000001 00000000")),
            errc::invalid_value);
  rows_result r;
  r.metadata.no_metadata = true;
  r.metadata.last_continuous_page = true;
  EXPECT_EQ(encode_error(r, dse_v1), errc::invalid_value);
}

TEST(ResponseRows, UndefinedFlagBitsAreInvalid) {
  for (const char* flags : {"00000010", "00000100", "20000000"}) {
    for (auto v : {v4, v5, dse_v2}) {
      EXPECT_EQ(decode_error(opcode::result, v,
                             concat({hex("00000002"), hex(flags), hex("00000000 00000000")})),
                errc::invalid_value)
          << flags;
    }
  }
}

TEST(ResponseRows, HostileCountsFailBeforeAllocating) {
  // 2^31-1 rows of 2^31-1 cells with 4 bytes left: the cell count is checked first.
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000002 00000004 7fffffff 7fffffff ffffffff")),
            errc::length_out_of_bounds);
  // Rows without columns have no size on the wire, so nothing would bound them.
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000002 00000004 00000000 7fffffff")),
            errc::invalid_value);
  // A column count the remaining bytes cannot describe.
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000002 00000000 10000000 0001 61 0009")),
            errc::length_out_of_bounds);
}

TEST(ResponseRows, NegativeCountsAndLengths) {
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000002 00000004 ffffffff 00000000")),
            errc::negative_length);
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000002 00000004 00000001 ffffffff")),
            errc::negative_length);
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000002 00000004 00000001 00000001 fffffffe")),
            errc::negative_length);
  EXPECT_EQ(
      decode_error(opcode::result, v4, hex("00000002 00000004 00000001 00000001 00000009 0102")),
      errc::length_out_of_bounds);
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000002 00000006 00000001 fffffffe 00000000")),
            errc::negative_length);
}

TEST(ResponseRows, MoreRowsThanBytesIsOutOfBounds) {
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000002 00000004 00000001 00000003 ffffffff")),
            errc::length_out_of_bounds);
}

TEST(ResponseRows, NullPagingStateIsInvalid) {
  EXPECT_EQ(decode_error(opcode::result, v4, hex("00000002 00000006 00000001 ffffffff 00000000")),
            errc::invalid_value);
}

TEST(ResponseRows, GlobalTableSpecWithoutColumnsIsInvalid) {
  EXPECT_EQ(decode_error(opcode::result, v4,
                         concat({hex("00000002 00000001 00000000 0002"), text("ks"), hex("0001"),
                                 text("t"), hex("00000000")})),
            errc::invalid_value);
}

TEST(ResponseRows, UnknownColumnTypeIsUnknownType) {
  EXPECT_EQ(decode_error(opcode::result, v4,
                         concat({hex("00000002 00000001 00000001 0002"), text("ks"), hex("0001"),
                                 text("t"), hex("0001"), text("c"), hex("00ff 00000000")})),
            errc::unknown_type);
}

TEST(ResponseRows, EncoderRejectsInconsistentMetadata) {
  rows_result r = users_rows();
  r.metadata.column_count = 3;
  EXPECT_EQ(encode_error(r, v4), errc::invalid_value);

  r = users_rows();
  r.rows[1].pop_back();
  EXPECT_EQ(encode_error(r, v4), errc::invalid_value);

  r = users_rows();
  r.metadata.columns[1].table = "other";
  EXPECT_EQ(encode_error(r, v4), errc::invalid_value);

  r = users_rows();
  r.metadata.no_metadata = true;  // but still has column specs
  EXPECT_EQ(encode_error(r, v4), errc::invalid_value);

  rows_result empty_columns;
  empty_columns.rows.emplace_back();
  EXPECT_EQ(encode_error(empty_columns, v4), errc::invalid_value);
}

TEST(ResponseRowsMetadata, ReadAndWriteExposedForOtherMessages) {
  rows_metadata m;
  m.global_table_spec = true;
  m.column_count = 1;
  m.columns = {col("ks", "t", "c", data_type::of(type_id::int_))};
  const bytes wire = concat({hex("00000001 00000001 0002"), text("ks"), hex("0001"), text("t"),
                             hex("0001"), text("c"), hex("0009")});
  bytes out;
  writer w(out);
  write_rows_metadata(m, v4, w);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(test::to_hex(out), test::to_hex(wire));

  reader r(wire);
  EXPECT_EQ(read_rows_metadata(r, v4), m);
  EXPECT_EQ(r.finish(), errc::ok);
}

}  // namespace
}  // namespace cqlshift::protocol
