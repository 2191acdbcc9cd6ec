#include "cqlshift/protocol/primitives.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace cqlshift::protocol {
namespace {

using test::hex;

TEST(Primitives, IntegersAreBigEndian) {
  bytes out;
  writer w(out);
  w.write_byte(0xAB);
  w.write_short(0x0102);
  w.write_int(-2);
  w.write_long(0x0102030405060708);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(out, hex("ab 0102 fffffffe 0102030405060708"));

  reader r(out);
  EXPECT_EQ(r.read_byte(), 0xAB);
  EXPECT_EQ(r.read_short(), 0x0102);
  EXPECT_EQ(r.read_int(), -2);
  EXPECT_EQ(r.read_long(), 0x0102030405060708);
  EXPECT_EQ(r.finish(), errc::ok);
}

TEST(Primitives, StringGoldenBytesAndRoundTrip) {
  bytes out;
  writer w(out);
  w.write_string("héllo");
  w.write_long_string("q");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(out, hex("0006 68c3a96c6c6f | 00000001 71"));
  reader r(out);
  EXPECT_EQ(r.read_string(), "héllo");
  EXPECT_EQ(r.read_long_string(), "q");
  EXPECT_EQ(r.finish(), errc::ok);
}

TEST(Primitives, StringLongerThanItsShortPrefixFailsToEncode) {
  bytes out;
  writer w(out);
  w.write_string(std::string(65536, 'x'));
  EXPECT_EQ(w.error(), errc::value_too_large);
}

TEST(Primitives, StringLengthPastTheEndIsLengthOutOfBounds) {
  const bytes in = hex("0005 6162");
  reader r(in);
  EXPECT_EQ(r.read_string(), "");
  EXPECT_EQ(r.error(), errc::length_out_of_bounds);
}

TEST(Primitives, TruncatedFixedFieldIsTruncated) {
  const bytes in = hex("0001 02");
  reader r(in);
  r.read_int();
  EXPECT_EQ(r.error(), errc::truncated);
}

TEST(Primitives, FirstErrorIsKeptAndLaterReadsReturnEmpty) {
  const bytes in = hex("00");
  reader r(in);
  r.read_short();
  EXPECT_EQ(r.error(), errc::truncated);
  EXPECT_EQ(r.read_byte(), 0);
  EXPECT_EQ(r.read_string(), "");
  EXPECT_EQ(r.error(), errc::truncated);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(Primitives, InvalidUtf8InStringIsRejected) {
  for (const char* bad :
       {"0001 ff", "0002 c0af", "0003 eda080", "0004 f4908080", "0001 80", "0002 e282"}) {
    const bytes in = hex(bad);
    reader r(in);
    r.read_string();
    EXPECT_EQ(r.error(), errc::invalid_utf8) << bad;
  }
}

TEST(Primitives, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("ascii"));
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC"));           // U+20AC
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));       // U+1F600
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));              // overlong NUL
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));          // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));  // 5-byte form
}

TEST(Primitives, BytesNullAndValueMarkers) {
  bytes out;
  writer w(out);
  w.write_bytes(std::optional<bytes>{});
  w.write_bytes(std::optional<bytes>(hex("0102")));
  w.write_value(value::null_value());
  w.write_value(value::unset_value());
  w.write_value(value::of(hex("ff")));
  w.write_short_bytes(hex("aa"));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(out, hex("ffffffff | 00000002 0102 | ffffffff | fffffffe | 00000001 ff | 0001 aa"));

  reader r(out);
  EXPECT_EQ(r.read_bytes(), std::nullopt);
  EXPECT_EQ(r.read_bytes(), std::optional<bytes>(hex("0102")));
  EXPECT_EQ(r.read_value(), value::null_value());
  EXPECT_EQ(r.read_value(), value::unset_value());
  EXPECT_EQ(r.read_value(), value::of(hex("ff")));
  EXPECT_EQ(r.read_short_bytes(), hex("aa"));
  EXPECT_EQ(r.finish(), errc::ok);
}

TEST(Primitives, ValueBelowUnsetMarkerIsNegativeLength) {
  const bytes in = hex("fffffffd");
  reader r(in);
  r.read_value();
  EXPECT_EQ(r.error(), errc::negative_length);
}

TEST(Primitives, NegativeLongStringLengthIsNegativeLength) {
  const bytes in = hex("ffffffff");
  reader r(in);
  r.read_long_string();
  EXPECT_EQ(r.error(), errc::negative_length);
}

TEST(Primitives, MapsKeepWireOrder) {
  const string_map m{{"Z", "1"}, {"A", "2"}};
  bytes out;
  writer w(out);
  w.write_string_map(m);
  EXPECT_EQ(out, hex("0002 0001 5a 0001 31 0001 41 0001 32"));
  reader r(out);
  EXPECT_EQ(r.read_string_map(), m);
  EXPECT_EQ(r.finish(), errc::ok);
}

TEST(Primitives, MultimapAndStringList) {
  const string_multimap m{{"COMPRESSION", {"lz4", "snappy"}}, {"CQL_VERSION", {"3.4.5"}}};
  bytes out;
  writer w(out);
  w.write_string_multimap(m);
  reader r(out);
  EXPECT_EQ(r.read_string_multimap(), m);
  EXPECT_EQ(r.finish(), errc::ok);
}

TEST(Primitives, BytesMapRoundTrip) {
  const bytes_map m{{"k", hex("0102")}, {"e", {}}};
  bytes out;
  writer w(out);
  w.write_bytes_map(m);
  EXPECT_EQ(out, hex("0002 0001 6b 00000002 0102 0001 65 00000000"));
  reader r(out);
  EXPECT_EQ(r.read_bytes_map(), m);
}

TEST(Primitives, HostileCountsFailBeforeAllocating) {
  // 65535 map entries claimed, 2 bytes present.
  const bytes in = hex("ffff 0000");
  reader r(in);
  EXPECT_TRUE(r.read_string_map().empty());
  EXPECT_EQ(r.error(), errc::length_out_of_bounds);

  const bytes in2 = hex("7fffffff");
  reader r2(in2);
  EXPECT_EQ(r2.read_int_count(1), 0u);
  EXPECT_EQ(r2.error(), errc::length_out_of_bounds);

  const bytes in3 = hex("80000000");
  reader r3(in3);
  r3.read_int_count(1);
  EXPECT_EQ(r3.error(), errc::negative_length);
}

TEST(Primitives, InetV4AndV6) {
  inet v4{hex("7f000001"), 9042};
  inet v6{hex("00000000000000000000000000000001"), 9042};
  bytes out;
  writer w(out);
  w.write_inet(v4);
  w.write_inet(v6);
  EXPECT_EQ(out, hex("04 7f000001 00002352 | 10 00000000000000000000000000000001 00002352"));
  reader r(out);
  EXPECT_EQ(r.read_inet(), v4);
  EXPECT_EQ(r.read_inet(), v6);
  EXPECT_EQ(r.finish(), errc::ok);
  EXPECT_EQ(to_string(v4), "127.0.0.1:9042");
}

TEST(Primitives, InetWithBadSizeIsInvalidValue) {
  const bytes in = hex("05 0102030405 00002352");
  reader r(in);
  r.read_inet();
  EXPECT_EQ(r.error(), errc::invalid_value);
}

TEST(Primitives, ConsistencyOutOfRangeIsUnknownConsistency) {
  const bytes in = hex("000b");
  reader r(in);
  r.read_consistency();
  EXPECT_EQ(r.error(), errc::unknown_consistency);
  const bytes ok = hex("000a");
  reader r2(ok);
  EXPECT_EQ(r2.read_consistency(), consistency::local_one);
}

TEST(Primitives, UnsignedVintGoldenBytes) {
  struct vector_case {
    std::uint64_t v;
    const char* wire;
  };
  // Layout: the count of leading 1 bits of the first byte is the number of extra bytes.
  for (const vector_case& c :
       {vector_case{0, "00"}, vector_case{1, "01"}, vector_case{127, "7f"},
        vector_case{128, "8080"}, vector_case{16383, "bfff"}, vector_case{16384, "c04000"},
        vector_case{std::numeric_limits<std::uint64_t>::max(), "ffffffffffffffffff"}}) {
    bytes out;
    writer w(out);
    w.write_unsigned_vint(c.v);
    EXPECT_EQ(out, hex(c.wire)) << c.v;
    reader r(out);
    EXPECT_EQ(r.read_unsigned_vint(), c.v);
    EXPECT_EQ(r.finish(), errc::ok);
  }
}

TEST(Primitives, SignedVintIsZigZag) {
  for (std::int64_t v :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1}, std::int64_t{-64}, std::int64_t{64},
        std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    bytes out;
    writer w(out);
    w.write_vint(v);
    reader r(out);
    EXPECT_EQ(r.read_vint(), v);
    EXPECT_EQ(r.finish(), errc::ok);
  }
  bytes out;
  writer w(out);
  w.write_vint(-1);
  EXPECT_EQ(out, hex("01"));
}

TEST(Primitives, TruncatedVintIsTruncated) {
  const bytes in = hex("c040");
  reader r(in);
  r.read_unsigned_vint();
  EXPECT_EQ(r.error(), errc::truncated);
}

TEST(Primitives, TrailingBytesAreReportedByFinish) {
  const bytes in = hex("0001 00");
  reader r(in);
  r.read_short();
  EXPECT_EQ(r.finish(), errc::trailing_bytes);
}

}  // namespace
}  // namespace cqlshift::protocol
