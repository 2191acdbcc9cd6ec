// STARTUP, AUTH_RESPONSE, OPTIONS, REGISTER, PREPARE, REVISE_REQUEST and the dispatch by
// opcode. QUERY/EXECUTE and BATCH have their own files.

#include "cqlshift/protocol/requests.hpp"
#include "cqlshift/protocol/sasl.hpp"

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

constexpr protocol_version all_versions[] = {
    protocol_version::v2, protocol_version::v3,     protocol_version::v4,
    protocol_version::v5, protocol_version::dse_v1, protocol_version::dse_v2,
};

// ---------------------------------------------------------------------------- dispatch

TEST(RequestDispatch, OpcodeOfEveryAlternative) {
  EXPECT_EQ(opcode_of(startup{}), opcode::startup);
  EXPECT_EQ(opcode_of(auth_response{}), opcode::auth_response);
  EXPECT_EQ(opcode_of(options{}), opcode::options);
  EXPECT_EQ(opcode_of(query{}), opcode::query);
  EXPECT_EQ(opcode_of(prepare{}), opcode::prepare);
  EXPECT_EQ(opcode_of(execute{}), opcode::execute);
  EXPECT_EQ(opcode_of(batch{}), opcode::batch);
  EXPECT_EQ(opcode_of(register_request{}), opcode::register_);
  EXPECT_EQ(opcode_of(revise_request{}), opcode::dse_revise_request);
}

TEST(RequestDispatch, ResponseOpcodesAreWrongDirection) {
  for (opcode op : {opcode::error, opcode::ready, opcode::authenticate, opcode::supported,
                    opcode::result, opcode::event, opcode::auth_challenge, opcode::auth_success}) {
    EXPECT_EQ(decode_error(op, protocol_version::v4, {}), errc::wrong_direction) << to_string(op);
  }
}

TEST(RequestDispatch, OpcodeOutsideTheEnumIsUnknown) {
  // 0x04 was CREDENTIALS in v1 and is no opcode since.
  EXPECT_EQ(decode_error(static_cast<opcode>(0x04), protocol_version::v4, {}),
            errc::unknown_opcode);
  EXPECT_EQ(decode_error(static_cast<opcode>(0x11), protocol_version::v4, {}),
            errc::unknown_opcode);
}

// ---------------------------------------------------------------------------- STARTUP

TEST(RequestStartup, GoldenAtEveryVersion) {
  const startup msg{{{"CQL_VERSION", "3.0.0"}, {"COMPRESSION", "lz4"}}};
  const bytes golden =
      concat({hex("0002"), hex("000b"), text("CQL_VERSION"), hex("0005"), text("3.0.0"),
              hex("000b"), text("COMPRESSION"), hex("0003"), text("lz4")});
  for (protocol_version v : all_versions)
    expect_wire(msg, v, golden);
}

TEST(RequestStartup, KeepsWireOrderAndDuplicateKeys) {
  // Not sorted, and a key twice: a proxy forwards what it got.
  const startup msg{{{"Z", "1"}, {"A", "2"}, {"Z", "3"}}};
  const bytes golden =
      concat({hex("0003"), hex("0001"), text("Z"), hex("0001"), text("1"), hex("0001"), text("A"),
              hex("0001"), text("2"), hex("0001"), text("Z"), hex("0001"), text("3")});
  expect_wire(msg, protocol_version::v4, golden);
}

TEST(RequestStartup, EmptyMap) {
  expect_wire(startup{}, protocol_version::v4, hex("0000"));
}

TEST(RequestStartup, Malformed) {
  const auto v = protocol_version::v4;
  // Two entries announced, the bytes for one at most.
  EXPECT_EQ(decode_error(opcode::startup, v, hex("0002 0001 41 0001")), errc::length_out_of_bounds);
  EXPECT_EQ(decode_error(opcode::startup, v, hex("0001 0002 c328 0001 41")), errc::invalid_utf8);
  EXPECT_EQ(decode_error(opcode::startup, v, hex("0001 0001 41 0005 41")),
            errc::length_out_of_bounds);
}

TEST(RequestStartup, ValueTooLongForStringIsRefused) {
  const startup msg{{{"CQL_VERSION", std::string(65536, 'x')}}};
  EXPECT_EQ(encode_error(msg, protocol_version::v4), errc::value_too_large);
}

// ---------------------------------------------------------------------------- AUTH_RESPONSE

TEST(RequestAuthResponse, PlainTextToken) {
  // PasswordAuthenticator: "\0user\0password".
  const auth_response msg{text(std::string_view("\0cassandra\0cassandra", 20))};
  const bytes golden =
      concat({hex("00000014"), text(std::string_view("\0cassandra\0cassandra", 20))});
  for (protocol_version v : all_versions)
    expect_wire(msg, v, golden);
}

TEST(RequestAuthResponse, NullAndEmptyAreDistinct) {
  expect_wire(auth_response{std::nullopt}, protocol_version::v4, hex("ffffffff"));
  expect_wire(auth_response{bytes{}}, protocol_version::v4, hex("00000000"));
}

TEST(RequestAuthResponse, Malformed) {
  const auto v = protocol_version::v4;
  // Only -1 is null; -2 would re-encode differently.
  EXPECT_EQ(decode_error(opcode::auth_response, v, hex("fffffffe")), errc::negative_length);
  EXPECT_EQ(decode_error(opcode::auth_response, v, hex("80000000")), errc::negative_length);
  EXPECT_EQ(decode_error(opcode::auth_response, v, hex("00000005 0102")),
            errc::length_out_of_bounds);
}

// ---------------------------------------------------------------------------- OPTIONS

TEST(RequestOptions, EmptyBody) {
  for (protocol_version v : all_versions)
    expect_wire(options{}, v, {});
}

TEST(RequestOptions, AnyByteIsTrailing) {
  EXPECT_EQ(decode_error(opcode::options, protocol_version::v5, hex("00")), errc::trailing_bytes);
}

// ---------------------------------------------------------------------------- REGISTER

TEST(RequestRegister, AllThreeEvents) {
  const register_request msg{{"TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"}};
  const bytes golden = concat({hex("0003"), hex("000f"), text("TOPOLOGY_CHANGE"), hex("000d"),
                               text("STATUS_CHANGE"), hex("000d"), text("SCHEMA_CHANGE")});
  for (protocol_version v : all_versions)
    expect_wire(msg, v, golden);
}

TEST(RequestRegister, Malformed) {
  const auto v = protocol_version::v4;
  EXPECT_EQ(decode_error(opcode::register_, v, hex("0100 0001 41")), errc::length_out_of_bounds);
  EXPECT_EQ(decode_error(opcode::register_, v, hex("0001 0001 ff")), errc::invalid_utf8);
}

// ---------------------------------------------------------------------------- PREPARE

TEST(RequestPrepare, JustTheStringBeforeV5AndInDseV1) {
  const prepare msg{"SELECT * FROM t", std::nullopt};
  const bytes golden = concat({hex("0000000f"), text("SELECT * FROM t")});
  for (protocol_version v : {protocol_version::v2, protocol_version::v3, protocol_version::v4,
                             protocol_version::dse_v1}) {
    expect_wire(msg, v, golden);
  }
}

TEST(RequestPrepare, FlagsWithoutKeyspaceInV5AndDseV2) {
  const prepare msg{"SELECT * FROM t", std::nullopt};
  const bytes golden = concat({hex("0000000f"), text("SELECT * FROM t"), hex("00000000")});
  expect_wire(msg, protocol_version::v5, golden);
  expect_wire(msg, protocol_version::dse_v2, golden);
}

TEST(RequestPrepare, WithKeyspaceInV5AndDseV2) {
  const prepare msg{"SELECT * FROM t", "ks"};
  const bytes golden =
      concat({hex("0000000f"), text("SELECT * FROM t"), hex("00000001"), hex("0002"), text("ks")});
  expect_wire(msg, protocol_version::v5, golden);
  expect_wire(msg, protocol_version::dse_v2, golden);
}

TEST(RequestPrepare, KeyspaceDoesNotExistBeforeV5) {
  const prepare msg{"SELECT * FROM t", "ks"};
  EXPECT_EQ(encode_error(msg, protocol_version::v4), errc::not_at_this_version);
  EXPECT_EQ(encode_error(msg, protocol_version::dse_v1), errc::not_at_this_version);
  // At v4 the v5 flags are bytes after the message.
  const bytes v5_wire =
      concat({hex("0000000f"), text("SELECT * FROM t"), hex("00000001"), hex("0002"), text("ks")});
  EXPECT_EQ(decode_error(opcode::prepare, protocol_version::v4, v5_wire), errc::trailing_bytes);
}

TEST(RequestPrepare, Malformed) {
  const auto v5 = protocol_version::v5;
  const bytes query = concat({hex("0000000f"), text("SELECT * FROM t")});
  EXPECT_EQ(decode_error(opcode::prepare, v5, concat({query, hex("00000002")})),
            errc::invalid_value);
  EXPECT_EQ(decode_error(opcode::prepare, v5, concat({query, hex("80000001 0002 6b73")})),
            errc::invalid_value);
  EXPECT_EQ(decode_error(opcode::prepare, v5, concat({query, hex("00000001 0002 6bff")})),
            errc::invalid_utf8);
  EXPECT_EQ(decode_error(opcode::prepare, protocol_version::v4, hex("ffffffff")),
            errc::negative_length);
  EXPECT_EQ(decode_error(opcode::prepare, protocol_version::v4, hex("00000002 c0af")),
            errc::invalid_utf8);
}

// ---------------------------------------------------------------------------- REVISE_REQUEST

TEST(RequestRevise, CancelInDseV1AndV2) {
  const revise_request msg{revision::cancel_continuous_paging, 5, std::nullopt};
  expect_wire(msg, protocol_version::dse_v1, hex("00000001 00000005"));
  expect_wire(msg, protocol_version::dse_v2, hex("00000001 00000005"));
}

TEST(RequestRevise, MorePagesInDseV2) {
  const revise_request msg{revision::more_continuous_pages, 5, 10};
  expect_wire(msg, protocol_version::dse_v2, hex("00000002 00000005 0000000a"));
}

TEST(RequestRevise, OnlyInDse) {
  for (protocol_version v :
       {protocol_version::v2, protocol_version::v3, protocol_version::v4, protocol_version::v5}) {
    EXPECT_EQ(decode_error(opcode::dse_revise_request, v, hex("00000001 00000005")),
              errc::not_at_this_version);
    EXPECT_EQ(encode_error(revise_request{1, 5, std::nullopt}, v), errc::not_at_this_version);
  }
}

TEST(RequestRevise, Malformed) {
  // Type 2 came with DSE_V2.
  EXPECT_EQ(decode_error(opcode::dse_revise_request, protocol_version::dse_v1,
                         hex("00000002 00000005 0000000a")),
            errc::invalid_value);
  EXPECT_EQ(
      decode_error(opcode::dse_revise_request, protocol_version::dse_v2, hex("00000003 00000005")),
      errc::invalid_value);
  EXPECT_EQ(
      decode_error(opcode::dse_revise_request, protocol_version::dse_v2, hex("00000000 00000005")),
      errc::invalid_value);
}

TEST(RequestRevise, EncodeRefusesInconsistentMessages) {
  EXPECT_EQ(encode_error(revise_request{2, 5, 10}, protocol_version::dse_v1),
            errc::not_at_this_version);
  EXPECT_EQ(encode_error(revise_request{2, 5, std::nullopt}, protocol_version::dse_v2),
            errc::invalid_value);
  EXPECT_EQ(encode_error(revise_request{1, 5, 10}, protocol_version::dse_v2), errc::invalid_value);
  EXPECT_EQ(encode_error(revise_request{7, 5, std::nullopt}, protocol_version::dse_v2),
            errc::invalid_value);
}

TEST(SaslPlain, TokenIsEmptyAuthzidThenUserThenPasswordEachAfterANul) {
  EXPECT_EQ(sasl_plain_token("cassandra", "pw"), hex("00 63617373616e647261 00 7077"));
  EXPECT_EQ(sasl_plain_token("", ""), hex("00 00"));
}

}  // namespace
}  // namespace cqlshift::protocol
