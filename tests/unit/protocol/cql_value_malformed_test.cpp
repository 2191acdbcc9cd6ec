// Malformed values must fail with the specific errc, and values that do not fit their type
// must not encode.

#include "cqlshift/protocol/cql_value.hpp"

#include "cql_value_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cqlshift::protocol {
namespace {

using namespace test_values;
using v = protocol_version;

void expect_decode_error(const data_type& t, const bytes& wire, errc expected,
                         protocol_version pv = v::v4) {
  SCOPED_TRACE(to_cql(t) + " " + test::to_hex(wire));
  auto decoded = decode_value(t, wire, pv);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error(), expected);
}

void expect_encode_error(const data_type& t, const cql_value& val, errc expected,
                         protocol_version pv = v::v4) {
  SCOPED_TRACE(to_cql(t));
  auto encoded = encode_value(t, val, pv);
  ASSERT_FALSE(encoded);
  EXPECT_EQ(encoded.error(), expected);
}

data_type nested_lists(int depth) {
  data_type t = type(type_id::int_);
  for (int k = 0; k < depth; ++k)
    t = data_type::list_of(std::move(t));
  return t;
}

TEST(CqlValueMalformed, FixedSizeTypesNeedTheirExactSize) {
  struct fixed {
    type_id id;
    std::size_t size;
  };
  for (auto [id, size] : std::vector<fixed>{{type_id::int_, 4},
                                            {type_id::bigint, 8},
                                            {type_id::counter, 8},
                                            {type_id::timestamp, 8},
                                            {type_id::time, 8},
                                            {type_id::smallint, 2},
                                            {type_id::tinyint, 1},
                                            {type_id::boolean, 1},
                                            {type_id::float_, 4},
                                            {type_id::double_, 8},
                                            {type_id::date, 4},
                                            {type_id::uuid, 16},
                                            {type_id::timeuuid, 16}}) {
    // Zeros, but a version-1 nibble where a timeuuid has it, so only the size is wrong.
    const auto filled = [](std::size_t n) {
      bytes b(n, 0);
      if (n > 6) b[6] = 0x10;
      return b;
    };
    // Between zero bytes (the empty value, see cql_value_empty_test.cpp) and the size is
    // truncated, longer has trailing bytes.
    for (std::size_t n = 1; n < size; ++n)
      expect_decode_error(type(id), filled(n), errc::truncated);
    expect_decode_error(type(id), filled(size + 1), errc::trailing_bytes);
    EXPECT_TRUE(decode_value(type(id), filled(size), v::v4)) << to_cql(type(id));
  }
}

TEST(CqlValueMalformed, InetIsFourOrSixteenBytes) {
  for (std::size_t n : {1, 3, 5, 15, 17}) {
    expect_decode_error(type(type_id::inet), bytes(n, 1), errc::invalid_value);
  }
}

TEST(CqlValueMalformed, TextMustBeUtf8AndAsciiSevenBit) {
  expect_decode_error(type(type_id::varchar), hex("61 c3 28"), errc::invalid_utf8);
  expect_decode_error(type(type_id::text), hex("ed a0 80"), errc::invalid_utf8);  // surrogate
  expect_decode_error(type(type_id::varchar), hex("c0 af"), errc::invalid_utf8);  // overlong
  expect_decode_error(type(type_id::ascii), hex("61 80"), errc::invalid_ascii);
  expect_decode_error(data_type::list_of(type(type_id::varchar)), hex("00000001 00000001 ff"),
                      errc::invalid_utf8);
}

TEST(CqlValueMalformed, DecimalNeedsUnscaledBytes) {
  // Cassandra's DecimalSerializer validates a lone scale but cannot deserialize it.
  expect_decode_error(type(type_id::decimal), hex("00000001"), errc::truncated);
  expect_decode_error(type(type_id::decimal), hex("000001"), errc::truncated);
}

TEST(CqlValueMalformed, TimeuuidMustBeVersionOne) {
  expect_decode_error(type(type_id::timeuuid), hex("550e8400e29b41d4a716446655440000"),
                      errc::invalid_value);
  auto decoded = decode_value(type(type_id::uuid), hex("550e8400e29b41d4a716446655440000"), v::v4);
  EXPECT_TRUE(decoded);
}

TEST(CqlValueMalformed, TimeOutsideOneDay) {
  expect_decode_error(type(type_id::time), hex("ffffffffffffffff"), errc::invalid_value);
  expect_decode_error(type(type_id::time), hex("00004e94914f0000"), errc::invalid_value);
}

TEST(CqlValueMalformed, Duration) {
  expect_decode_error(type(type_id::duration), hex("02 03 06"), errc::invalid_value);  // 1, -2
  expect_decode_error(type(type_id::duration), hex("00 02 05"), errc::invalid_value);  // 0,1,-3
  // months = 2^31 does not fit an int: its zigzag form 2^32 is the 5-byte vint f1 00000000.
  expect_decode_error(type(type_id::duration), hex("f1 00000000 00 00"), errc::invalid_value);
  expect_decode_error(type(type_id::duration), hex("02 04"), errc::truncated);
  expect_decode_error(type(type_id::duration), hex("02 04 c0 01"), errc::truncated);
  expect_decode_error(type(type_id::duration), hex("02 04 06 00"), errc::trailing_bytes);
  // Zero counts as either sign.
  auto decoded = decode_value(type(type_id::duration), hex("00 00 05"), v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, dur(0, 0, -3));
}

TEST(CqlValueMalformed, ListTruncatedAtEveryLength) {
  const data_type t = data_type::list_of(type(type_id::int_));
  const bytes wire = hex("00000002 00000004 00000001 00000004 00000002");
  for (std::size_t n = 0; n < wire.size(); ++n) {
    // [0,4) the count, [4,12) the count promises more than is left, [12,16) the second length,
    // [16,20) the second element.
    const errc expected = n < 4    ? errc::truncated
                          : n < 12 ? errc::length_out_of_bounds
                          : n < 16 ? errc::truncated
                                   : errc::length_out_of_bounds;
    expect_decode_error(t, bytes(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(n)),
                        expected);
  }
  EXPECT_TRUE(decode_value(t, wire, v::v4));
}

TEST(CqlValueMalformed, MapAndV2ListTruncatedAtEveryLengthFail) {
  const data_type map = data_type::map_of(type(type_id::varchar), type(type_id::int_));
  const bytes map_wire = hex("00000001 00000001 61 00000004 00000001");
  const data_type list = data_type::list_of(type(type_id::int_));
  const bytes v2_wire = hex("0002 0004 00000001 0004 00000002");
  for (std::size_t n = 0; n < map_wire.size(); ++n) {
    auto d = decode_value(map, byte_view(map_wire).first(n), v::v4);
    ASSERT_FALSE(d) << n;
    EXPECT_TRUE(d.error() == errc::truncated || d.error() == errc::length_out_of_bounds) << n;
  }
  for (std::size_t n = 0; n < v2_wire.size(); ++n) {
    auto d = decode_value(list, byte_view(v2_wire).first(n), v::v2);
    ASSERT_FALSE(d) << n;
    EXPECT_TRUE(d.error() == errc::truncated || d.error() == errc::length_out_of_bounds) << n;
  }
}

TEST(CqlValueMalformed, ElementLengthPastTheEnd) {
  const data_type t = data_type::list_of(type(type_id::blob));
  expect_decode_error(t, hex("00000001 00000010 0a0b0c0d"), errc::length_out_of_bounds);
  expect_decode_error(t, hex("0001 0010 0a0b0c0d"), errc::length_out_of_bounds, v::v2);
  const data_type tuple = data_type::tuple_of({type(type_id::blob)});
  expect_decode_error(tuple, hex("00000005 0a0b"), errc::length_out_of_bounds);
}

TEST(CqlValueMalformed, NegativeLengthsOtherThanNull) {
  const data_type t = data_type::list_of(type(type_id::int_));
  expect_decode_error(t, hex("00000001 fffffffe"), errc::negative_length);
  expect_decode_error(t, hex("00000001 80000000"), errc::negative_length);
  expect_decode_error(t, hex("ffffffff"), errc::negative_length);
  const data_type tuple = data_type::tuple_of({type(type_id::int_)});
  expect_decode_error(tuple, hex("fffffffe"), errc::negative_length);
  expect_decode_error(udt("u", {{"a", type(type_id::int_)}}), hex("fffffff0"),
                      errc::negative_length);
}

TEST(CqlValueMalformed, HugeCountsFailBeforeAllocating) {
  const data_type t = data_type::list_of(type(type_id::int_));
  expect_decode_error(t, hex("7fffffff 00000000"), errc::length_out_of_bounds);
  expect_decode_error(data_type::map_of(type(type_id::int_), type(type_id::int_)),
                      hex("00000001 00000000"), errc::length_out_of_bounds);
  expect_decode_error(t, hex("ffff 0000"), errc::length_out_of_bounds, v::v2);
}

TEST(CqlValueMalformed, TrailingBytes) {
  const data_type t = data_type::list_of(type(type_id::int_));
  expect_decode_error(t, hex("00000000 00"), errc::trailing_bytes);
  // An element with bytes past its own value.
  expect_decode_error(t, hex("00000001 00000005 0000000100"), errc::trailing_bytes);
  // More udt fields than the type has.
  expect_decode_error(udt("u", {{"a", type(type_id::int_)}}), hex("00000004 00000001 ffffffff"),
                      errc::trailing_bytes);
}

TEST(CqlValueMalformed, DeepNesting) {
  const data_type deep = nested_lists(max_type_nesting + 1);
  // 65 levels of one-element lists around an int.
  bytes wire = hex("00000001");
  for (int k = 0; k < max_type_nesting + 1; ++k) {
    bytes outer = hex("00000001");
    writer w(outer);
    w.write_bytes(byte_view(wire));
    wire = std::move(outer);
  }
  expect_decode_error(deep, wire, errc::nesting_too_deep);

  cql_value val = i32(1);
  for (int k = 0; k < max_type_nesting + 1; ++k)
    val = list({std::move(val)});
  expect_encode_error(deep, val, errc::nesting_too_deep);
  auto literal = to_cql_literal(deep, val);
  ASSERT_FALSE(literal);
  EXPECT_EQ(literal.error(), errc::nesting_too_deep);

  // The deepest type read_data_type accepts still works.
  const data_type deepest = nested_lists(max_type_nesting);
  cql_value ok = i32(1);
  for (int k = 0; k < max_type_nesting; ++k)
    ok = list({std::move(ok)});
  auto encoded = encode_value(deepest, ok, v::v4);
  ASSERT_TRUE(encoded);
  auto decoded = decode_value(deepest, *encoded, v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, ok);
}

TEST(CqlValueMalformed, IncompleteOrUnknownTypes) {
  expect_decode_error(type(type_id::list), hex("00000000"), errc::invalid_value);
  expect_decode_error(type(type_id::map), hex("00000000"), errc::invalid_value);
  expect_decode_error(type(static_cast<type_id>(0x0099)), hex("00"), errc::unknown_type);
  expect_encode_error(type(static_cast<type_id>(0x0099)), i32(1), errc::unknown_type);
  expect_encode_error(type(type_id::set), list({}), errc::invalid_value);
}

TEST(CqlValueEncode, AlternativeMustFitTheType) {
  struct mismatch {
    type_id id;
    cql_value val;
  };
  for (const auto& [id, val] : std::vector<mismatch>{
           {type_id::int_, i64(1)},      {type_id::bigint, i32(1)},
           {type_id::smallint, i32(1)},  {type_id::tinyint, i16(1)},
           {type_id::boolean, i32(1)},   {type_id::float_, f64(1)},
           {type_id::double_, f32(1)},   {type_id::varchar, blob("61")},
           {type_id::ascii, blob("61")}, {type_id::blob, str("a")},
           {type_id::varint, i64(1)},    {type_id::decimal, blob("01")},
           {type_id::uuid, str("x")},    {type_id::inet, blob("7f000001")},
           {type_id::date, i32(1)},      {type_id::time, i32(1)},
           {type_id::timestamp, i32(1)}, {type_id::duration, i64(1)},
           {type_id::counter, i32(1)},   {type_id::tuple, i32(1)},
       }) {
    expect_encode_error(type(id), val, errc::invalid_value);
  }
  expect_encode_error(data_type::list_of(type(type_id::int_)), map({}), errc::invalid_value);
  expect_encode_error(data_type::map_of(type(type_id::int_), type(type_id::int_)), list({}),
                      errc::invalid_value);
  expect_encode_error(data_type::list_of(type(type_id::int_)), list({i64(1)}), errc::invalid_value);
}

TEST(CqlValueEncode, ValuesOutsideTheirDomain) {
  expect_encode_error(type(type_id::int_), null(), errc::invalid_value);
  expect_encode_error(type(type_id::varchar), str("\xc3\x28"), errc::invalid_utf8);
  expect_encode_error(type(type_id::ascii), str("\xc3\xa9"), errc::invalid_ascii);
  expect_encode_error(type(type_id::inet), addr("7f0000"), errc::invalid_value);
  expect_encode_error(type(type_id::varint), blob(""), errc::invalid_value);
  expect_encode_error(type(type_id::decimal), dec(1, ""), errc::invalid_value);
  expect_encode_error(type(type_id::time), i64(-1), errc::invalid_value);
  expect_encode_error(type(type_id::time), i64(86'400'000'000'000), errc::invalid_value);
  expect_encode_error(type(type_id::timeuuid), uid("550e8400e29b41d4a716446655440000"),
                      errc::invalid_value);
  expect_encode_error(type(type_id::duration), dur(1, -1, 0), errc::invalid_value);
  expect_encode_error(data_type::tuple_of({type(type_id::int_)}), list({i32(1), i32(2)}),
                      errc::invalid_value);
  expect_encode_error(data_type::list_of(type(type_id::varchar)), list({str("\xff")}),
                      errc::invalid_utf8);
}

TEST(CqlValueEncode, V2SizesAboveShortRange) {
  cql_list many(65536, boolean(true));
  expect_encode_error(data_type::list_of(type(type_id::boolean)), list(many), errc::value_too_large,
                      v::v2);
  many.pop_back();
  EXPECT_TRUE(encode_value(data_type::list_of(type(type_id::boolean)), list(many), v::v2));

  cql_value big{bytes(65536, 0)};
  expect_encode_error(data_type::list_of(type(type_id::blob)), list({big}), errc::value_too_large,
                      v::v2);
  EXPECT_TRUE(encode_value(data_type::list_of(type(type_id::blob)), list({big}), v::v4));
}

}  // namespace
}  // namespace cqlshift::protocol
