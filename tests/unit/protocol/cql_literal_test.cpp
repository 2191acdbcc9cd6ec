// CQL literals of values, and the varint helpers behind varint and decimal literals.

#include "cqlshift/protocol/cql_value.hpp"

#include "cql_value_test_util.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace cqlshift::protocol {
namespace {

using namespace test_values;

std::string literal(const data_type& t, const cql_value& val) {
  auto s = to_cql_literal(t, val);
  EXPECT_TRUE(s) << to_cql(t);
  return s ? *s : std::string("<error>");
}

TEST(CqlValueLiteral, TextAndBlob) {
  EXPECT_EQ(literal(type(type_id::varchar), str("it's")), "'it''s'");
  EXPECT_EQ(literal(type(type_id::ascii), str("a")), "'a'");
  EXPECT_EQ(literal(type(type_id::varchar), str("")), "''");
  EXPECT_EQ(literal(type(type_id::blob), blob("0a0b")), "0x0a0b");
  EXPECT_EQ(literal(type(type_id::blob), blob("")), "0x");
}

TEST(CqlValueLiteral, Integers) {
  EXPECT_EQ(literal(type(type_id::int_), i32(-2)), "-2");
  EXPECT_EQ(literal(type(type_id::tinyint), i8(-128)), "-128");
  EXPECT_EQ(literal(type(type_id::smallint), i16(32767)), "32767");
  EXPECT_EQ(literal(type(type_id::bigint), i64(std::numeric_limits<std::int64_t>::min())),
            "-9223372036854775808");
  EXPECT_EQ(literal(type(type_id::counter), i64(7)), "7");
  EXPECT_EQ(literal(type(type_id::timestamp), i64(1234567890123)), "1234567890123");
  EXPECT_EQ(literal(type(type_id::boolean), boolean(true)), "true");
  EXPECT_EQ(literal(type(type_id::boolean), boolean(false)), "false");
}

TEST(CqlValueLiteral, FloatingPointIsShortestAndStaysFloating) {
  EXPECT_EQ(literal(type(type_id::float_), f32(1.5f)), "1.5");
  EXPECT_EQ(literal(type(type_id::float_), f32(0.1f)), "0.1");
  EXPECT_EQ(literal(type(type_id::float_), f32(3.0f)), "3.0");
  EXPECT_EQ(literal(type(type_id::float_), f32(1e20f)), "1e+20");
  EXPECT_EQ(literal(type(type_id::double_), f64(0.1)), "0.1");
  EXPECT_EQ(literal(type(type_id::double_), f64(-0.0)), "-0.0");
  EXPECT_EQ(literal(type(type_id::double_), f64(std::numeric_limits<double>::quiet_NaN())), "NaN");
  EXPECT_EQ(literal(type(type_id::double_), f64(-std::numeric_limits<double>::infinity())),
            "-Infinity");
  EXPECT_EQ(literal(type(type_id::float_), f32(std::numeric_limits<float>::infinity())),
            "Infinity");
}

TEST(CqlValueLiteral, VarintAndDecimal) {
  EXPECT_EQ(literal(type(type_id::varint), blob("029d42b64e76714244cb")),
            "12345678901234567890123");
  EXPECT_EQ(literal(type(type_id::varint), blob("ff7f")), "-129");
  EXPECT_EQ(literal(type(type_id::decimal), dec(2, "3039")), "123.45");
  EXPECT_EQ(literal(type(type_id::decimal), dec(1, "f1")), "-1.5");
  EXPECT_EQ(literal(type(type_id::decimal), dec(0, "00")), "0");
  EXPECT_EQ(literal(type(type_id::decimal), dec(-3, "01")), "1E+3");
  EXPECT_EQ(literal(type(type_id::decimal), dec(3, "01")), "0.001");
  EXPECT_EQ(literal(type(type_id::decimal), dec(2, "00")), "0.00");
  EXPECT_EQ(literal(type(type_id::decimal), dec(2, "fb")), "-0.05");
  EXPECT_EQ(literal(type(type_id::decimal), dec(100, "07")), "7E-100");
  EXPECT_EQ(literal(type(type_id::decimal), dec(std::numeric_limits<std::int32_t>::min(), "01")),
            "1E+2147483648");
}

TEST(CqlValueLiteral, UuidTimesAndDates) {
  EXPECT_EQ(literal(type(type_id::uuid), uid("550e8400e29b41d4a716446655440000")),
            "550e8400-e29b-41d4-a716-446655440000");
  EXPECT_EQ(literal(type(type_id::timeuuid), uid("a4a7090024e111df8924001ff3591711")),
            "a4a70900-24e1-11df-8924-001ff3591711");
  EXPECT_EQ(literal(type(type_id::date), date(0x80004d46)), "'2024-02-29'");
  EXPECT_EQ(literal(type(type_id::date), date(0x7fffffff)), "'1969-12-31'");
  EXPECT_EQ(literal(type(type_id::date), date(0x80000000 - 719528)), "'0000-01-01'");
  EXPECT_EQ(literal(type(type_id::date), date(0x80000000 + 2932896)), "'9999-12-31'");
  // Outside four-digit years the raw day number, which Cassandra also parses as a date.
  EXPECT_EQ(literal(type(type_id::date), date(0x80000000 + 2932897)), "'2150416545'");
  EXPECT_EQ(literal(type(type_id::date), date(0)), "'0'");
  EXPECT_EQ(literal(type(type_id::time), i64(49506789012000)), "'13:45:06.789012000'");
  EXPECT_EQ(literal(type(type_id::time), i64(0)), "'00:00:00.000000000'");
  EXPECT_EQ(literal(type(type_id::time), i64(86399999999999)), "'23:59:59.999999999'");
}

TEST(CqlValueLiteral, Durations) {
  EXPECT_EQ(literal(type(type_id::duration), dur(1, 2, 3)), "1mo2d3ns");
  EXPECT_EQ(literal(type(type_id::duration), dur(-1, -2, -3)), "-1mo2d3ns");
  EXPECT_EQ(literal(type(type_id::duration), dur(0, 0, 0)), "0ns");
  EXPECT_EQ(literal(type(type_id::duration), dur(14, 0, 0)), "14mo");
  EXPECT_EQ(literal(type(type_id::duration), dur(0, 0, -5)), "-5ns");
  EXPECT_EQ(literal(type(type_id::duration), dur(std::numeric_limits<std::int32_t>::min(), 0,
                                                 std::numeric_limits<std::int64_t>::min())),
            "-2147483648mo9223372036854775808ns");
}

TEST(CqlValueLiteral, Inet) {
  EXPECT_EQ(literal(type(type_id::inet), addr("c0a80102")), "'192.168.1.2'");
  EXPECT_EQ(literal(type(type_id::inet), addr("20010db8000000000000000000000001")),
            "'2001:db8::1'");
  EXPECT_EQ(literal(type(type_id::inet), addr("00000000000000000000000000000001")), "'::1'");
  EXPECT_EQ(literal(type(type_id::inet), addr("00000000000000000000000000000000")), "'::'");
  EXPECT_EQ(literal(type(type_id::inet), addr("fe800000000000000000000000000000")), "'fe80::'");
  // A single zero group stays; the longest run wins; on a tie the first.
  EXPECT_EQ(literal(type(type_id::inet), addr("20010db8000000010001000100010001")),
            "'2001:db8:0:1:1:1:1:1'");
  EXPECT_EQ(literal(type(type_id::inet), addr("20010000000000010000000000000001")),
            "'2001:0:0:1::1'");
  EXPECT_EQ(literal(type(type_id::inet), addr("20010db8000000000001000000000001")),
            "'2001:db8::1:0:0:1'");
}

TEST(CqlValueLiteral, Collections) {
  EXPECT_EQ(literal(data_type::list_of(type(type_id::int_)), list({i32(1), i32(2)})), "[1, 2]");
  EXPECT_EQ(literal(data_type::list_of(type(type_id::int_)), list({})), "[]");
  EXPECT_EQ(literal(data_type::set_of(type(type_id::varchar)), list({str("a"), str("bc")})),
            "{'a', 'bc'}");
  EXPECT_EQ(literal(data_type::set_of(type(type_id::varchar)), list({})), "{}");
  EXPECT_EQ(literal(data_type::map_of(type(type_id::varchar), type(type_id::int_)),
                    map({{str("a"), i32(1)}, {str("b"), i32(2)}})),
            "{'a': 1, 'b': 2}");
  EXPECT_EQ(literal(data_type::map_of(type(type_id::varchar), type(type_id::int_)), map({})), "{}");
  const data_type tuple = data_type::tuple_of({type(type_id::int_), type(type_id::varchar)});
  EXPECT_EQ(literal(tuple, list({i32(1), str("x")})), "(1, 'x')");
  EXPECT_EQ(literal(tuple, list({i32(1), null()})), "(1, null)");
  EXPECT_EQ(literal(type(type_id::int_), null()), "null");
}

TEST(CqlValueLiteral, UdtQuotesNamesThatAreNotLowercaseIdentifiers) {
  const data_type inner = udt("inner", {{"x", type(type_id::int_)}});
  const data_type t = udt("outer", {{"name", type(type_id::varchar)},
                                    {"Tags", data_type::set_of(type(type_id::varchar))},
                                    {"in\"ner", inner},
                                    {"_x", type(type_id::int_)}});
  EXPECT_EQ(literal(t, list({str("n"), list({str("a")}), list({i32(7)}), null()})),
            "{name: 'n', \"Tags\": {'a'}, \"in\"\"ner\": {x: 7}, \"_x\": null}");
}

TEST(CqlValueLiteral, MismatchIsAnError) {
  for (const auto& [t, val] : std::vector<std::pair<data_type, cql_value>>{
           {type(type_id::int_), i64(1)},
           {type(type_id::varchar), blob("61")},
           {type(type_id::time), i64(-1)},
           {type(type_id::inet), addr("7f")},
           {type(type_id::varint), blob("")},
           {data_type::list_of(type(type_id::int_)), list({str("a")})},
           {data_type::tuple_of({type(type_id::int_)}), list({i32(1), i32(2)})},
           {type(type_id::list), list({})},
       }) {
    auto s = to_cql_literal(t, val);
    ASSERT_FALSE(s) << to_cql(t);
    EXPECT_EQ(s.error(), errc::invalid_value);
  }
}

TEST(CqlValueVarint, FromAndToInt64) {
  struct sample {
    std::int64_t n;
    const char* wire;
  };
  for (auto [n, wire] :
       std::vector<sample>{{0, "00"},
                           {1, "01"},
                           {127, "7f"},
                           {128, "0080"},
                           {129, "0081"},
                           {255, "00ff"},
                           {256, "0100"},
                           {-1, "ff"},
                           {-128, "80"},
                           {-129, "ff7f"},
                           {-32768, "8000"},
                           {-32769, "ff7fff"},
                           {std::numeric_limits<std::int64_t>::max(), "7fffffffffffffff"},
                           {std::numeric_limits<std::int64_t>::min(), "8000000000000000"}}) {
    SCOPED_TRACE(n);
    EXPECT_EQ(varint_from_int64(n), hex(wire));
    EXPECT_EQ(varint_to_int64(hex(wire)), n);
    EXPECT_EQ(varint_to_string(hex(wire)), std::to_string(n));
    EXPECT_EQ(varint_from_string(std::to_string(n)), hex(wire));
  }
}

TEST(CqlValueVarint, ToInt64AcceptsRedundantSignBytesButNotOverflow) {
  EXPECT_EQ(varint_to_int64(hex("00000000000000000001")), 1);
  EXPECT_EQ(varint_to_int64(hex("ff8000000000000000")), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(varint_to_int64(hex("010000000000000000")), std::nullopt);
  EXPECT_EQ(varint_to_int64(hex("00ffffffffffffffff")), std::nullopt);
  EXPECT_EQ(varint_to_int64(hex("ff7fffffffffffffff")), std::nullopt);
  EXPECT_EQ(varint_to_int64(bytes{}), std::nullopt);
}

TEST(CqlValueVarint, ArbitraryPrecision) {
  const std::string big =
      "12345678901234567890123000000000000000000000000000000000000000000000000000987654321";
  const bytes big_wire =
      hex("01a07b5d29bd27dae6ff1148b818d77ce068c5bae1aed12f09a45fb00000003ade68b1");
  const bytes minus_big_wire =
      hex("fe5f84a2d642d8251900eeb747e728831f973a451e512ed0f65ba04fffffffc521974f");
  EXPECT_EQ(varint_to_string(big_wire), big);
  EXPECT_EQ(varint_to_string(minus_big_wire), "-" + big);
  EXPECT_EQ(varint_from_string(big), big_wire);
  EXPECT_EQ(varint_from_string("-" + big), minus_big_wire);
  EXPECT_EQ(varint_to_string(hex("010000000000000000")), "18446744073709551616");
  EXPECT_EQ(varint_to_string(hex("ff0000000000000000")), "-18446744073709551616");
  EXPECT_EQ(varint_to_string(hex("029d42b64e76714244cb")), "12345678901234567890123");
  EXPECT_EQ(varint_to_string(hex("0000")), "0");
}

TEST(CqlValueVarint, FromStringRejectsNonDigits) {
  EXPECT_EQ(varint_from_string("-0"), hex("00"));
  EXPECT_EQ(varint_from_string("007"), hex("07"));
  for (const char* bad : {"", "-", "+1", "1.5", "abc", "1 ", " 1", "--1"}) {
    EXPECT_EQ(varint_from_string(bad), std::nullopt) << bad;
  }
}

TEST(CqlValueVarint, Minimal) {
  EXPECT_EQ(minimal_varint(hex("000000")), hex("00"));
  EXPECT_EQ(minimal_varint(hex("ffff")), hex("ff"));
  EXPECT_EQ(minimal_varint(hex("00ff")), hex("00ff"));
  EXPECT_EQ(minimal_varint(hex("ff00")), hex("ff00"));
  EXPECT_EQ(minimal_varint(hex("ffff80")), hex("80"));
  EXPECT_EQ(minimal_varint(bytes{}), bytes{});
}

}  // namespace
}  // namespace cqlshift::protocol
