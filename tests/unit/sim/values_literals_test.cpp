// evaluate() of constants, collections, tuples, UDT literals and type hints, with Cassandra's
// values and error messages.

#include "values_test_support.hpp"

namespace cqlshift::sim::values_test {
namespace {

TEST(ValuesLiteral, IntegerConstantForEveryIntegerType) {
  EXPECT_EQ(value_of(integer("-7"), T(type_id::tinyint)), cql_value{std::int8_t{-7}});
  EXPECT_EQ(value_of(integer("300"), T(type_id::smallint)), cql_value{std::int16_t{300}});
  EXPECT_EQ(value_of(integer("42"), T(type_id::int_)), cql_value{std::int32_t{42}});
  EXPECT_EQ(value_of(integer("9223372036854775807"), T(type_id::bigint)),
            cql_value{std::int64_t{INT64_MAX}});
  EXPECT_EQ(value_of(integer("5"), T(type_id::counter)), cql_value{std::int64_t{5}});
  EXPECT_EQ(value_of(integer("1704164645678"), T(type_id::timestamp)),
            cql_value{std::int64_t{1'704'164'645'678}});
  EXPECT_EQ(value_of(integer("12"), T(type_id::double_)), cql_value{12.0});
  EXPECT_EQ(value_of(integer("12"), T(type_id::float_)), cql_value{12.0f});
}

TEST(ValuesLiteral, IntegerOutOfRangeIsCassandrasMarshalError) {
  EXPECT_EQ(error_of(integer("99999999999"), T(type_id::int_)),
            "Unable to make int from '99999999999'");
  EXPECT_EQ(error_of(integer("128"), T(type_id::tinyint)), "Unable to make byte from '128'");
  EXPECT_EQ(error_of(integer("40000"), T(type_id::smallint)), "Unable to make short from '40000'");
  EXPECT_EQ(error_of(integer("9223372036854775808"), T(type_id::bigint)),
            "Unable to make long from '9223372036854775808'");
}

TEST(ValuesLiteral, ConstantOfTheWrongKindNamesReceiverAndType) {
  EXPECT_EQ(error_of(str("abc"), T(type_id::int_), "age"),
            "Invalid STRING constant (abc) for \"age\" of type int");
  EXPECT_EQ(error_of(integer("1"), T(type_id::varchar)),
            "Invalid INTEGER constant (1) for \"c\" of type text");
  EXPECT_EQ(error_of(floating("1.5"), T(type_id::int_)),
            "Invalid FLOAT constant (1.5) for \"c\" of type int");
  EXPECT_EQ(error_of(boolean(true), T(type_id::int_)),
            "Invalid BOOLEAN constant (true) for \"c\" of type int");
  EXPECT_EQ(error_of(blob("0x01"), T(type_id::varchar)),
            "Invalid HEX constant (0x01) for \"c\" of type text");
  EXPECT_EQ(error_of(integer("1"), data_type::list_of(T(type_id::int_)), "l"),
            "Invalid INTEGER constant (1) for \"l\" of type list<int>");
  // Cassandra reads no number out of a string literal.
  EXPECT_EQ(error_of(str("12"), T(type_id::bigint)),
            "Invalid STRING constant (12) for \"c\" of type bigint");
  EXPECT_EQ(
      error_of(str("550e8400-e29b-41d4-a716-446655440000"), T(type_id::uuid)),
      "Invalid STRING constant (550e8400-e29b-41d4-a716-446655440000) for \"c\" of type uuid");
}

TEST(ValuesLiteral, VarintAndDecimalAreExact) {
  const std::string big = "123456789012345678901234567890";
  EXPECT_EQ(value_of(integer(big), T(type_id::varint)),
            cql_value{*protocol::varint_from_string(big)});
  EXPECT_EQ(value_of(integer("-5"), T(type_id::varint)), cql_value{bytes_of({0xFB})});
  EXPECT_EQ(value_of(floating("3.14159265358979323846"), T(type_id::decimal)),
            (cql_value{protocol::decimal_value{
                20, *protocol::varint_from_string("314159265358979323846")}}));
  EXPECT_EQ(value_of(floating("1.5E+3"), T(type_id::decimal)),
            (cql_value{protocol::decimal_value{-2, bytes_of({15})}}));
  EXPECT_EQ(value_of(integer("10"), T(type_id::decimal)),
            (cql_value{protocol::decimal_value{0, bytes_of({10})}}));
}

TEST(ValuesLiteral, FloatingConstants) {
  EXPECT_EQ(value_of(floating("1.5"), T(type_id::double_)), cql_value{1.5});
  EXPECT_EQ(value_of(floating("-1e3"), T(type_id::float_)), cql_value{-1000.0f});
  const auto nan = value_of(floating("NaN"), T(type_id::double_));
  ASSERT_TRUE(std::holds_alternative<double>(nan.v));
  EXPECT_TRUE(std::isnan(std::get<double>(nan.v)));
  EXPECT_EQ(value_of(floating("-Infinity"), T(type_id::double_)),
            cql_value{-std::numeric_limits<double>::infinity()});
}

TEST(ValuesLiteral, StringConstants) {
  EXPECT_EQ(value_of(str("héllo"), T(type_id::varchar)), cql_value{std::string("héllo")});
  EXPECT_EQ(value_of(str("plain"), T(type_id::ascii)), cql_value{std::string("plain")});
  EXPECT_EQ(error_of(str("héllo"), T(type_id::ascii)),
            "Invalid ASCII character in string literal: "
            "java.nio.charset.UnmappableCharacterException: Input length = 1");
}

TEST(ValuesLiteral, TimestampFromEveryAcceptedForm) {
  const data_type ts = T(type_id::timestamp);
  const cql_value expected{std::int64_t{1'704'164'645'678}};
  EXPECT_EQ(value_of(str("2024-01-02 03:04:05.678+0000"), ts), expected);
  EXPECT_EQ(value_of(str("2024-01-02T03:04:05.678Z"), ts), expected);
  EXPECT_EQ(value_of(str("2024-01-02 03:04:05.678"), ts), expected);  // the server zone: UTC
  EXPECT_EQ(value_of(str("2024-01-02T03:04:05.678+00:00"), ts), expected);
  EXPECT_EQ(value_of(str("2024-01-02 04:04:05.678 +0100"), ts), expected);
  EXPECT_EQ(value_of(str("2024-01-02 04:04:05.678 GMT+1:00"), ts), expected);
  EXPECT_EQ(value_of(str("2024-01-01 22:04:05.678 EST"), ts), expected);
  EXPECT_EQ(value_of(str("2024-01-02 03:04:05.678 UTC"), ts), expected);
  EXPECT_EQ(value_of(str("1704164645678"), ts), expected);
  EXPECT_EQ(value_of(str("2011-02-03 04:05"), ts), cql_value{std::int64_t{1'296'705'900'000}});
  EXPECT_EQ(value_of(str("2011-02-03"), ts), cql_value{std::int64_t{1'296'691'200'000}});
  EXPECT_EQ(value_of(str("2011-02-03+0000"), ts), cql_value{std::int64_t{1'296'691'200'000}});
  EXPECT_EQ(value_of(str("2024-01-02 03:04:05+01"), ts),
            cql_value{std::int64_t{1'704'161'045'000}});
  // FastDateParser reads ".5" as 5 milliseconds, not 500.
  EXPECT_EQ(value_of(str("2011-02-03 04:05:00.5"), ts), cql_value{std::int64_t{1'296'705'900'005}});
  // Before 1582-10-15 java.util.GregorianCalendar counts Julian days.
  EXPECT_EQ(value_of(str("1000-01-01 00:00:00+0000"), ts),
            cql_value{std::int64_t{-30'609'792'000'000}});
  // "now" is the statement's time; the empty string is the empty value.
  EXPECT_EQ(value_of(str("now"), ts), cql_value{std::int64_t{1'704'164'645'678}});
  EXPECT_EQ(value_of(str(""), ts), cql_value::empty());
}

TEST(ValuesLiteral, TimestampRejectsWhatTheCalendarRejects) {
  const data_type ts = T(type_id::timestamp);
  EXPECT_EQ(error_of(str("2024-02-30"), ts),
            "Unable to coerce '2024-02-30' to a formatted date (long)");
  EXPECT_EQ(error_of(str("2024-01-02 24:00"), ts),
            "Unable to coerce '2024-01-02 24:00' to a formatted date (long)");
  EXPECT_EQ(error_of(str("2024-01-02 03:04:05.1234"), ts),
            "Unable to coerce '2024-01-02 03:04:05.1234' to a formatted date (long)");
  EXPECT_EQ(error_of(str("yesterday"), ts),
            "Unable to coerce 'yesterday' to a formatted date (long)");
  EXPECT_EQ(error_of(str("99999999999999999999"), ts),
            "Unable to make long (for date) from: '99999999999999999999'");
}

TEST(ValuesLiteral, DateFromStringOrDayNumber) {
  const data_type date = T(type_id::date);
  EXPECT_EQ(value_of(str("2024-01-02"), date), cql_value{std::uint32_t{2'147'503'372}});
  EXPECT_EQ(value_of(str("2147483648"), date), cql_value{std::uint32_t{2'147'483'648}});
  EXPECT_EQ(value_of(integer("100"), date), cql_value{std::uint32_t{100}});
  EXPECT_EQ(value_of(str("-0001-01-01"), date),
            cql_value{static_cast<std::uint32_t>((std::int64_t{1} << 31) - 719'893)});
  EXPECT_EQ(error_of(str("2024-1-2"), date),
            "Unable to coerce '2024-1-2' to a formatted date (long)");
  EXPECT_EQ(error_of(str("2023-02-29"), date),
            "Unable to coerce '2023-02-29' to a formatted date (long)");
  EXPECT_EQ(error_of(str("4294967296"), date),
            "Unable to make unsigned int (for date) from: '4294967296'");
  EXPECT_EQ(error_of(str("+9999999-01-01"), date),
            "Input date +9999999-01-01 is greater than max supported date "
            "+5881580-07-11T00:00Z");
}

TEST(ValuesLiteral, TimeFromStringOrNanoseconds) {
  const data_type time = T(type_id::time);
  EXPECT_EQ(value_of(str("12:34:56"), time), cql_value{std::int64_t{45'296'000'000'000}});
  EXPECT_EQ(value_of(str("12:34:56.789"), time), cql_value{std::int64_t{45'296'789'000'000}});
  EXPECT_EQ(value_of(str(" 00:00:00.000000001 "), time), cql_value{std::int64_t{1}});
  EXPECT_EQ(value_of(integer("1000"), time), cql_value{std::int64_t{1000}});
  EXPECT_EQ(error_of(str("24:00:00"), time),
            "(TimeType) Unable to coerce '24:00:00' to a formatted time (long)");
  EXPECT_EQ(error_of(str("12:34"), time),
            "(TimeType) Unable to coerce '12:34' to a formatted time (long)");
  EXPECT_EQ(error_of(str("86400000000000"), time),
            "Unable to make long (for time) from: '86400000000000'");
}

TEST(ValuesLiteral, InetAddresses) {
  const data_type inet = T(type_id::inet);
  EXPECT_EQ(value_of(str("10.1.2.3"), inet),
            (cql_value{protocol::inet{bytes_of({10, 1, 2, 3}), 0}}));
  EXPECT_EQ(
      value_of(str("::1"), inet),
      (cql_value{protocol::inet{bytes_of({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 0}}));
  // Java turns an IPv4-mapped address into the IPv4 one.
  EXPECT_EQ(value_of(str("::ffff:1.2.3.4"), inet),
            (cql_value{protocol::inet{bytes_of({1, 2, 3, 4}), 0}}));
  EXPECT_EQ(error_of(str("1.2.3.256"), inet), "Unable to make inet address from '1.2.3.256'");
  EXPECT_EQ(error_of(str("db.example"), inet), "Unable to make inet address from 'db.example'");
}

TEST(ValuesLiteral, UuidsAndTimeuuids) {
  const std::string v4 = "550e8400-e29b-41d4-a716-446655440000";
  const std::string v1 = "e833ad5e-e59f-11f1-8b12-02fc00000001";
  EXPECT_EQ(value_of(uuid_literal(v4), T(type_id::uuid)), cql_value{uuid_of(v4)});
  EXPECT_EQ(value_of(uuid_literal(v1), T(type_id::uuid)), cql_value{uuid_of(v1)});
  EXPECT_EQ(value_of(uuid_literal(v1), T(type_id::timeuuid)), cql_value{uuid_of(v1)});
  EXPECT_EQ(error_of(uuid_literal(v4), T(type_id::timeuuid)),
            "TimeUUID supports only version 1 UUIDs");
}

TEST(ValuesLiteral, BlobsBooleansDurations) {
  EXPECT_EQ(value_of(blob("0xCAFE"), T(type_id::blob)), cql_value{bytes_of({0xCA, 0xFE})});
  EXPECT_EQ(value_of(blob("0x"), T(type_id::blob)), cql_value{protocol::bytes{}});
  EXPECT_EQ(error_of(blob("0xABC"), T(type_id::blob)), "cannot parse 'ABC' as hex bytes");
  EXPECT_EQ(value_of(boolean(false), T(type_id::boolean)), cql_value{false});
  EXPECT_EQ(value_of(duration("1h30m"), T(type_id::duration)),
            (cql_value{protocol::duration_value{0, 0, 5'400'000'000'000}}));
  EXPECT_EQ(value_of(duration("-2y3mo1w2d"), T(type_id::duration)),
            (cql_value{protocol::duration_value{-27, -9, 0}}));
  EXPECT_EQ(value_of(duration("P1Y2M3DT4H5M6S"), T(type_id::duration)),
            (cql_value{protocol::duration_value{14, 3, 14'706'000'000'000}}));
  EXPECT_EQ(value_of(duration("P2W"), T(type_id::duration)),
            (cql_value{protocol::duration_value{0, 14, 0}}));
  EXPECT_EQ(value_of(duration("P0001-02-03T04:05:06"), T(type_id::duration)),
            (cql_value{protocol::duration_value{14, 3, 14'706'000'000'000}}));
  EXPECT_EQ(value_of(duration("1\xC2\xB5s"), T(type_id::duration)),
            (cql_value{protocol::duration_value{0, 0, 1000}}));
  EXPECT_EQ(error_of(duration("1m1h"), T(type_id::duration)),
            "Invalid duration. The minutes should be after hours");
  EXPECT_EQ(error_of(duration("1h1h"), T(type_id::duration)),
            "Invalid duration. The hours are specified multiple times");
  EXPECT_EQ(error_of(duration("3000000000mo"), T(type_id::duration)),
            "Invalid duration. The total number of months must be less or equal to 2147483647");
}

TEST(ValuesLiteral, NullAndCounters) {
  EXPECT_EQ(value_of(null_term(), T(type_id::int_)), cql_value::null());
  EXPECT_EQ(error_of(null_term(), T(type_id::counter)),
            "Invalid null value for counter increment/decrement");
}

TEST(ValuesCollection, ListKeepsOrderAndDuplicates) {
  const auto v = value_of(collection(term_kind::list, {integer("3"), integer("1"), integer("3")}),
                          data_type::list_of(T(type_id::int_)));
  EXPECT_EQ(v, (cql_value{cql_list{cql_value{std::int32_t{3}}, cql_value{std::int32_t{1}},
                                   cql_value{std::int32_t{3}}}}));
}

TEST(ValuesCollection, SetIsSortedAndDeduplicated) {
  const auto v = value_of(collection(term_kind::set, {str("b"), str("a"), str("b"), str("ab")}),
                          data_type::set_of(T(type_id::varchar)));
  EXPECT_EQ(v, (cql_value{cql_list{cql_value{std::string("a")}, cql_value{std::string("ab")},
                                   cql_value{std::string("b")}}}));
}

TEST(ValuesCollection, MapIsSortedByKeyAndTheLastValueWins) {
  const auto v = value_of(collection(term_kind::map, {integer("2"), str("x"), integer("1"),
                                                      str("y"), integer("2"), str("z")}),
                          data_type::map_of(T(type_id::int_), T(type_id::varchar)));
  EXPECT_EQ(v, (cql_value{cql_map{{cql_value{std::int32_t{1}}, cql_value{std::string("y")}},
                                  {cql_value{std::int32_t{2}}, cql_value{std::string("z")}}}}));
}

TEST(ValuesCollection, EmptyBracesFitMapsAndSets) {
  const term empty = collection(term_kind::map, {});
  EXPECT_EQ(value_of(empty, data_type::map_of(T(type_id::int_), T(type_id::int_))),
            cql_value{cql_map{}});
  EXPECT_EQ(value_of(empty, data_type::set_of(T(type_id::int_))), cql_value{cql_list{}});
  EXPECT_EQ(error_of(empty, T(type_id::int_)), "Invalid set literal for c of type int");
}

TEST(ValuesCollection, ErrorsAsCassandra) {
  const data_type list_int = data_type::list_of(T(type_id::int_));
  EXPECT_EQ(error_of(collection(term_kind::list, {integer("1")}), T(type_id::int_), "l"),
            "Invalid list literal for l of type int");
  EXPECT_EQ(error_of(collection(term_kind::list, {str("a")}), list_int, "l"),
            "Invalid list literal for l: value 'a' is not of type int");
  EXPECT_EQ(error_of(collection(term_kind::list, {null_term()}), list_int, "l"),
            "null is not supported inside collections");
  EXPECT_EQ(error_of(collection(term_kind::list, {marker(0)}), list_int, "l"),
            "Invalid list literal for l: bind variables are not supported inside collection "
            "literals");
  EXPECT_EQ(
      error_of(collection(term_kind::set, {str("a")}), data_type::set_of(T(type_id::int_)), "s"),
      "Invalid set literal for s: value 'a' is not of type int");
  EXPECT_EQ(error_of(collection(term_kind::map, {str("k"), integer("1")}),
                     data_type::map_of(T(type_id::int_), T(type_id::int_)), "m"),
            "Invalid map literal for m: key 'k' is not of type int");
  EXPECT_EQ(error_of(collection(term_kind::map, {integer("1"), str("v")}),
                     data_type::map_of(T(type_id::int_), T(type_id::int_)), "m"),
            "Invalid map literal for m: value 'v' is not of type int");
  // Element errors name the element receiver.
  EXPECT_EQ(error_of(collection(term_kind::list, {integer("1"), integer("99999999999")}), list_int),
            "Unable to make int from '99999999999'");
}

TEST(ValuesCollection, FrozenCollectionsNestSorted) {
  const data_type t = data_type::set_of(data_type::set_of(T(type_id::int_)));
  const auto v =
      value_of(collection(term_kind::set, {collection(term_kind::set, {integer("2"), integer("1")}),
                                           collection(term_kind::set, {integer("0")})}),
               t);
  const cql_value one{std::int32_t{1}};
  EXPECT_EQ(v, (cql_value{cql_list{cql_value{cql_list{cql_value{std::int32_t{0}}}},
                                   cql_value{cql_list{one, cql_value{std::int32_t{2}}}}}}));
}

TEST(ValuesTuple, FieldByFieldWithNullsAndMarkers) {
  const data_type t = data_type::tuple_of({T(type_id::int_), T(type_id::varchar)});
  EXPECT_EQ(value_of(collection(term_kind::tuple, {integer("1"), null_term()}), t),
            (cql_value{cql_list{cql_value{std::int32_t{1}}, cql_value::null()}}));
  context c;
  c.bound.push_back(protocol::value::of(protocol::encode_text("x")));
  auto r = evaluate(collection(term_kind::tuple, {integer("1"), marker(0)}), t, "t", c.get());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->value,
            (cql_value{cql_list{cql_value{std::int32_t{1}}, cql_value{std::string("x")}}}));
  EXPECT_EQ(error_of(collection(term_kind::tuple, {integer("1"), str("a"), integer("2")}), t, "t"),
            "Invalid tuple literal for t: too many elements. Type frozen<tuple<int, text>> "
            "expects 2 but got 3");
  EXPECT_EQ(error_of(collection(term_kind::tuple, {str("a"), str("b")}), t, "t"),
            "Invalid tuple literal for t: component 0 is not of type int");
  EXPECT_EQ(error_of(collection(term_kind::tuple, {integer("1"), str("b")}), T(type_id::int_), "t"),
            "Invalid tuple type literal for t of type int");
}

TEST(ValuesUdt, FieldsByNameInTypeOrder) {
  const data_type t = udt_type({"street", "zip"}, {T(type_id::varchar), T(type_id::int_)});
  EXPECT_EQ(value_of(udt_literal({"zip", "street"}, {integer("75001"), str("Main")}), t),
            (cql_value{cql_list{cql_value{std::string("Main")}, cql_value{std::int32_t{75001}}}}));
  EXPECT_EQ(value_of(udt_literal({"zip"}, {integer("1")}), t),
            (cql_value{cql_list{cql_value::null(), cql_value{std::int32_t{1}}}}));
  EXPECT_EQ(error_of(udt_literal({"city"}, {str("Paris")}), t, "a"),
            "Unknown field 'city' in value of user defined type address");
  EXPECT_EQ(error_of(udt_literal({"zip"}, {str("x")}), t, "a"),
            "Invalid user type literal for a: field zip is not of type int");
  EXPECT_EQ(error_of(udt_literal({"zip"}, {integer("1")}), T(type_id::int_), "a"),
            "Invalid user type literal for a of type int");
}

TEST(ValuesTypeHint, HintThenReceiverType) {
  EXPECT_EQ(value_of(type_hint("bigint", integer("5")), T(type_id::bigint)),
            cql_value{std::int64_t{5}});
  EXPECT_EQ(error_of(type_hint("int", str("a")), T(type_id::int_)),
            "Cannot cast value 'a' to type int");
  EXPECT_EQ(error_of(type_hint("int", integer("1")), T(type_id::varchar)),
            "Cannot assign value (int)1 to c of type text");
}

TEST(ValuesHostile, DeepNestingAndHugeNumbersNeverCrash) {
  // Built by moving: each level wraps the previous one.
  const auto wrap = [](term inner, term_kind kind, std::string name) {
    term outer;
    outer.kind = kind;
    outer.text = std::move(name);
    outer.items.push_back(std::move(inner));
    return outer;
  };
  term deep = integer("1");
  data_type type = T(type_id::int_);
  for (int k = 0; k < 5000; ++k) {
    deep = wrap(std::move(deep), term_kind::list, "");
    if (k < 60) type = data_type::list_of(type);
  }
  EXPECT_FALSE(eval(deep, type).has_value());
  term calls = integer("1");
  for (int k = 0; k < 5000; ++k)
    calls = wrap(std::move(calls), term_kind::function, "totimestamp");
  EXPECT_FALSE(eval(calls, T(type_id::timestamp)).has_value());
  const std::string huge(100'000, '9');
  EXPECT_FALSE(eval(integer(huge), T(type_id::varint)).has_value());
  EXPECT_FALSE(eval(floating(huge + ".5"), T(type_id::decimal)).has_value());
  EXPECT_FALSE(eval(floating("1e99999999999"), T(type_id::decimal)).has_value());
  EXPECT_EQ(value_of(floating("1e400"), T(type_id::double_)),
            cql_value{std::numeric_limits<double>::infinity()});
  EXPECT_FALSE(eval(str(std::string(50'000, '1') + "-01-01"), T(type_id::timestamp)).has_value());
  EXPECT_FALSE(eval(duration(std::string(40, '9') + "h"), T(type_id::duration)).has_value());
}

TEST(ValuesText, TypeNamesAndTermTexts) {
  EXPECT_EQ(
      cql_type_name(data_type::map_of(T(type_id::varchar), data_type::list_of(T(type_id::int_)))),
      "map<text, frozen<list<int>>>");
  EXPECT_EQ(cql_type_name(udt_type({"a"}, {T(type_id::int_)})), "address");
  EXPECT_EQ(describe_term(collection(term_kind::map, {str("a"), integer("1")})), "{'a': 1}");
  EXPECT_EQ(describe_term(call("totimestamp", {call("now")})), "totimestamp(now())");
  EXPECT_EQ(describe_term(marker(3)), "?");
}

}  // namespace
}  // namespace cqlshift::sim::values_test
