// QUERY and EXECUTE, and the <query_parameters> they share.

#include "cqlshift/protocol/query_parameters.hpp"
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

const bytes select_wire = concat({hex("0000000f"), text("SELECT * FROM t")});

query select_with(query_parameters p) {
  return query{"SELECT * FROM t", std::move(p)};
}

// Every flag v4 has: names, unset value, page size, paging state, serial, timestamp.
query_parameters all_v4_flags() {
  query_parameters p;
  p.consistency_level = consistency::local_quorum;
  p.values = std::vector<value>{value::of({0x01}), value::unset_value()};
  p.value_names = {"k", "v"};
  p.skip_metadata = true;
  p.page_size = 5000;
  p.paging_state = bytes{0x01, 0x02, 0x03};
  p.serial_consistency = consistency::local_serial;
  p.default_timestamp = 0x0005F0A1B2C3D4E5;
  return p;
}

// The fields after the flags for all_v4_flags().
const bytes all_v4_fields =
    hex("0002"                   // 2 values
        "0001 6b | 00000001 01"  // k = 0x01
        "0001 76 | fffffffe"     // v = unset
        "00001388"               // page size 5000
        "00000003 010203"        // paging state
        "0009"                   // serial LOCAL_SERIAL
        "0005f0a1b2c3d4e5");     // default timestamp

// ---------------------------------------------------------------------------- QUERY

TEST(RequestQuery, NoFlagsAtEveryVersion) {
  const query msg = select_with({});
  expect_wire(msg, protocol_version::v2, concat({select_wire, hex("0001 00")}));
  expect_wire(msg, protocol_version::v3, concat({select_wire, hex("0001 00")}));
  expect_wire(msg, protocol_version::v4, concat({select_wire, hex("0001 00")}));
  expect_wire(msg, protocol_version::v5, concat({select_wire, hex("0001 00000000")}));
  expect_wire(msg, protocol_version::dse_v1, concat({select_wire, hex("0001 00000000")}));
  expect_wire(msg, protocol_version::dse_v2, concat({select_wire, hex("0001 00000000")}));
}

TEST(RequestQuery, EmptyValuesKeepTheirFlag) {
  // Some drivers send VALUES with n = 0; dropping the flag would change the bytes.
  query_parameters p;
  p.values.emplace();
  expect_wire(select_with(p), protocol_version::v4, concat({select_wire, hex("0001 01 0000")}));
}

TEST(RequestQuery, AllFlagsAtV4) {
  expect_wire(select_with(all_v4_flags()), protocol_version::v4,
              concat({select_wire, hex("0006 7f"), all_v4_fields}));
}

TEST(RequestQuery, AllFlagsAtV3HaveNoUnset) {
  query_parameters p = all_v4_flags();
  (*p.values)[1] = value::null_value();
  expect_wire(select_with(p), protocol_version::v3,
              concat({select_wire, hex("0006 7f"
                                       "0002 0001 6b 00000001 01 0001 76 ffffffff"
                                       "00001388 00000003 010203 0009 0005f0a1b2c3d4e5")}));
}

TEST(RequestQuery, AllFlagsAtV2HaveNoNamesNorTimestamp) {
  query_parameters p;
  p.consistency_level = consistency::local_quorum;
  p.values = std::vector<value>{value::of({0x01}), value::null_value()};
  p.skip_metadata = true;
  p.page_size = 5000;
  p.paging_state = bytes{0x01, 0x02, 0x03};
  p.serial_consistency = consistency::serial;
  expect_wire(select_with(p), protocol_version::v2,
              concat({select_wire, hex("0006 1f"
                                       "0002 00000001 01 ffffffff"
                                       "00001388 00000003 010203 0008")}));
}

TEST(RequestQuery, AllFlagsAtV5AddKeyspaceAndNowInSeconds) {
  query_parameters p = all_v4_flags();
  p.keyspace = "ks";
  p.now_in_seconds = 0x5f5e1000;
  expect_wire(select_with(p), protocol_version::v5,
              concat({select_wire, hex("0006 000001ff"), all_v4_fields, hex("0002 6b73"),
                      hex("5f5e1000")}));
}

TEST(RequestQuery, AllFlagsAtDseV1AddContinuousPaging) {
  query_parameters p = all_v4_flags();
  p.page_size_in_bytes = true;
  p.continuous_paging = continuous_paging_options{10, 2, std::nullopt};
  expect_wire(select_with(p), protocol_version::dse_v1,
              concat({select_wire, hex("0006 c000007f"), all_v4_fields, hex("0000000a 00000002")}));
}

TEST(RequestQuery, AllFlagsAtDseV2AddKeyspaceAndNextPages) {
  query_parameters p = all_v4_flags();
  p.keyspace = "ks";
  p.page_size_in_bytes = true;
  p.continuous_paging = continuous_paging_options{10, 2, 3};
  expect_wire(select_with(p), protocol_version::dse_v2,
              concat({select_wire, hex("0006 c00000ff"), all_v4_fields, hex("0002 6b73"),
                      hex("0000000a 00000002 00000003")}));
}

TEST(RequestQuery, PositionalValuesWithNullAndEmpty) {
  query_parameters p;
  p.values = std::vector<value>{value::of({}), value::null_value(), value::of({0xca, 0xfe})};
  expect_wire(select_with(p), protocol_version::v4,
              concat({select_wire, hex("0001 01 0003 00000000 ffffffff 00000002 cafe")}));
}

struct malformed {
  const char* what;
  protocol_version v;
  const char* params;  // hex after the query string
  errc expected;
};

TEST(RequestQuery, MalformedParameters) {
  using enum protocol_version;
  const malformed cases[] = {
      {"keyspace bit at v4", v4, "0001 80 0002 6b73", errc::invalid_value},
      {"undefined v5 bit", v5, "0001 00000200", errc::invalid_value},
      {"DSE page-size-in-bytes bit at v5", v5, "0001 40000004 00000064", errc::invalid_value},
      {"DSE continuous paging bit at v5", v5, "0001 80000000 00000001 00000001",
       errc::invalid_value},
      {"keyspace bit at DSE_V1", dse_v1, "0001 00000080 0002 6b73", errc::invalid_value},
      {"now_in_seconds bit at DSE_V2", dse_v2, "0001 00000100 00000001", errc::invalid_value},
      {"timestamp bit at v2", v2, "0001 20 0000000000000001", errc::invalid_value},
      {"names bit at v2", v2, "0001 41 0001 0001 6b 00000000", errc::invalid_value},
      {"names without values", v4, "0001 40", errc::invalid_value},
      {"names with zero values", v4, "0001 41 0000", errc::invalid_value},
      {"unset at v3", v3, "0001 01 0001 fffffffe", errc::negative_length},
      {"unset at v2", v2, "0001 01 0001 fffffffe", errc::negative_length},
      {"value length -3", v4, "0001 01 0001 fffffffd", errc::negative_length},
      {"value past the end", v4, "0001 01 0001 00000005 01", errc::length_out_of_bounds},
      {"value count past the end", v4, "0001 01 ffff 00000000", errc::length_out_of_bounds},
      {"named value count past the end", v4, "0001 41 0002 0001 6b 00000000",
       errc::length_out_of_bounds},
      {"name not UTF-8", v4, "0001 41 0001 0001 ff 00000000", errc::invalid_utf8},
      {"consistency 0x0b", v4, "000b 00", errc::unknown_consistency},
      {"serial consistency QUORUM", v4, "0001 10 0004", errc::invalid_value},
      {"serial consistency 0x0b", v4, "0001 10 000b", errc::unknown_consistency},
      {"null paging state", v4, "0001 08 ffffffff", errc::negative_length},
      {"paging state past the end", v4, "0001 08 00000010 01", errc::length_out_of_bounds},
      {"keyspace not UTF-8", v5, "0001 00000080 0002 6bff", errc::invalid_utf8},
      {"keyspace past the end", v5, "0001 00000080 0009 6b73", errc::length_out_of_bounds},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(decode_error(opcode::query, c.v, concat({select_wire, hex(c.params)})), c.expected)
        << c.what;
  }
}

TEST(RequestQuery, MalformedQueryString) {
  const auto v = protocol_version::v4;
  EXPECT_EQ(decode_error(opcode::query, v, hex("7fffffff 41")), errc::length_out_of_bounds);
  EXPECT_EQ(decode_error(opcode::query, v, hex("ffffffff 0001 00")), errc::negative_length);
  EXPECT_EQ(decode_error(opcode::query, v, hex("00000001 80 0001 00")), errc::invalid_utf8);
}

TEST(RequestQuery, EncodeRefusesFieldsTheVersionLacks) {
  using enum protocol_version;
  auto with = [](auto set) {
    query_parameters p;
    set(p);
    return select_with(std::move(p));
  };
  EXPECT_EQ(encode_error(with([](auto& p) { p.keyspace = "ks"; }), v4), errc::not_at_this_version);
  EXPECT_EQ(encode_error(with([](auto& p) { p.keyspace = "ks"; }), dse_v1),
            errc::not_at_this_version);
  EXPECT_EQ(encode_error(with([](auto& p) { p.now_in_seconds = 1; }), dse_v2),
            errc::not_at_this_version);
  EXPECT_EQ(encode_error(with([](auto& p) { p.page_size_in_bytes = true; }), v5),
            errc::not_at_this_version);
  EXPECT_EQ(encode_error(with([](auto& p) { p.continuous_paging.emplace(); }), v4),
            errc::not_at_this_version);
  EXPECT_EQ(encode_error(with([](auto& p) { p.default_timestamp = 1; }), v2),
            errc::not_at_this_version);
  EXPECT_EQ(
      encode_error(with([](auto& p) { p.values = std::vector<value>{value::unset_value()}; }), v3),
      errc::not_at_this_version);
  EXPECT_EQ(encode_error(with([](auto& p) {
                           p.continuous_paging = continuous_paging_options{1, 1, 1};
                         }),
                         dse_v1),
            errc::not_at_this_version);
}

TEST(RequestQuery, EncodeRefusesInconsistentParameters) {
  using enum protocol_version;
  auto with = [](auto set) {
    query_parameters p;
    set(p);
    return select_with(std::move(p));
  };
  EXPECT_EQ(encode_error(with([](auto& p) { p.value_names = {"k"}; }), v4), errc::invalid_value);
  EXPECT_EQ(encode_error(with([](auto& p) {
                           p.values = std::vector<value>{value::null_value()};
                           p.value_names = {"k", "v"};
                         }),
                         v4),
            errc::invalid_value);
  EXPECT_EQ(encode_error(with([](auto& p) { p.serial_consistency = consistency::quorum; }), v4),
            errc::invalid_value);
  EXPECT_EQ(
      encode_error(with([](auto& p) { p.consistency_level = static_cast<consistency>(0x42); }), v4),
      errc::invalid_value);
  EXPECT_EQ(encode_error(with([](auto& p) {
                           p.continuous_paging = continuous_paging_options{1, 1, std::nullopt};
                         }),
                         dse_v2),
            errc::invalid_value);
}

TEST(RequestQuery, EncodeRefusesWhatDoesNotFitItsLength) {
  query_parameters p;
  p.keyspace = std::string(65536, 'k');
  EXPECT_EQ(encode_error(select_with(p), protocol_version::v5), errc::value_too_large);
  query_parameters many;
  many.values = std::vector<value>(65536, value::null_value());
  EXPECT_EQ(encode_error(select_with(many), protocol_version::v4), errc::value_too_large);
}

// ---------------------------------------------------------------------------- EXECUTE

execute execute_42(std::optional<bytes> result_metadata_id) {
  query_parameters p;
  p.values = std::vector<value>{value::of({0x00, 0x00, 0x00, 0x2a})};
  return execute{{0xca, 0xfe, 0xba, 0xbe}, std::move(result_metadata_id), std::move(p)};
}

TEST(RequestExecute, IdAndParametersBeforeV5) {
  const bytes golden = hex("0004 cafebabe | 0001 01 0001 00000004 0000002a");
  expect_wire(execute_42(std::nullopt), protocol_version::v3, golden);
  expect_wire(execute_42(std::nullopt), protocol_version::v4, golden);
  expect_wire(execute_42(std::nullopt), protocol_version::v2, golden);
}

TEST(RequestExecute, DseV1HasIntFlagsButNoResultMetadataId) {
  expect_wire(execute_42(std::nullopt), protocol_version::dse_v1,
              hex("0004 cafebabe | 0001 00000001 0001 00000004 0000002a"));
}

TEST(RequestExecute, ResultMetadataIdAtV5AndDseV2) {
  const bytes golden = hex("0004 cafebabe | 0002 abcd | 0001 00000001 0001 00000004 0000002a");
  expect_wire(execute_42(bytes{0xab, 0xcd}), protocol_version::v5, golden);
  expect_wire(execute_42(bytes{0xab, 0xcd}), protocol_version::dse_v2, golden);
}

TEST(RequestExecute, AllFlagsAtV5) {
  query_parameters p = all_v4_flags();
  p.keyspace = "ks";
  p.now_in_seconds = 7;
  const execute msg{{0x01}, bytes{0x02}, p};
  expect_wire(
      msg, protocol_version::v5,
      concat({hex("0001 01 | 0001 02 | 0006 000001ff"), all_v4_fields, hex("0002 6b73 00000007")}));
}

TEST(RequestExecute, ResultMetadataIdMatchesTheVersion) {
  EXPECT_EQ(encode_error(execute_42(std::nullopt), protocol_version::v5), errc::invalid_value);
  EXPECT_EQ(encode_error(execute_42(std::nullopt), protocol_version::dse_v2), errc::invalid_value);
  EXPECT_EQ(encode_error(execute_42(bytes{0x01}), protocol_version::v4), errc::not_at_this_version);
  EXPECT_EQ(encode_error(execute_42(bytes{0x01}), protocol_version::dse_v1),
            errc::not_at_this_version);
}

TEST(RequestExecute, Malformed) {
  EXPECT_EQ(decode_error(opcode::execute, protocol_version::v4, hex("0010 cafe")),
            errc::length_out_of_bounds);
  EXPECT_EQ(decode_error(opcode::execute, protocol_version::v5, hex("0001 ca 0010 ab")),
            errc::length_out_of_bounds);
  EXPECT_EQ(decode_error(opcode::execute, protocol_version::v4, hex("0001 ca 0001 80")),
            errc::invalid_value);
}

TEST(RequestExecute, IdTooLongIsRefused) {
  execute msg = execute_42(std::nullopt);
  msg.id.assign(65536, 0xAA);
  EXPECT_EQ(encode_error(msg, protocol_version::v4), errc::value_too_large);
}

// ---------------------------------------------------------------------------- reuse

TEST(RequestQueryParameters, ReadStopsAtItsLastField) {
  // The functions are exposed for other messages: they consume exactly their own bytes.
  const bytes wire = concat({hex("0006 7f"), all_v4_fields, hex("beef")});
  reader r(wire);
  const query_parameters p = read_query_parameters(r, protocol_version::v4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(p, all_v4_flags());
  EXPECT_EQ(r.remaining(), 2u);

  bytes out;
  writer w(out);
  write_query_parameters(p, protocol_version::v4, w);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(out, bytes(wire.begin(), wire.end() - 2));
}

}  // namespace
}  // namespace cqlshift::protocol
