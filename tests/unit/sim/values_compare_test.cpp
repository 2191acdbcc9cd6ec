// compare(): Cassandra's comparator of each type; canonical_value; serialize_for_key.

#include "values_test_support.hpp"

#include <limits>

namespace cqlshift::sim::values_test {
namespace {

int cmp(type_id id, cql_value a, cql_value b) {
  const int c = compare(T(id), a, b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

cql_value varint(std::string_view s) {
  return cql_value{*protocol::varint_from_string(s)};
}

cql_value decimal(std::int32_t scale, std::string_view unscaled) {
  return cql_value{protocol::decimal_value{scale, *protocol::varint_from_string(unscaled)}};
}

TEST(ValuesCompare, SignedIntegers) {
  EXPECT_EQ(cmp(type_id::int_, cql_value{std::int32_t{-1}}, cql_value{std::int32_t{1}}), -1);
  EXPECT_EQ(cmp(type_id::bigint, cql_value{INT64_MIN}, cql_value{INT64_MAX}), -1);
  EXPECT_EQ(cmp(type_id::timestamp, cql_value{std::int64_t{-5}}, cql_value{std::int64_t{0}}), -1);
  EXPECT_EQ(cmp(type_id::tinyint, cql_value{std::int8_t{-128}}, cql_value{std::int8_t{127}}), -1);
  EXPECT_EQ(cmp(type_id::date, cql_value{std::uint32_t{5}}, cql_value{std::uint32_t{0x80000000}}),
            -1);
}

TEST(ValuesCompare, VarintNumerically) {
  EXPECT_EQ(cmp(type_id::varint, varint("-1000"), varint("-1")), -1);
  EXPECT_EQ(cmp(type_id::varint, varint("-1"), varint("0")), -1);
  EXPECT_EQ(cmp(type_id::varint, varint("255"), varint("256")), -1);
  EXPECT_EQ(cmp(type_id::varint, varint("99999999999999999999"), varint("100")), 1);
  // Redundant sign bytes do not change the number.
  EXPECT_EQ(cmp(type_id::varint, cql_value{bytes_of({0x00, 0x05})}, cql_value{bytes_of({0x05})}),
            0);
}

TEST(ValuesCompare, DecimalByValueWhateverTheScale) {
  EXPECT_EQ(cmp(type_id::decimal, decimal(1, "10"), decimal(2, "100")), 0);   // 1.0 == 1.00
  EXPECT_EQ(cmp(type_id::decimal, decimal(3, "1"), decimal(0, "0")), 1);      // 0.001 > 0
  EXPECT_EQ(cmp(type_id::decimal, decimal(-3, "-1"), decimal(2, "-5")), -1);  // -1000 < -0.05
  EXPECT_EQ(cmp(type_id::decimal, decimal(2000000000, "1"), decimal(-2000000000, "1")), -1);
}

TEST(ValuesCompare, FloatingAsJavaCompare) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(cmp(type_id::double_, cql_value{-0.0}, cql_value{0.0}), -1);
  EXPECT_EQ(
      cmp(type_id::double_, cql_value{nan}, cql_value{std::numeric_limits<double>::infinity()}), 1);
  EXPECT_EQ(cmp(type_id::double_, cql_value{nan}, cql_value{nan}), 0);
  EXPECT_EQ(cmp(type_id::float_, cql_value{1.5f}, cql_value{-2.0f}), 1);
}

TEST(ValuesCompare, TextAndBlobsByUnsignedBytes) {
  EXPECT_EQ(cmp(type_id::varchar, cql_value{std::string("a")}, cql_value{std::string("ab")}), -1);
  EXPECT_EQ(cmp(type_id::varchar, cql_value{std::string("Z")}, cql_value{std::string("a")}), -1);
  EXPECT_EQ(cmp(type_id::varchar, cql_value{std::string("\xC3\xA9")}, cql_value{std::string("z")}),
            1);
  EXPECT_EQ(cmp(type_id::blob, cql_value{bytes_of({0x80})}, cql_value{bytes_of({0x7F, 0xFF})}), 1);
}

TEST(ValuesCompare, BooleanAndInet) {
  EXPECT_EQ(cmp(type_id::boolean, cql_value{false}, cql_value{true}), -1);
  EXPECT_EQ(cmp(type_id::inet, cql_value{protocol::inet{bytes_of({10, 0, 0, 1}), 0}},
                cql_value{protocol::inet{bytes_of({9, 255, 255, 255}), 0}}),
            1);
}

TEST(ValuesCompare, TimeuuidByTimeThenSignedBytes) {
  // Later time wins even with a smaller first byte (time_low).
  const auto early = uuid_of("ffffffff-0000-1000-8000-000000000000");
  const auto late = uuid_of("00000000-0001-1000-8000-000000000000");
  EXPECT_EQ(cmp(type_id::timeuuid, cql_value{early}, cql_value{late}), -1);
  // Same time: the clock sequence and node bytes compare signed (0x80 < 0x7f).
  const auto a = uuid_of("00000000-0000-1000-8000-000000000000");
  const auto b = uuid_of("00000000-0000-1000-7f00-000000000000");
  EXPECT_EQ(cmp(type_id::timeuuid, cql_value{a}, cql_value{b}), -1);
  // UUIDType compares them unsigned.
  EXPECT_EQ(cmp(type_id::uuid, cql_value{a}, cql_value{b}), 1);
}

TEST(ValuesCompare, UuidByVersionThenBits) {
  const auto v1 = uuid_of("ffffffff-ffff-1fff-8000-000000000000");
  const auto v4 = uuid_of("00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(cmp(type_id::uuid, cql_value{v1}, cql_value{v4}), -1);
  const auto v4b = uuid_of("00000001-0000-4000-8000-000000000000");
  EXPECT_EQ(cmp(type_id::uuid, cql_value{v4}, cql_value{v4b}), -1);
}

TEST(ValuesCompare, EmptyValuesSortFirst) {
  EXPECT_EQ(cmp(type_id::int_, cql_value::empty(), cql_value{INT32_MIN}), -1);
  EXPECT_EQ(cmp(type_id::timestamp, cql_value{INT64_MIN}, cql_value::empty()), 1);
  EXPECT_EQ(cmp(type_id::int_, cql_value::empty(), cql_value::empty()), 0);
}

TEST(ValuesCompare, CollectionsElementWiseShorterFirst) {
  const data_type list_int = data_type::list_of(T(type_id::int_));
  const cql_value one{std::int32_t{1}};
  const cql_value two{std::int32_t{2}};
  EXPECT_LT(compare(list_int, cql_value{cql_list{one}}, cql_value{cql_list{one, one}}), 0);
  EXPECT_GT(compare(list_int, cql_value{cql_list{two}}, cql_value{cql_list{one, two}}), 0);
  const data_type map = data_type::map_of(T(type_id::int_), T(type_id::int_));
  EXPECT_LT(compare(map, cql_value{cql_map{{one, one}}}, cql_value{cql_map{{one, two}}}), 0);
}

TEST(ValuesCompare, TuplesNullFirstAndTrailingNullsEqual) {
  const data_type t = data_type::tuple_of({T(type_id::int_), T(type_id::int_)});
  const cql_value one{std::int32_t{1}};
  EXPECT_LT(compare(t, cql_value{cql_list{cql_value::null(), one}}, cql_value{cql_list{one, one}}),
            0);
  EXPECT_EQ(compare(t, cql_value{cql_list{one}}, cql_value{cql_list{one, cql_value::null()}}), 0);
  EXPECT_GT(compare(t, cql_value{cql_list{one, one}}, cql_value{cql_list{one}}), 0);
}

TEST(ValuesCanonical, SetsAndMapsAtEveryLevel) {
  const data_type t = data_type::map_of(T(type_id::varchar), data_type::set_of(T(type_id::int_)));
  const cql_value one{std::int32_t{1}};
  const cql_value two{std::int32_t{2}};
  const cql_value v{cql_map{{cql_value{std::string("b")}, cql_value{cql_list{two, one, two}}},
                            {cql_value{std::string("a")}, cql_value{cql_list{}}}}};
  EXPECT_EQ(canonical_value(t, v),
            (cql_value{cql_map{{cql_value{std::string("a")}, cql_value{cql_list{}}},
                               {cql_value{std::string("b")}, cql_value{cql_list{one, two}}}}}));
}

TEST(ValuesKey, WireBytesOfTheValue) {
  EXPECT_EQ(serialize_for_key(T(type_id::int_), cql_value{std::int32_t{1}}),
            bytes_of({0, 0, 0, 1}));
  EXPECT_EQ(serialize_for_key(T(type_id::varchar), cql_value{std::string("ab")}),
            bytes_of({'a', 'b'}));
  EXPECT_EQ(serialize_for_key(data_type::list_of(T(type_id::int_)),
                              cql_value{cql_list{cql_value{std::int32_t{7}}}}),
            bytes_of({0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 7}));
  EXPECT_TRUE(serialize_for_key(T(type_id::int_), cql_value::null()).empty());
}

}  // namespace
}  // namespace cqlshift::sim::values_test
