// BATCH (spec 4.1.7).

#include "cqlshift/protocol/requests.hpp"

#include "request_test_support.hpp"

#include <gtest/gtest.h>

namespace cqlshift::protocol {
namespace {

using request_test::decode_error;
using request_test::encode_error;
using request_test::expect_wire;
using test::concat;
using test::hex;
using test::text;

// A query-string child and a prepared child, the second with an unset value (v4+).
batch mixed_batch() {
  batch b;
  b.type = batch_type::unlogged;
  b.children = {
      batch_child{false, "INSERT INTO t (k) VALUES (?)", {}, {value::of({0x07})}},
      batch_child{true, {}, {0xca, 0xfe, 0xba, 0xbe}, {value::of({0x08}), value::unset_value()}},
  };
  b.consistency_level = consistency::quorum;
  b.serial_consistency = consistency::serial;
  b.default_timestamp = 0x0005F0A1B2C3D4E5;
  return b;
}

const bytes mixed_children = concat({
    hex("01 0002"),                                            // UNLOGGED, 2 children
    hex("00 0000001c"), text("INSERT INTO t (k) VALUES (?)"),  // kind 0
    hex("0001 00000001 07"),                                   // 1 value
    hex("01 0004 cafebabe"),                                   // kind 1
    hex("0002 00000001 08 fffffffe"),                          // 2 values
});

TEST(RequestBatch, MixedChildrenAtV4) {
  expect_wire(mixed_batch(), protocol_version::v4,
              concat({mixed_children, hex("0004 | 30 | 0008 | 0005f0a1b2c3d4e5")}));
}

TEST(RequestBatch, MixedChildrenAtV5WithKeyspaceAndNowInSeconds) {
  batch b = mixed_batch();
  b.keyspace = "ks";
  b.now_in_seconds = 0x5f5e1000;
  expect_wire(b, protocol_version::v5,
              concat({mixed_children,
                      hex("0004 | 000001b0 | 0008 | 0005f0a1b2c3d4e5 | 0002 6b73 | 5f5e1000")}));
}

TEST(RequestBatch, DseV2HasKeyspaceButNoNowInSeconds) {
  batch b = mixed_batch();
  b.keyspace = "ks";
  expect_wire(
      b, protocol_version::dse_v2,
      concat({mixed_children, hex("0004 | 000000b0 | 0008 | 0005f0a1b2c3d4e5 | 0002 6b73")}));
}

TEST(RequestBatch, DseV1HasIntFlags) {
  expect_wire(mixed_batch(), protocol_version::dse_v1,
              concat({mixed_children, hex("0004 | 00000030 | 0008 | 0005f0a1b2c3d4e5")}));
}

TEST(RequestBatch, V3HasNoUnset) {
  batch b = mixed_batch();
  b.children[1].values[1] = value::null_value();
  expect_wire(b, protocol_version::v3,
              concat({hex("01 0002 00 0000001c"), text("INSERT INTO t (k) VALUES (?)"),
                      hex("0001 00000001 07 | 01 0004 cafebabe 0002 00000001 08 ffffffff"),
                      hex("0004 | 30 | 0008 | 0005f0a1b2c3d4e5")}));
}

TEST(RequestBatch, V2HasNoFlags) {
  batch b;
  b.type = batch_type::counter;
  b.children = {batch_child{true, {}, {0x01}, {value::null_value()}}};
  b.consistency_level = consistency::one;
  expect_wire(b, protocol_version::v2, hex("02 0001 01 0001 01 0001 ffffffff 0001"));
}

TEST(RequestBatch, NoFlagsAndNoChildren) {
  batch b;
  expect_wire(b, protocol_version::v4, hex("00 0000 0001 00"));
  expect_wire(b, protocol_version::v5, hex("00 0000 0001 00000000"));
}

TEST(RequestBatch, Malformed) {
  using enum protocol_version;
  struct malformed {
    const char* what;
    protocol_version v;
    const char* wire;
    errc expected;
  };
  const malformed cases[] = {
      {"batch type 3", v4, "03 0000 0001 00", errc::invalid_value},
      {"child kind 2", v4, "00 0001 02 0000 0000 0001 00", errc::invalid_value},
      {"names for values at v4", v4, "00 0000 0001 40", errc::invalid_value},
      {"names for values at v5", v5, "00 0000 0001 00000040", errc::invalid_value},
      {"a QUERY-only bit", v4, "00 0000 0001 01", errc::invalid_value},
      {"keyspace bit at v4", v4, "00 0000 0001 80 0002 6b73", errc::invalid_value},
      {"keyspace bit at DSE_V1", dse_v1, "00 0000 0001 00000080 0002 6b73", errc::invalid_value},
      {"now_in_seconds at DSE_V2", dse_v2, "00 0000 0001 00000100 00000001", errc::invalid_value},
      {"continuous paging bit in DSE", dse_v2, "00 0000 0001 80000000", errc::invalid_value},
      {"serial consistency ONE", v4, "00 0000 0001 10 0001", errc::invalid_value},
      {"consistency 0x0b", v4, "00 0000 000b 00", errc::unknown_consistency},
      {"child count past the end", v4, "00 ffff 01 0000 0000", errc::length_out_of_bounds},
      {"value count past the end", v4, "00 0001 01 0000 0100 00000000 0001 00",
       errc::length_out_of_bounds},
      {"unset at v3", v3, "00 0001 01 0000 0001 fffffffe 0001 00", errc::negative_length},
      {"query string not UTF-8", v4, "00 0001 00 00000001 ff 0000 0001 00", errc::invalid_utf8},
      {"query string past the end", v4, "00 0001 00 00000100 41 0000 0001 00",
       errc::length_out_of_bounds},
      {"id past the end", v4, "00 0001 01 0100 aa 0000 0001 00", errc::length_out_of_bounds},
      {"flags byte at v2", v2, "00 0000 0001 00", errc::trailing_bytes},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(decode_error(opcode::batch, c.v, hex(c.wire)), c.expected) << c.what;
  }
}

TEST(RequestBatch, EncodeRefusesFieldsTheVersionLacks) {
  batch b = mixed_batch();
  b.keyspace = "ks";
  EXPECT_EQ(encode_error(b, protocol_version::v4), errc::not_at_this_version);
  EXPECT_EQ(encode_error(b, protocol_version::dse_v1), errc::not_at_this_version);

  b = mixed_batch();
  b.now_in_seconds = 1;
  EXPECT_EQ(encode_error(b, protocol_version::dse_v2), errc::not_at_this_version);

  // The unset value of the second child.
  EXPECT_EQ(encode_error(mixed_batch(), protocol_version::v3), errc::not_at_this_version);

  batch v2;
  v2.default_timestamp = 1;
  EXPECT_EQ(encode_error(v2, protocol_version::v2), errc::not_at_this_version);
  v2.default_timestamp.reset();
  v2.serial_consistency = consistency::serial;
  EXPECT_EQ(encode_error(v2, protocol_version::v2), errc::not_at_this_version);
}

TEST(RequestBatch, EncodeRefusesInconsistentBatches) {
  batch b = mixed_batch();
  b.children[1].query_string = "UPDATE t";  // prepared child with a query string
  EXPECT_EQ(encode_error(b, protocol_version::v4), errc::invalid_value);

  b = mixed_batch();
  b.children[0].id = {0x01};  // query-string child with an id
  EXPECT_EQ(encode_error(b, protocol_version::v4), errc::invalid_value);

  b = mixed_batch();
  b.type = static_cast<batch_type>(7);
  EXPECT_EQ(encode_error(b, protocol_version::v4), errc::invalid_value);

  b = mixed_batch();
  b.serial_consistency = consistency::quorum;
  EXPECT_EQ(encode_error(b, protocol_version::v4), errc::invalid_value);

  b = mixed_batch();
  b.consistency_level = static_cast<consistency>(0x0b);
  EXPECT_EQ(encode_error(b, protocol_version::v4), errc::invalid_value);
}

TEST(RequestBatch, EncodeRefusesTooManyChildren) {
  batch b;
  b.children.resize(65536);
  EXPECT_EQ(encode_error(b, protocol_version::v4), errc::value_too_large);
}

}  // namespace
}  // namespace cqlshift::protocol
