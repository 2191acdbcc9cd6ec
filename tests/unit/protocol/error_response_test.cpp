#include "cqlshift/protocol/error_response.hpp"

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

// <code> and the one-letter message "m".
bytes head(const char* code_hex) {
  return concat({hex(code_hex), hex("0001"), text("m")});
}

TEST(ResponseError, MessageOnlyCodesAtEveryVersion) {
  const std::pair<error_code, const char*> codes[] = {
      {error_code::server_error, "00000000"},      {error_code::protocol_error, "0000000a"},
      {error_code::auth_error, "00000100"},        {error_code::overloaded, "00001001"},
      {error_code::is_bootstrapping, "00001002"},  {error_code::truncate_error, "00001003"},
      {error_code::cdc_write_failure, "00001600"}, {error_code::syntax_error, "00002000"},
      {error_code::unauthorized, "00002100"},      {error_code::invalid, "00002200"},
      {error_code::config_error, "00002300"},
  };
  for (auto v :
       {protocol_version::v2, v3, v4, v5, protocol_version::dse_v1, protocol_version::dse_v2}) {
    for (const auto& [code, code_hex] : codes) {
      SCOPED_TRACE(to_string(code));
      expect_wire(error_response{code, "m", {}}, v, head(code_hex));
    }
  }
}

TEST(ResponseError, Unavailable) {
  const error_response e{error_code::unavailable, "m",
                         unavailable_details{consistency::quorum, 3, 1}};
  for (auto v : {v3, v4, v5}) {
    expect_wire(e, v, concat({head("00001000"), hex("0004 00000003 00000001")}));
  }
}

TEST(ResponseError, WriteTimeoutHasNoContentionsBeforeV5) {
  const bytes simple =
      concat({head("00001100"), hex("0006 00000001 00000002 0006"), text("SIMPLE")});
  const error_response e{error_code::write_timeout, "m",
                         write_timeout_details{consistency::local_quorum, 1, 2, "SIMPLE", {}}};
  expect_wire(e, v4, simple);
  expect_wire(e, v5, simple);

  // CAS carries contentions only in v5; DSE versions never do.
  const bytes cas = concat({head("00001100"), hex("0008 00000000 00000002 0003"), text("CAS")});
  const error_response cas_v4{error_code::write_timeout, "m",
                              write_timeout_details{consistency::serial, 0, 2, "CAS", {}}};
  expect_wire(cas_v4, v4, cas);
  expect_wire(cas_v4, protocol_version::dse_v2, cas);
}

TEST(ResponseError, WriteTimeoutCasHasContentionsInV5) {
  const error_response e{error_code::write_timeout, "m",
                         write_timeout_details{consistency::serial, 0, 2, "CAS", 5}};
  expect_wire(
      e, v5,
      concat({head("00001100"), hex("0008 00000000 00000002 0003"), text("CAS"), hex("0005")}));
}

TEST(ResponseError, WriteTimeoutContentionsMustMatchTheVersion) {
  error_response e{error_code::write_timeout, "m",
                   write_timeout_details{consistency::serial, 0, 2, "CAS", {}}};
  EXPECT_EQ(encode_error(e, v5), errc::invalid_value);
  std::get<write_timeout_details>(e.details).contentions = 1;
  EXPECT_EQ(encode_error(e, v4), errc::not_at_this_version);
  std::get<write_timeout_details>(e.details).write_type = "SIMPLE";
  EXPECT_EQ(encode_error(e, v5), errc::not_at_this_version);
}

TEST(ResponseError, ReadTimeout) {
  const error_response e{error_code::read_timeout, "m",
                         read_timeout_details{consistency::one, 1, 2, true}};
  for (auto v : {v3, v4, v5}) {
    expect_wire(e, v, concat({head("00001200"), hex("0001 00000001 00000002 01")}));
  }
  const error_response absent{error_code::read_timeout, "m",
                              read_timeout_details{consistency::all, 0, 3, false}};
  expect_wire(absent, v4, concat({head("00001200"), hex("0005 00000000 00000003 00")}));
}

TEST(ResponseError, DataPresentAnyNonZeroByteIsTrue) {
  const auto d = decode_response(opcode::error, v4,
                                 concat({head("00001200"), hex("0001 00000001 00000002 07")}));
  ASSERT_TRUE(d);
  const auto& e = std::get<error_response>(*d);
  EXPECT_TRUE(std::get<read_timeout_details>(e.details).data_present);
}

TEST(ResponseError, ReadFailureCountsFailuresBeforeV5) {
  const error_response e{error_code::read_failure, "m",
                         read_failure_details{consistency::quorum, 1, 3, 2, {}, false}};
  expect_wire(e, v4, concat({head("00001300"), hex("0004 00000001 00000003 00000002 00")}));
}

TEST(ResponseError, ReadFailureCarriesAReasonMapFromV5) {
  const bytes v6_loopback = hex("00000000 00000000 00000000 00000001");
  const error_response e{
      error_code::read_failure, "m",
      read_failure_details{
          consistency::quorum, 1, 3, 2, {{hex("7f000001"), 0x0000}, {v6_loopback, 0x0001}}, true}};
  const bytes wire = concat({head("00001300"), hex("0004 00000001 00000003"),
                             hex("00000002"),                      // entries
                             hex("04 7f000001 0000"),              // 127.0.0.1: UNKNOWN
                             hex("10"), v6_loopback, hex("0001"),  // ::1: too many tombstones
                             hex("01")});
  expect_wire(e, v5, wire);
  expect_wire(e, protocol_version::dse_v1, wire);
}

TEST(ResponseError, WriteFailureCountsFailuresBeforeV5) {
  const error_response e{error_code::write_failure, "m",
                         write_failure_details{consistency::one, 0, 1, 1, {}, "BATCH"}};
  expect_wire(
      e, v4,
      concat({head("00001500"), hex("0001 00000000 00000001 00000001 0005"), text("BATCH")}));
}

TEST(ResponseError, WriteFailureCarriesAReasonMapFromV5) {
  const error_response e{
      error_code::write_failure, "m",
      write_failure_details{consistency::one, 0, 1, 1, {{hex("0a000001"), 0x0003}}, "BATCH"}};
  expect_wire(e, v5,
              concat({head("00001500"), hex("0001 00000000 00000001"),
                      hex("00000001 04 0a000001 0003"), hex("0005"), text("BATCH")}));
}

TEST(ResponseError, FailureCountAndReasonMapMustAgree) {
  error_response e{error_code::read_failure, "m",
                   read_failure_details{consistency::one, 0, 1, 2, {{hex("0a000001"), 1}}, false}};
  EXPECT_EQ(encode_error(e, v5), errc::invalid_value);
  EXPECT_EQ(encode_error(e, v4), errc::not_at_this_version);
  error_response w{
      error_code::write_failure, "m",
      write_failure_details{consistency::one, 0, 1, 0, {{hex("0a000001"), 1}}, "SIMPLE"}};
  EXPECT_EQ(encode_error(w, v5), errc::invalid_value);
  EXPECT_EQ(encode_error(w, v4), errc::not_at_this_version);
}

TEST(ResponseError, ReasonMapCountIsValidated) {
  const bytes prefix = concat({head("00001300"), hex("0001 00000000 00000001")});
  EXPECT_EQ(decode_error(opcode::error, v5, concat({prefix, hex("ffffffff 00")})),
            errc::negative_length);
  EXPECT_EQ(decode_error(opcode::error, v5, concat({prefix, hex("00100000 04 7f000001 0000 00")})),
            errc::length_out_of_bounds);
  EXPECT_EQ(
      decode_error(opcode::error, v5, concat({prefix, hex("00000001 05 7f00000101 0000 00")})),
      errc::invalid_value);
}

TEST(ResponseError, FunctionFailure) {
  const error_response e{error_code::function_failure, "m",
                         function_failure_details{"ks", "f", {"int", "text"}}};
  for (auto v : {v4, v5}) {
    expect_wire(e, v,
                concat({head("00001400"), hex("0002"), text("ks"), hex("0001"), text("f"),
                        hex("0002 0003"), text("int"), hex("0004"), text("text")}));
  }
}

TEST(ResponseError, AlreadyExistsForTableAndKeyspace) {
  expect_wire(error_response{error_code::already_exists, "m", already_exists_details{"ks", "t"}},
              v4, concat({head("00002400"), hex("0002"), text("ks"), hex("0001"), text("t")}));
  expect_wire(error_response{error_code::already_exists, "m", already_exists_details{"ks", ""}}, v5,
              concat({head("00002400"), hex("0002"), text("ks"), hex("0000")}));
}

TEST(ResponseError, Unprepared) {
  const error_response e{error_code::unprepared, "m", unprepared_details{hex("cafebabe")}};
  for (auto v : {v3, v4, v5})
    expect_wire(e, v, concat({head("00002500"), hex("0004 cafebabe")}));
}

TEST(ResponseError, CasWriteUnknown) {
  const error_response e{error_code::cas_write_unknown, "m",
                         cas_write_unknown_details{consistency::local_serial, 1, 2}};
  // Cassandra sends it from v5 on; the layout does not depend on the version.
  for (auto v : {v4, v5}) {
    expect_wire(e, v, concat({head("00001700"), hex("0009 00000001 00000002")}));
  }
}

TEST(ResponseError, UnknownCodeKeepsItsValueWithoutDetails) {
  const error_response e{static_cast<error_code>(0x7777), "m", {}};
  expect_wire(e, v4, head("00007777"));
  EXPECT_EQ(to_string(e.code), "UNKNOWN");
}

TEST(ResponseError, UnknownCodeWithExtraFieldsIsTrailingBytes) {
  EXPECT_EQ(decode_error(opcode::error, v4, concat({head("00007777"), hex("0001")})),
            errc::trailing_bytes);
}

TEST(ResponseError, DetailsMustMatchTheCode) {
  EXPECT_EQ(encode_error(error_response{error_code::unavailable, "m", {}}, v4),
            errc::invalid_value);
  EXPECT_EQ(encode_error(error_response{error_code::server_error, "m",
                                        unavailable_details{consistency::one, 1, 0}},
                         v4),
            errc::invalid_value);
  EXPECT_EQ(
      encode_error(error_response{error_code::read_timeout, "m",
                                  write_timeout_details{consistency::one, 1, 0, "SIMPLE", {}}},
                   v4),
      errc::invalid_value);
  EXPECT_EQ(
      encode_error(
          error_response{static_cast<error_code>(0x7777), "m", unprepared_details{hex("01")}}, v4),
      errc::invalid_value);
}

TEST(ResponseError, MalformedFields) {
  EXPECT_EQ(
      decode_error(opcode::error, v4, concat({head("00001000"), hex("000b 00000001 00000000")})),
      errc::unknown_consistency);
  EXPECT_EQ(decode_error(opcode::error, v4, hex("00000000 0002 c328")), errc::invalid_utf8);
  EXPECT_EQ(decode_error(opcode::error, v4, hex("00000000 0009 6d")), errc::length_out_of_bounds);
  EXPECT_EQ(decode_error(opcode::error, v4, concat({head("00002500"), hex("0010 0102")})),
            errc::length_out_of_bounds);
  EXPECT_EQ(decode_error(opcode::error, v4, concat({head("00001400"), hex("0000 0000 ffff")})),
            errc::length_out_of_bounds);
}

}  // namespace
}  // namespace cqlshift::protocol
