// to_json / from_json / parse_json_object: Cassandra's JSON forms and errors.

#include "values_test_support.hpp"

#include <limits>

namespace cqlshift::sim::values_test {
namespace {

cql_value decode(const data_type& t, std::string_view json) {
  auto r = from_json(t, json, "c");
  EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().message);
  return r.has_value() ? *r : cql_value::null();
}

std::string decode_error(const data_type& t, std::string_view json) {
  auto r = from_json(t, json, "c");
  EXPECT_FALSE(r.has_value());
  if (r.has_value()) return "<no error>";
  EXPECT_EQ(r.error().code, protocol::error_code::invalid);
  return r.error().message;
}

TEST(ValuesJson, ScalarsAsCassandraWritesThem) {
  EXPECT_EQ(to_json(T(type_id::int_), cql_value{std::int32_t{-3}}), "-3");
  EXPECT_EQ(to_json(T(type_id::bigint), cql_value{std::int64_t{1'704'164'645'678}}),
            "1704164645678");
  EXPECT_EQ(to_json(T(type_id::varint),
                    cql_value{*protocol::varint_from_string("-123456789012345678901")}),
            "-123456789012345678901");
  EXPECT_EQ(
      to_json(T(type_id::decimal), cql_value{protocol::decimal_value{2, bytes_of({0x04, 0xD2})}}),
      "12.34");
  EXPECT_EQ(to_json(T(type_id::decimal), cql_value{protocol::decimal_value{-3, bytes_of({5})}}),
            "5E+3");
  EXPECT_EQ(to_json(T(type_id::decimal), cql_value{protocol::decimal_value{9, bytes_of({5})}}),
            "5E-9");
  EXPECT_EQ(to_json(T(type_id::double_), cql_value{1.5}), "1.5");
  EXPECT_EQ(to_json(T(type_id::double_), cql_value{1e10}), "1.0E10");
  EXPECT_EQ(to_json(T(type_id::double_), cql_value{100.0}), "100.0");
  EXPECT_EQ(to_json(T(type_id::double_), cql_value{std::numeric_limits<double>::quiet_NaN()}),
            "null");
  EXPECT_EQ(to_json(T(type_id::float_), cql_value{0.1f}), "0.1");
  EXPECT_EQ(to_json(T(type_id::boolean), cql_value{true}), "true");
  EXPECT_EQ(to_json(T(type_id::varchar), cql_value{std::string("a\"b\\c\n\x01/é")}),
            "\"a\\\"b\\\\c\\n\\u0001/é\"");
  EXPECT_EQ(to_json(T(type_id::timestamp), cql_value{std::int64_t{1'704'164'645'678}}),
            "\"2024-01-02 03:04:05.678Z\"");
  EXPECT_EQ(to_json(T(type_id::timestamp), cql_value{std::int64_t{-30'609'792'000'000}}),
            "\"1000-01-01 00:00:00.000Z\"");
  EXPECT_EQ(to_json(T(type_id::timestamp), cql_value{INT64_MAX}),
            "\"292278994-08-17 07:12:55.807Z\"");
  EXPECT_FALSE(to_json(T(type_id::timestamp), cql_value{INT64_MIN}).empty());
  EXPECT_EQ(to_json(T(type_id::date), cql_value{std::uint32_t{2'147'503'372}}), "\"2024-01-02\"");
  EXPECT_EQ(to_json(T(type_id::time), cql_value{std::int64_t{45'296'789'000'000}}),
            "\"12:34:56.789000000\"");
  EXPECT_EQ(to_json(T(type_id::uuid), cql_value{uuid_of("550e8400-e29b-41d4-a716-446655440000")}),
            "\"550e8400-e29b-41d4-a716-446655440000\"");
  EXPECT_EQ(to_json(T(type_id::inet),
                    cql_value{protocol::inet{
                        bytes_of({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 0}}),
            "\"0:0:0:0:0:0:0:1\"");
  EXPECT_EQ(to_json(T(type_id::blob), cql_value{bytes_of({0xCA, 0xFE})}), "\"0xcafe\"");
  EXPECT_EQ(
      to_json(T(type_id::duration), cql_value{protocol::duration_value{14, 3, 5'400'000'000'001}}),
      "\"1y2mo3d1h30m1ns\"");
  EXPECT_EQ(to_json(T(type_id::int_), cql_value::null()), "null");
  EXPECT_EQ(to_json(T(type_id::int_), cql_value::empty()), "\"\"");
}

TEST(ValuesJson, CollectionsTuplesAndUdts) {
  const cql_value one{std::int32_t{1}};
  const cql_value two{std::int32_t{2}};
  EXPECT_EQ(to_json(data_type::list_of(T(type_id::int_)), cql_value{cql_list{one, two}}), "[1, 2]");
  EXPECT_EQ(to_json(data_type::map_of(T(type_id::int_), T(type_id::varchar)),
                    cql_value{cql_map{{one, cql_value{std::string("a")}}}}),
            "{\"1\": \"a\"}");
  EXPECT_EQ(to_json(data_type::map_of(data_type::list_of(T(type_id::varchar)), T(type_id::int_)),
                    cql_value{cql_map{{cql_value{cql_list{cql_value{std::string("k")}}}, one}}}),
            "{\"[\\\"k\\\"]\": 1}");
  EXPECT_EQ(to_json(data_type::tuple_of({T(type_id::int_), T(type_id::varchar)}),
                    cql_value{cql_list{one, cql_value::null()}}),
            "[1, null]");
  EXPECT_EQ(to_json(udt_type({"street", "Zip"}, {T(type_id::varchar), T(type_id::int_)}),
                    cql_value{cql_list{cql_value{std::string("Main")}}}),
            "{\"street\": \"Main\", \"\\\"Zip\\\"\": null}");
}

TEST(ValuesJson, NumbersFromNumbersOrStrings) {
  EXPECT_EQ(decode(T(type_id::int_), "42"), cql_value{std::int32_t{42}});
  EXPECT_EQ(decode(T(type_id::int_), "\"42\""), cql_value{std::int32_t{42}});
  EXPECT_EQ(decode(T(type_id::bigint), "3000000000"), cql_value{std::int64_t{3'000'000'000}});
  EXPECT_EQ(decode(T(type_id::smallint), "7"), cql_value{std::int16_t{7}});
  EXPECT_EQ(decode(T(type_id::double_), "1"), cql_value{1.0});
  EXPECT_EQ(decode(T(type_id::float_), "0.1"), cql_value{0.1f});
  EXPECT_EQ(decode(T(type_id::int_), "null"), cql_value::null());
  EXPECT_EQ(decode_error(T(type_id::int_), "3000000000"),
            "Error decoding JSON value for c: Expected an int value, but got a Long: 3000000000");
  EXPECT_EQ(decode_error(T(type_id::int_), "1.5"),
            "Error decoding JSON value for c: Expected an int value, but got a Double: 1.5");
  EXPECT_EQ(decode_error(T(type_id::bigint), "true"),
            "Error decoding JSON value for c: Expected a bigint value, but got a Boolean: true");
  EXPECT_EQ(decode_error(T(type_id::smallint), "1.0"),
            "Error decoding JSON value for c: Unable to make short from '1.0'");
}

TEST(ValuesJson, VarintAndDecimalRoundTripExactly) {
  const std::string big = "-98765432109876543210987654321";
  const data_type varint = T(type_id::varint);
  const auto v = decode(varint, big);
  EXPECT_EQ(v, cql_value{*protocol::varint_from_string(big)});
  EXPECT_EQ(to_json(varint, v), big);
  const data_type dec = T(type_id::decimal);
  const auto d = decode(dec, "3.14159265358979323846264338327950288");
  EXPECT_EQ(to_json(dec, d), "3.14159265358979323846264338327950288");
  EXPECT_EQ(to_json(dec, decode(dec, "\"0.000001\"")), "0.000001");
  EXPECT_EQ(to_json(dec, decode(dec, "\"0.0000001\"")), "1E-7");
  EXPECT_EQ(decode_error(varint, "1.5"),
            "Error decoding JSON value for c: Value '1.5' is not a valid representation of a "
            "varint value");
}

TEST(ValuesJson, StringsTimesAndIds) {
  EXPECT_EQ(decode(T(type_id::varchar), "\"caf\\u00e9 \\ud83d\\ude00\""),
            cql_value{std::string("café \xF0\x9F\x98\x80")});
  EXPECT_EQ(decode(T(type_id::timestamp), "\"2024-01-02 03:04:05.678Z\""),
            cql_value{std::int64_t{1'704'164'645'678}});
  EXPECT_EQ(decode(T(type_id::timestamp), "1704164645678"),
            cql_value{std::int64_t{1'704'164'645'678}});
  // Jackson makes a small number an Integer, which TimestampType refuses.
  EXPECT_EQ(decode_error(T(type_id::timestamp), "1000"),
            "Error decoding JSON value for c: Expected a long or a datestring representation of "
            "a timestamp value, but got a Integer: 1000");
  EXPECT_EQ(decode(T(type_id::date), "\"2024-01-02\""), cql_value{std::uint32_t{2'147'503'372}});
  EXPECT_EQ(decode_error(T(type_id::date), "19000"),
            "Error decoding JSON value for c: Expected a string representation of a date value, "
            "but got a Integer: 19000");
  EXPECT_EQ(decode(T(type_id::blob), "\"0xcafe\""), cql_value{bytes_of({0xCA, 0xFE})});
  EXPECT_EQ(decode_error(T(type_id::blob), "\"cafe\""),
            "Error decoding JSON value for c: Value 'cafe' is not a valid blob representation: "
            "String representation of blob is missing 0x prefix: cafe");
  EXPECT_EQ(decode(T(type_id::boolean), "\"TRUE\""), cql_value{true});
  EXPECT_EQ(decode_error(T(type_id::varchar), "12"),
            "Error decoding JSON value for c: Expected a UTF-8 string, but got a Integer: 12");
}

TEST(ValuesJson, CollectionsFromJson) {
  const cql_value one{std::int32_t{1}};
  const cql_value two{std::int32_t{2}};
  EXPECT_EQ(decode(data_type::set_of(T(type_id::int_)), "[2, 1, 2]"),
            (cql_value{cql_list{one, two}}));
  EXPECT_EQ(decode(data_type::list_of(T(type_id::int_)), "\"[2, 1]\""),
            (cql_value{cql_list{two, one}}));
  EXPECT_EQ(
      decode(data_type::map_of(T(type_id::int_), T(type_id::varchar)),
             "{\"2\": \"b\", \"1\": \"a\"}"),
      (cql_value{cql_map{{one, cql_value{std::string("a")}}, {two, cql_value{std::string("b")}}}}));
  EXPECT_EQ(decode(data_type::tuple_of({T(type_id::int_), T(type_id::varchar)}), "[1]"),
            (cql_value{cql_list{one}}));
  const data_type udt = udt_type({"street", "zip"}, {T(type_id::varchar), T(type_id::int_)});
  EXPECT_EQ(decode(udt, "{\"ZIP\": 1}"), (cql_value{cql_list{cql_value::null(), one}}));
  EXPECT_EQ(decode_error(udt, "{\"city\": \"x\"}"),
            "Error decoding JSON value for c: Unknown field 'city' in value of user defined type "
            "address");
  EXPECT_EQ(decode_error(data_type::list_of(T(type_id::int_)), "[1, null]"),
            "Error decoding JSON value for c: Invalid null element in list");
  EXPECT_EQ(decode_error(data_type::list_of(T(type_id::int_)), "{}"),
            "Error decoding JSON value for c: Expected a list, but got a LinkedHashMap: {}");
  EXPECT_EQ(decode_error(data_type::tuple_of({T(type_id::int_)}), "[1, 2]"),
            "Error decoding JSON value for c: Tuple contains extra items (expected 1): [1, 2]");
}

TEST(ValuesJson, RoundTripThroughToJson) {
  const data_type t =
      data_type::map_of(T(type_id::timestamp), data_type::list_of(T(type_id::double_)));
  const cql_value v{
      cql_map{{cql_value{std::int64_t{1'704'164'645'678}}, cql_value{cql_list{cql_value{0.1}}}}}};
  EXPECT_EQ(decode(t, to_json(t, v)), v);
}

TEST(ValuesJsonObject, MembersInOrderWithCassandrasNameRules) {
  auto r = parse_json_object(R"({"Id": 1, "\"Name\"": "x", "tags": [1, {"a": null}], "id": 2})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0], (std::pair<std::string, std::string>{"id", "2"}));
  EXPECT_EQ((*r)[1], (std::pair<std::string, std::string>{"Name", "\"x\""}));
  EXPECT_EQ((*r)[2], (std::pair<std::string, std::string>{"tags", "[1, {\"a\": null}]"}));
}

TEST(ValuesJsonObject, MalformedJsonIsInvalidRequest) {
  for (std::string_view bad : {"", "{", "{\"a\": }", "{\"a\" 1}", "{'a': 1}", "{\"a\": 01}",
                               "{\"a\": tru}", "{\"a\": \"\x01\"}", "[1, 2]", "42"}) {
    auto r = parse_json_object(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, protocol::error_code::invalid);
    EXPECT_EQ(r.error().message.rfind("Could not decode JSON string as a map: ", 0), 0u)
        << r.error().message;
  }
  EXPECT_EQ(parse_json_object("null").error().message, "Got null for INSERT JSON values");
  // As Jackson: a number at the root must end at a space or the end of the input.
  EXPECT_EQ(from_json(T(type_id::int_), " 12 ", "c").value(), cql_value{std::int32_t{12}});
  EXPECT_FALSE(from_json(T(type_id::int_), "12x", "c").has_value());
}

TEST(ValuesJsonObject, HostileInputNeverCrashes) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  EXPECT_FALSE(parse_json_object("{\"a\": " + deep + "}").has_value());
  EXPECT_FALSE(from_json(data_type::list_of(T(type_id::int_)), deep, "c").has_value());
  EXPECT_FALSE(from_json(T(type_id::varint), std::string(200'000, '7'), "c").has_value());
  EXPECT_FALSE(from_json(T(type_id::varchar), "\"\\ud800", "c").has_value());
  EXPECT_EQ(from_json(T(type_id::varchar), "\"\\ud800x\"", "c").value(),
            cql_value{std::string("\xEF\xBF\xBDx")});
}

}  // namespace
}  // namespace cqlshift::sim::values_test
