// Golden bytes for every CQL type. The expected bytes were produced by the DataStax Python
// driver's serializers (cassandra.cqltypes, driver 3.25) and checked against spec section 6.

#include "cqlshift/protocol/cql_value.hpp"

#include "cql_value_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cqlshift::protocol {
namespace {

using namespace test_values;
using v = protocol_version;

struct golden {
  std::string name;
  data_type type;
  cql_value value;
  bytes wire;
};

data_type list_of(type_id id) {
  return data_type::list_of(type(id));
}

std::vector<golden> scalar_goldens() {
  return {
      {"ascii", type(type_id::ascii), str("hi"), hex("6869")},
      {"ascii empty", type(type_id::ascii), str(""), hex("")},
      {"varchar", type(type_id::varchar), str("h\xc3\xa9\xe2\x82\xac"), hex("68c3a9e282ac")},
      {"text", type(type_id::text), str("h\xc3\xa9\xe2\x82\xac"), hex("68c3a9e282ac")},
      {"int -2", type(type_id::int_), i32(-2), hex("fffffffe")},
      {"int", type(type_id::int_), i32(0x01020304), hex("01020304")},
      {"bigint -2", type(type_id::bigint), i64(-2), hex("fffffffffffffffe")},
      {"bigint", type(type_id::bigint), i64((std::int64_t{1} << 40) + 5), hex("0000010000000005")},
      {"smallint -2", type(type_id::smallint), i16(-2), hex("fffe")},
      {"smallint", type(type_id::smallint), i16(0x1234), hex("1234")},
      {"tinyint -2", type(type_id::tinyint), i8(-2), hex("fe")},
      {"tinyint", type(type_id::tinyint), i8(127), hex("7f")},
      {"boolean true", type(type_id::boolean), boolean(true), hex("01")},
      {"boolean false", type(type_id::boolean), boolean(false), hex("00")},
      {"float", type(type_id::float_), f32(1.5f), hex("3fc00000")},
      {"float negative", type(type_id::float_), f32(-0.25f), hex("be800000")},
      {"double", type(type_id::double_), f64(1.5), hex("3ff8000000000000")},
      {"double 0.1", type(type_id::double_), f64(0.1), hex("3fb999999999999a")},
      {"decimal 123.45", type(type_id::decimal), dec(2, "3039"), hex("00000002 3039")},
      {"decimal -1.5", type(type_id::decimal), dec(1, "f1"), hex("00000001 f1")},
      {"decimal 0", type(type_id::decimal), dec(0, "00"), hex("00000000 00")},
      {"decimal 1E+3", type(type_id::decimal), dec(-3, "01"), hex("fffffffd 01")},
      {"decimal -129", type(type_id::decimal), dec(0, "ff7f"), hex("00000000 ff7f")},
      {"varint 0", type(type_id::varint), blob("00"), hex("00")},
      {"varint 1", type(type_id::varint), blob("01"), hex("01")},
      {"varint 127", type(type_id::varint), blob("7f"), hex("7f")},
      {"varint 128", type(type_id::varint), blob("0080"), hex("0080")},
      {"varint 129", type(type_id::varint), blob("0081"), hex("0081")},
      {"varint -1", type(type_id::varint), blob("ff"), hex("ff")},
      {"varint -128", type(type_id::varint), blob("80"), hex("80")},
      {"varint -129", type(type_id::varint), blob("ff7f"), hex("ff7f")},
      {"varint 2^64", type(type_id::varint), blob("010000000000000000"), hex("010000000000000000")},
      {"varint -2^64", type(type_id::varint), blob("ff0000000000000000"),
       hex("ff0000000000000000")},
      {"uuid", type(type_id::uuid), uid("550e8400e29b41d4a716446655440000"),
       hex("550e8400e29b41d4a716446655440000")},
      {"timeuuid", type(type_id::timeuuid), uid("a4a7090024e111df8924001ff3591711"),
       hex("a4a7090024e111df8924001ff3591711")},
      {"timestamp", type(type_id::timestamp), i64(1234567890123), hex("0000011f71fb04cb")},
      {"timestamp -1", type(type_id::timestamp), i64(-1), hex("ffffffffffffffff")},
      {"date 2024-02-29", type(type_id::date), date(0x80004d46), hex("80004d46")},
      {"date 1969-12-31", type(type_id::date), date(0x7fffffff), hex("7fffffff")},
      {"date epoch", type(type_id::date), date(0x80000000), hex("80000000")},
      {"time 13:45:06.789012", type(type_id::time), i64(49506789012000), hex("00002d06b292b220")},
      {"time last", type(type_id::time), i64(86399999999999), hex("00004e94914effff")},
      {"duration", type(type_id::duration), dur(1, 2, 3), hex("020406")},
      {"duration negative", type(type_id::duration), dur(-1, -2, -3), hex("010305")},
      {"duration 1y2mo1h", type(type_id::duration), dur(14, 0, 3'600'000'000'000),
       hex("1c 00 fc068c61714000")},
      {"duration zero", type(type_id::duration), dur(0, 0, 0), hex("000000")},
      {"inet v4", type(type_id::inet), addr("c0a80102"), hex("c0a80102")},
      {"inet v6", type(type_id::inet), addr("20010db8000000000000000000000001"),
       hex("20010db8000000000000000000000001")},
      {"blob", type(type_id::blob), blob("0a0b"), hex("0a0b")},
      {"blob empty", type(type_id::blob), blob(""), hex("")},
      {"custom", data_type{type_id::custom, "org.example.T", {}, {}, {}, {}}, blob("cafe"),
       hex("cafe")},
      {"counter", type(type_id::counter), i64(7), hex("0000000000000007")},
  };
}

data_type inner_udt() {
  return udt("inner", {{"x", type(type_id::int_)}});
}
data_type outer_udt() {
  return udt("outer", {{"name", type(type_id::varchar)},
                       {"tags", data_type::set_of(type(type_id::varchar))},
                       {"inner", inner_udt()}});
}

std::vector<golden> composite_goldens() {
  const data_type tuple_int_text =
      data_type::tuple_of({type(type_id::int_), type(type_id::varchar)});
  return {
      {"list<int>", list_of(type_id::int_), list({i32(1), i32(2)}),
       hex("00000002 00000004 00000001 00000004 00000002")},
      {"list<int> empty", list_of(type_id::int_), list({}), hex("00000000")},
      {"set<text>", data_type::set_of(type(type_id::varchar)), list({str("a"), str("bc")}),
       hex("00000002 00000001 61 00000002 6263")},
      {"map<text,int>", data_type::map_of(type(type_id::varchar), type(type_id::int_)),
       map({{str("a"), i32(1)}}), hex("00000001 00000001 61 00000004 00000001")},
      {"list<int> null element", list_of(type_id::int_), list({i32(1), null()}),
       hex("00000002 00000004 00000001 ffffffff")},
      {"tuple<int,text>", tuple_int_text, list({i32(1), str("x")}),
       hex("00000004 00000001 00000001 78")},
      {"tuple null element", tuple_int_text, list({i32(1), null()}),
       hex("00000004 00000001 ffffffff")},
      {"list<list<int>>", data_type::list_of(list_of(type_id::int_)),
       list({list({i32(1)}), list({})}),
       hex("00000002 0000000c 00000001 00000004 00000001 00000004 00000000")},
      {"list<tuple<int,text>>", data_type::list_of(tuple_int_text),
       list({list({i32(1), str("x")}), list({i32(2), null()})}),
       hex("00000002 0000000d 00000004 00000001 00000001 78 0000000c 00000004 00000002 "
           "ffffffff")},
      {"udt nested", outer_udt(), list({str("n"), list({str("a")}), list({i32(7)})}),
       hex("00000001 6e 00000009 00000001 00000001 61 00000008 00000004 00000007")},
      {"udt null fields", outer_udt(), list({null(), null(), list({null()})}),
       hex("ffffffff ffffffff 00000004 ffffffff")},
  };
}

void expect_golden(const golden& g, protocol_version pv) {
  SCOPED_TRACE(g.name);
  auto encoded = encode_value(g.type, g.value, pv);
  ASSERT_TRUE(encoded) << encoded.error().message();
  EXPECT_EQ(*encoded, g.wire);
  auto decoded = decode_value(g.type, g.wire, pv);
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(*decoded, g.value);
}

TEST(CqlValueGolden, ScalarsAtEveryVersion) {
  for (auto pv : {v::v2, v::v3, v::v4, v::v5, v::dse_v1, v::dse_v2}) {
    SCOPED_TRACE(std::string(to_string(pv)));
    for (const auto& g : scalar_goldens())
      expect_golden(g, pv);
  }
}

TEST(CqlValueGolden, CollectionsTuplesAndUdtsAtV4) {
  for (const auto& g : composite_goldens())
    expect_golden(g, v::v4);
}

TEST(CqlValueGolden, V3AndV5CollectionsMatchV4) {
  for (auto pv : {v::v3, v::v5, v::dse_v2}) {
    for (const auto& g : composite_goldens())
      expect_golden(g, pv);
  }
}

TEST(CqlValueGolden, V2CollectionsUseShortCountsAndLengths) {
  expect_golden({"list<int>", list_of(type_id::int_), list({i32(1), i32(2)}),
                 hex("0002 0004 00000001 0004 00000002")},
                v::v2);
  expect_golden({"set<text>", data_type::set_of(type(type_id::varchar)),
                 list({str("a"), str("bc")}), hex("0002 0001 61 0002 6263")},
                v::v2);
  expect_golden({"map<text,int>", data_type::map_of(type(type_id::varchar), type(type_id::int_)),
                 map({{str("a"), i32(1)}}), hex("0001 0001 61 0004 00000001")},
                v::v2);
}

TEST(CqlValueGolden, V2NestedCollectionsUseTheV3LayoutInside) {
  expect_golden(
      {"list<list<int>>", data_type::list_of(list_of(type_id::int_)),
       list({list({i32(1)}), list({})}), hex("0002 000c 00000001 00000004 00000001 0004 00000000")},
      v::v2);
  expect_golden(
      {"map<int,list<text>>", data_type::map_of(type(type_id::int_), list_of(type_id::varchar)),
       map({{i32(5), list({str("q")})}}), hex("0001 0004 00000005 0009 00000001 00000001 71")},
      v::v2);
}

TEST(CqlValueGolden, V2CollectionCannotHoldNull) {
  auto encoded = encode_value(list_of(type_id::int_), list({null()}), v::v2);
  ASSERT_FALSE(encoded);
  EXPECT_EQ(encoded.error(), errc::invalid_value);
}

TEST(CqlValueGolden, ShortUdtAndTupleDecodeWithTrailingNulls) {
  auto decoded = decode_value(outer_udt(), hex("00000001 6e"), v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, list({str("n"), null(), null()}));

  const data_type tuple = data_type::tuple_of({type(type_id::int_), type(type_id::varchar)});
  decoded = decode_value(tuple, bytes{}, v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, list({null(), null()}));
}

TEST(CqlValueGolden, ShortUdtValueEncodesOnlyItsFields) {
  auto encoded = encode_value(outer_udt(), list({str("n")}), v::v4);
  ASSERT_TRUE(encoded);
  EXPECT_EQ(*encoded, hex("00000001 6e"));
}

TEST(CqlValueGolden, NonMinimalVarintsDecodeMinimal) {
  auto decoded = decode_value(type(type_id::varint), hex("0000ff"), v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, blob("00ff"));
  decoded = decode_value(type(type_id::decimal), hex("00000001 ffff80"), v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, dec(1, "80"));
  auto encoded = encode_value(type(type_id::varint), blob("ffffff"), v::v4);
  ASSERT_TRUE(encoded);
  EXPECT_EQ(*encoded, hex("ff"));
}

TEST(CqlValueGolden, AnyNonZeroByteIsTrue) {
  auto decoded = decode_value(type(type_id::boolean), hex("02"), v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, boolean(true));
}

TEST(CqlValueGolden, NullAndUnsetAsValue) {
  auto as_value = encode_as_value(type(type_id::int_), null(), v::v4);
  ASSERT_TRUE(as_value);
  EXPECT_EQ(*as_value, value::null_value());
  as_value = encode_as_value(type(type_id::int_), i32(1), v::v4);
  ASSERT_TRUE(as_value);
  EXPECT_EQ(*as_value, value::of(hex("00000001")));

  auto decoded = decode_value(type(type_id::int_), value::null_value(), v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->is_null());
  decoded = decode_value(type(type_id::int_), value::of(hex("00000001")), v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, i32(1));
  decoded = decode_value(type(type_id::int_), value::unset_value(), v::v4);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error(), errc::invalid_value);
}

TEST(CqlValueGolden, ConvenienceEncodersMatchEncodeValue) {
  EXPECT_EQ(encode_int(-2), hex("fffffffe"));
  EXPECT_EQ(encode_bigint(1234567890123), hex("0000011f71fb04cb"));
  EXPECT_EQ(encode_boolean(true), hex("01"));
  EXPECT_EQ(encode_boolean(false), hex("00"));
  EXPECT_EQ(encode_text("h\xc3\xa9"), hex("68c3a9"));
  const uuid u = std::get<uuid>(uid("550e8400e29b41d4a716446655440000").v);
  EXPECT_EQ(encode_uuid(u), hex("550e8400e29b41d4a716446655440000"));
}

TEST(CqlValueGolden, NaNRoundTripsBitForBit) {
  const bytes nan = hex("7fc00000");
  auto decoded = decode_value(type(type_id::float_), nan, v::v4);
  ASSERT_TRUE(decoded);
  auto encoded = encode_value(type(type_id::float_), *decoded, v::v4);
  ASSERT_TRUE(encoded);
  EXPECT_EQ(*encoded, nan);
}

}  // namespace
}  // namespace cqlshift::protocol
