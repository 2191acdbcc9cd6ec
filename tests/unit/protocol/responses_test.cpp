#include "cqlshift/protocol/responses.hpp"

#include "response_test_util.hpp"

#include <gtest/gtest.h>

namespace cqlshift::protocol {
namespace {

using response_test::decode_error;
using response_test::encode_error;
using response_test::expect_every_prefix_fails;
using response_test::expect_golden;
using response_test::text;
using test::concat;
using test::hex;

constexpr protocol_version all_versions[] = {protocol_version::v2,     protocol_version::v3,
                                             protocol_version::v4,     protocol_version::v5,
                                             protocol_version::dse_v1, protocol_version::dse_v2};

TEST(ResponseMessages, ReadyIsEmpty) {
  for (auto v : all_versions)
    expect_golden(ready{}, v, {});
}

TEST(ResponseMessages, AuthenticateCarriesTheClassName) {
  const bytes wire = concat({hex("0010"), text("com.example.Auth")});
  for (auto v : all_versions) {
    expect_golden(authenticate{"com.example.Auth"}, v, wire);
    expect_every_prefix_fails(opcode::authenticate, v, wire);
  }
}

TEST(ResponseMessages, SupportedKeepsOptionsInWireOrder) {
  const supported msg{{{"CQL_VERSION", {"3.0.0"}}, {"COMPRESSION", {"lz4", "snappy"}}}};
  const bytes wire = concat({hex("0002"),                       // entries
                             hex("000b"), text("CQL_VERSION"),  // key
                             hex("0001 0005"), text("3.0.0"),   // values
                             hex("000b"), text("COMPRESSION"),  // key
                             hex("0002 0003"), text("lz4"), hex("0006"), text("snappy")});
  expect_golden(msg, protocol_version::v4, wire);
  expect_golden(msg, protocol_version::v5, wire);
  expect_every_prefix_fails(opcode::supported, protocol_version::v4, wire);
}

TEST(ResponseMessages, AuthTokensDistinguishNullEmptyAndBytes) {
  for (auto v : all_versions) {
    expect_golden(auth_challenge{bytes{'a', 'b', 'c'}}, v, hex("00000003 616263"));
    expect_golden(auth_challenge{bytes{}}, v, hex("00000000"));
    expect_golden(auth_challenge{std::nullopt}, v, hex("ffffffff"));
    expect_golden(auth_success{bytes{0x01}}, v, hex("00000001 01"));
    expect_golden(auth_success{std::nullopt}, v, hex("ffffffff"));
    expect_every_prefix_fails(opcode::auth_challenge, v, hex("00000003 616263"));
    expect_every_prefix_fails(opcode::auth_success, v, hex("ffffffff"));
  }
}

TEST(ResponseMessages, AuthTokenLengthBelowMinusOneIsNegativeLength) {
  const auto v = protocol_version::v4;
  EXPECT_EQ(decode_error(opcode::auth_challenge, v, hex("fffffffe")), errc::negative_length);
  EXPECT_EQ(decode_error(opcode::auth_success, v, hex("80000000")), errc::negative_length);
}

TEST(ResponseMessages, AuthTokenLengthPastTheEndIsOutOfBounds) {
  EXPECT_EQ(decode_error(opcode::auth_challenge, protocol_version::v4, hex("00000005 0102")),
            errc::length_out_of_bounds);
}

TEST(ResponseMessages, AuthenticateWithInvalidUtf8IsRejected) {
  EXPECT_EQ(decode_error(opcode::authenticate, protocol_version::v4, hex("0002 c328")),
            errc::invalid_utf8);
}

TEST(ResponseMessages, ReadyWithABodyIsTrailingBytes) {
  EXPECT_EQ(decode_error(opcode::ready, protocol_version::v4, hex("00")), errc::trailing_bytes);
}

TEST(ResponseResult, VoidAndSetKeyspace) {
  for (auto v : all_versions) {
    expect_golden(void_result{}, v, hex("00000001"));
    const bytes set_ks = concat({hex("00000003 0004"), text("shop")});
    expect_golden(set_keyspace_result{"shop"}, v, set_ks);
    expect_every_prefix_fails(opcode::result, v, set_ks);
  }
}

TEST(ResponseResult, KindOutsideOneToFiveIsUnknownResultKind) {
  for (const char* kind : {"00000000", "00000006", "ffffffff", "7fffffff"}) {
    EXPECT_EQ(decode_error(opcode::result, protocol_version::v4, hex(kind)),
              errc::unknown_result_kind)
        << kind;
  }
}

TEST(ResponseDispatch, RequestOpcodesAreWrongDirection) {
  for (opcode op :
       {opcode::startup, opcode::options, opcode::query, opcode::prepare, opcode::execute,
        opcode::register_, opcode::batch, opcode::auth_response, opcode::dse_revise_request}) {
    EXPECT_EQ(decode_error(op, protocol_version::v4, {}), errc::wrong_direction) << to_string(op);
  }
}

TEST(ResponseDispatch, OpcodeOutsideTheProtocolIsUnknownOpcode) {
  EXPECT_EQ(decode_error(static_cast<opcode>(0x04), protocol_version::v4, {}),
            errc::unknown_opcode);
  EXPECT_EQ(decode_error(static_cast<opcode>(0x42), protocol_version::v4, {}),
            errc::unknown_opcode);
}

TEST(ResponseDispatch, OpcodeOfEachMessage) {
  EXPECT_EQ(opcode_of(error_response{}), opcode::error);
  EXPECT_EQ(opcode_of(ready{}), opcode::ready);
  EXPECT_EQ(opcode_of(authenticate{}), opcode::authenticate);
  EXPECT_EQ(opcode_of(supported{}), opcode::supported);
  EXPECT_EQ(opcode_of(void_result{}), opcode::result);
  EXPECT_EQ(opcode_of(rows_result{}), opcode::result);
  EXPECT_EQ(opcode_of(set_keyspace_result{}), opcode::result);
  EXPECT_EQ(opcode_of(prepared_result{}), opcode::result);
  EXPECT_EQ(opcode_of(schema_change_result{}), opcode::result);
  EXPECT_EQ(opcode_of(event{}), opcode::event);
  EXPECT_EQ(opcode_of(auth_challenge{}), opcode::auth_challenge);
  EXPECT_EQ(opcode_of(auth_success{}), opcode::auth_success);
}

TEST(ResponseDispatch, FailedEncodeReturnsTheErrorNotPartialBytes) {
  // UNAVAILABLE without its fields cannot be written.
  error_response e{error_code::unavailable, "m", {}};
  EXPECT_EQ(encode_error(e, protocol_version::v4), errc::invalid_value);
  // A [string] longer than 65535 bytes does not fit its length prefix.
  EXPECT_EQ(encode_error(authenticate{std::string(70000, 'a')}, protocol_version::v4),
            errc::value_too_large);
}

TEST(ResponsePeek, ResultKindWithoutDecodingTheBody) {
  // A rows body whose metadata is garbage: the peek must not look at it.
  auto kind = peek_result_kind(hex("00000002 ffffffff"));
  ASSERT_TRUE(kind);
  EXPECT_EQ(*kind, 2);
  kind = peek_result_kind(hex("00000005"));
  ASSERT_TRUE(kind);
  EXPECT_EQ(*kind, 5);
}

TEST(ResponsePeek, ShortOrUnknownKind) {
  for (std::size_t n = 0; n < 4; ++n) {
    const bytes b = hex("00000001");
    auto kind = peek_result_kind(byte_view(b).first(n));
    ASSERT_FALSE(kind);
    EXPECT_EQ(kind.error(), errc::truncated);
  }
  auto kind = peek_result_kind(hex("00000006"));
  ASSERT_FALSE(kind);
  EXPECT_EQ(kind.error(), errc::unknown_result_kind);
  kind = peek_result_kind(hex("00000000"));
  ASSERT_FALSE(kind);
  EXPECT_EQ(kind.error(), errc::unknown_result_kind);
}

}  // namespace
}  // namespace cqlshift::protocol
