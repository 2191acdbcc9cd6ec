// evaluate() of bind markers and native function calls; apply_function, function_type and
// cast_value for selectors.

#include "values_test_support.hpp"

namespace cqlshift::sim::values_test {
namespace {

constexpr std::int64_t now_millis = 1'704'164'645'678;

sim_result<evaluated> eval_bound(const term& t, const data_type& type, protocol::value v,
                                 protocol::protocol_version pv = protocol::protocol_version::v4) {
  context c;
  c.bound.push_back(std::move(v));
  c.ctx.version = pv;
  return evaluate(t, type, "c", c.get());
}

TEST(ValuesMarker, DecodesWithTheReceiverType) {
  auto r = eval_bound(marker(0), T(type_id::int_), protocol::value::of(protocol::encode_int(7)));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->value, cql_value{std::int32_t{7}});
  EXPECT_FALSE(r->unset);
}

TEST(ValuesMarker, NullAndUnset) {
  auto null = eval_bound(marker(0), T(type_id::int_), protocol::value::null_value());
  ASSERT_TRUE(null.has_value());
  EXPECT_TRUE(null->value.is_null());
  EXPECT_FALSE(null->unset);
  auto unset = eval_bound(marker(0), T(type_id::int_), protocol::value::unset_value());
  ASSERT_TRUE(unset.has_value());
  EXPECT_TRUE(unset->unset);
}

TEST(ValuesMarker, WrongSizeIsTheSerializersMessage) {
  auto r = eval_bound(marker(0), T(type_id::int_), protocol::value::of(bytes_of({1, 2, 3})));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, protocol::error_code::invalid);
  EXPECT_EQ(r.error().message, "Expected 4 or 0 byte int (3)");
  auto ts = eval_bound(marker(0), T(type_id::timestamp), protocol::value::of(bytes_of({1})));
  EXPECT_EQ(ts.error().message, "Expected 8 or 0 byte long for date (1)");
  auto text = eval_bound(marker(0), T(type_id::varchar), protocol::value::of(bytes_of({0xFF})));
  EXPECT_EQ(text.error().message, "String didn't validate.");
  auto list = eval_bound(marker(0), data_type::list_of(T(type_id::int_)),
                         protocol::value::of(bytes_of({0, 0, 0, 1, 0, 0, 0, 2, 1, 2})));
  EXPECT_EQ(list.error().message, "Expected 4 or 0 byte int (2)");
  auto truncated = eval_bound(marker(0), data_type::list_of(T(type_id::int_)),
                              protocol::value::of(bytes_of({0, 0})));
  EXPECT_EQ(truncated.error().message, "Not enough bytes to read a list");
}

TEST(ValuesMarker, BoundSetsAndMapsAreSorted) {
  const data_type set_int = data_type::set_of(T(type_id::int_));
  auto wire = protocol::encode_value(
      set_int,
      cql_value{cql_list{cql_value{std::int32_t{3}}, cql_value{std::int32_t{1}},
                         cql_value{std::int32_t{3}}}},
      protocol::protocol_version::v4);
  ASSERT_TRUE(wire.has_value());
  auto r = eval_bound(marker(0), set_int, protocol::value::of(*wire));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->value,
            (cql_value{cql_list{cql_value{std::int32_t{1}}, cql_value{std::int32_t{3}}}}));
}

TEST(ValuesMarker, ProtocolV2CollectionLayout) {
  const data_type list_int = data_type::list_of(T(type_id::int_));
  auto wire = protocol::encode_value(list_int, cql_value{cql_list{cql_value{std::int32_t{5}}}},
                                     protocol::protocol_version::v2);
  ASSERT_TRUE(wire.has_value());
  auto r =
      eval_bound(marker(0), list_int, protocol::value::of(*wire), protocol::protocol_version::v2);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->value, (cql_value{cql_list{cql_value{std::int32_t{5}}}}));
}

TEST(ValuesMarker, MissingBoundValueIsAnError) {
  EXPECT_FALSE(eval(marker(4), T(type_id::int_)).has_value());
}

TEST(ValuesFunction, NowGivesDistinctTimeuuidsOfTheStatementTime) {
  context c;
  auto a = evaluate(call("now"), T(type_id::timeuuid), "c", c.get());
  auto b = evaluate(call("currenttimeuuid"), T(type_id::timeuuid), "c", c.get());
  ASSERT_TRUE(a.has_value() && b.has_value());
  const auto& ua = std::get<protocol::uuid>(a->value.v);
  const auto& ub = std::get<protocol::uuid>(b->value.v);
  EXPECT_NE(ua, ub);
  EXPECT_EQ(protocol::uuid_version(ua), 1);
  EXPECT_EQ(protocol::timeuuid_unix_millis(ua), now_millis);
  EXPECT_LT(compare(T(type_id::timeuuid), a->value, b->value), 0);
  // A uuid column takes a timeuuid.
  EXPECT_TRUE(evaluate(call("now"), T(type_id::uuid), "c", c.get()).has_value());
}

TEST(ValuesFunction, UuidIsRandomVersion4) {
  const auto a = value_of(call("uuid"), T(type_id::uuid));
  const auto b = value_of(call("uuid"), T(type_id::uuid));
  EXPECT_NE(a, b);
  EXPECT_EQ(protocol::uuid_version(std::get<protocol::uuid>(a.v)), 4);
  EXPECT_EQ(std::get<protocol::uuid>(a.v)[8] & 0xC0, 0x80);
}

TEST(ValuesFunction, CurrentTimeFunctions) {
  EXPECT_EQ(value_of(call("currenttimestamp"), T(type_id::timestamp)), cql_value{now_millis});
  EXPECT_EQ(value_of(call("currentdate"), T(type_id::date)),
            cql_value{std::uint32_t{2'147'503'372}});
  EXPECT_EQ(value_of(call("currenttime"), T(type_id::time)),
            cql_value{std::int64_t{((3 * 60 + 4) * 60 + 5) * 1'000'000'000LL + 678'901'000}});
}

TEST(ValuesFunction, TimeConversions) {
  EXPECT_EQ(value_of(call("totimestamp", {call("now")}), T(type_id::timestamp)),
            cql_value{now_millis});
  EXPECT_EQ(value_of(call("tounixtimestamp", {call("now")}), T(type_id::bigint)),
            cql_value{now_millis});
  EXPECT_EQ(value_of(call("dateof", {call("now")}), T(type_id::timestamp)), cql_value{now_millis});
  EXPECT_EQ(value_of(call("unixtimestampof", {call("now")}), T(type_id::bigint)),
            cql_value{now_millis});
  EXPECT_EQ(value_of(call("todate", {call("now")}), T(type_id::date)),
            cql_value{std::uint32_t{2'147'503'372}});
  EXPECT_EQ(
      value_of(call("totimestamp", {type_hint("date", str("2024-01-02"))}), T(type_id::timestamp)),
      cql_value{std::int64_t{1'704'153'600'000}});
  // A timestamp function into a bigint column: value-compatible types.
  EXPECT_EQ(value_of(call("totimestamp", {call("now")}), T(type_id::bigint)),
            cql_value{now_millis});
}

TEST(ValuesFunction, MinAndMaxTimeuuid) {
  const auto min =
      value_of(call("mintimeuuid", {str("2024-01-02 03:04:05.678+0000")}), T(type_id::timeuuid));
  const auto max =
      value_of(call("maxtimeuuid", {str("2024-01-02 03:04:05.678+0000")}), T(type_id::timeuuid));
  const auto& umin = std::get<protocol::uuid>(min.v);
  const auto& umax = std::get<protocol::uuid>(max.v);
  EXPECT_EQ(protocol::timeuuid_unix_millis(umin), now_millis);
  EXPECT_EQ(protocol::timeuuid_unix_millis(umax), now_millis);
  EXPECT_EQ(protocol::timeuuid_ticks(umax) - protocol::timeuuid_ticks(umin), 9999);
  EXPECT_EQ(umin[8], 0x80);
  EXPECT_EQ(umax[15], 0x7F);
  context c;
  auto now = evaluate(call("now"), T(type_id::timeuuid), "c", c.get());
  EXPECT_LT(compare(T(type_id::timeuuid), min, now->value), 0);
  EXPECT_LT(compare(T(type_id::timeuuid), now->value, max), 0);
}

TEST(ValuesFunction, BlobConversions) {
  EXPECT_EQ(value_of(call("textasblob", {str("hi")}), T(type_id::blob)),
            cql_value{bytes_of({'h', 'i'})});
  EXPECT_EQ(value_of(call("intasblob", {integer("1")}), T(type_id::blob)),
            cql_value{bytes_of({0, 0, 0, 1})});
  EXPECT_EQ(value_of(call("bigintasblob", {integer("1")}), T(type_id::blob)),
            cql_value{bytes_of({0, 0, 0, 0, 0, 0, 0, 1})});
  EXPECT_EQ(value_of(call("blobastext", {blob("0x6869")}), T(type_id::varchar)),
            cql_value{std::string("hi")});
  EXPECT_EQ(value_of(call("blobasint", {blob("0x0000002a")}), T(type_id::int_)),
            cql_value{std::int32_t{42}});
  EXPECT_EQ(error_of(call("blobasint", {blob("0x0102")}), T(type_id::int_)),
            "In call to function system.blobasint, value 0x0102 is not a valid binary "
            "representation for type int");
}

TEST(ValuesFunction, ResolutionErrorsAsCassandra) {
  EXPECT_EQ(error_of(call("nosuch"), T(type_id::int_)), "Unknown function nosuch called");
  EXPECT_EQ(error_of(call("now", {integer("1")}), T(type_id::timeuuid)),
            "Invalid number of arguments in call to function system.now: 0 required but 1 "
            "provided");
  EXPECT_EQ(error_of(call("textasblob", {integer("1")}), T(type_id::blob)),
            "Type error: 1 cannot be passed as argument 0 of function system.textasblob of type "
            "text");
  EXPECT_EQ(error_of(call("now"), T(type_id::varchar)),
            "Type error: cannot assign result of function system.now (type timeuuid) to c "
            "(type text)");
  // An integer constant is a valid date (a day number), so totimestamp(1) resolves; true is not.
  EXPECT_EQ(value_of(call("totimestamp", {integer("2147483648")}), T(type_id::timestamp)),
            cql_value{std::int64_t{0}});
  EXPECT_EQ(error_of(call("totimestamp", {boolean(true)}), T(type_id::timestamp)),
            "Invalid call to function system.totimestamp, none of its type signatures match "
            "(known type signatures: system.totimestamp : (timeuuid) -> timestamp, "
            "system.totimestamp : (date) -> timestamp)");
  EXPECT_EQ(error_of(call("todate", {marker(0)}), T(type_id::date)),
            "Ambiguous call to function system.todate (can be matched by following signatures: "
            "system.todate : (timeuuid) -> date, system.todate : (timestamp) -> date): use type "
            "casts to disambiguate");
  EXPECT_EQ(error_of(call("tojson", {integer("1")}), T(type_id::varchar)),
            "toJson() may only be used within the selection clause of SELECT statements");
}

TEST(ValuesFunction, MarkerArgumentsTakeTheParameterType) {
  context c;
  c.bound.push_back(protocol::value::of(protocol::encode_bigint(now_millis)));
  auto r = evaluate(call("mintimeuuid", {marker(0)}), T(type_id::timeuuid), "c", c.get());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(protocol::timeuuid_unix_millis(std::get<protocol::uuid>(r->value.v)), now_millis);
  context n;
  n.bound.push_back(protocol::value::null_value());
  auto null = evaluate(call("mintimeuuid", {marker(0)}), T(type_id::timeuuid), "c", n.get());
  ASSERT_TRUE(null.has_value());
  EXPECT_TRUE(null->value.is_null());
  context u;
  u.bound.push_back(protocol::value::unset_value());
  auto unset = evaluate(call("mintimeuuid", {marker(0)}), T(type_id::timeuuid), "c", u.get());
  ASSERT_FALSE(unset.has_value());
  EXPECT_EQ(unset.error().message,
            "Invalid unset value for argument in call to function mintimeuuid");
}

TEST(ValuesFunction, FromJsonTakesTheReceiverType) {
  EXPECT_EQ(value_of(call("fromjson", {str("[1, 2]")}), data_type::list_of(T(type_id::int_))),
            (cql_value{cql_list{cql_value{std::int32_t{1}}, cql_value{std::int32_t{2}}}}));
  auto r = eval(call("fromjson", {str("\"x\"")}), T(type_id::int_));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, protocol::error_code::function_failure);
  EXPECT_EQ(r.error().message,
            "execution of 'system.fromjson[text]' failed: Unable to make int from 'x'");
}

TEST(ValuesSelector, ApplyFunctionToColumnValues) {
  context c;
  const typed_value t{T(type_id::timeuuid), value_of(call("now"), T(type_id::timeuuid))};
  auto r = apply_function("totimestamp", std::span<const typed_value>(&t, 1), c.get());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->type, T(type_id::timestamp));
  const typed_value b{T(type_id::blob), cql_value{bytes_of({'o', 'k'})}};
  auto text = apply_function("blobastext", std::span<const typed_value>(&b, 1), c.get());
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->value, cql_value{std::string("ok")});
  const typed_value n{T(type_id::timestamp), cql_value::null()};
  auto null = apply_function("todate", std::span<const typed_value>(&n, 1), c.get());
  ASSERT_TRUE(null.has_value());
  EXPECT_TRUE(null->value.is_null());
  const typed_value l{data_type::list_of(T(type_id::int_)),
                      cql_value{cql_list{cql_value{std::int32_t{1}}}}};
  auto json = apply_function("tojson", std::span<const typed_value>(&l, 1), c.get());
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(json->value, cql_value{std::string("[1]")});
}

TEST(ValuesSelector, FunctionTypes) {
  const data_type args[] = {T(type_id::timestamp)};
  EXPECT_EQ(function_type("todate", args).value(), T(type_id::date));
  const data_type text_arg[] = {T(type_id::varchar)};
  EXPECT_EQ(function_type("todate", text_arg).error().message,
            "Invalid call to function system.todate, none of its type signatures match (known "
            "type signatures: system.todate : (timeuuid) -> date, system.todate : (timestamp) -> "
            "date)");
  EXPECT_EQ(function_type("fromjson", text_arg).error().message,
            "fromJson() cannot be used in the selection clause of a SELECT statement");
}

TEST(ValuesCast, NumbersFollowJava) {
  const auto cast = [](const data_type& from, cql_value v, type_id to) {
    return cast_value(from, v, T(to), "x").value();
  };
  EXPECT_EQ(cast(T(type_id::int_), cql_value{std::int32_t{300}}, type_id::tinyint),
            cql_value{std::int8_t{44}});
  EXPECT_EQ(cast(T(type_id::double_), cql_value{3.99}, type_id::int_), cql_value{std::int32_t{3}});
  EXPECT_EQ(cast(T(type_id::double_), cql_value{1e20}, type_id::int_),
            cql_value{std::int32_t{INT32_MAX}});
  EXPECT_EQ(cast(T(type_id::double_), cql_value{std::nan("")}, type_id::bigint),
            cql_value{std::int64_t{0}});
  EXPECT_EQ(cast(T(type_id::int_), cql_value{std::int32_t{1}}, type_id::decimal),
            (cql_value{protocol::decimal_value{1, bytes_of({10})}}));  // BigDecimal.valueOf(1.0)
  EXPECT_EQ(cast(T(type_id::double_), cql_value{2.5}, type_id::varint), cql_value{bytes_of({2})});
  EXPECT_EQ(cast(T(type_id::bigint), cql_value{std::int64_t{7}}, type_id::float_), cql_value{7.0f});
}

TEST(ValuesCast, ToTextUsesCqlLiteralForms) {
  const auto text = [](const data_type& from, cql_value v) {
    return std::get<std::string>(cast_value(from, v, T(type_id::varchar), "x").value().v);
  };
  EXPECT_EQ(text(T(type_id::double_), cql_value{1e10}), "1.0E10");
  EXPECT_EQ(text(T(type_id::double_), cql_value{0.001}), "0.001");
  EXPECT_EQ(text(T(type_id::float_), cql_value{1.5f}), "1.5");
  EXPECT_EQ(text(T(type_id::timestamp), cql_value{now_millis}), "2024-01-02T03:04:05.678Z");
  EXPECT_EQ(text(T(type_id::date), cql_value{std::uint32_t{2'147'503'372}}), "2024-01-02");
  EXPECT_EQ(text(T(type_id::boolean), cql_value{true}), "true");
  EXPECT_EQ(text(T(type_id::inet), cql_value{protocol::inet{bytes_of({127, 0, 0, 1}), 0}}),
            "127.0.0.1");
}

TEST(ValuesCast, TimeCastsAndErrors) {
  EXPECT_EQ(cast_value(T(type_id::timestamp), cql_value{now_millis}, T(type_id::date), "t").value(),
            cql_value{std::uint32_t{2'147'503'372}});
  EXPECT_EQ(cast_value(T(type_id::varchar), cql_value{std::string("1")}, T(type_id::int_), "name")
                .error()
                .message,
            "name cannot be cast to int");
  EXPECT_EQ(cast_value(T(type_id::int_), cql_value::null(), T(type_id::bigint), "x").value(),
            cql_value::null());
}

}  // namespace
}  // namespace cqlshift::sim::values_test
