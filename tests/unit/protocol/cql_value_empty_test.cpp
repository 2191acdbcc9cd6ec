// Cassandra's zero-length "empty" values (spec section 6: "most non-string types support
// 'empty' values ... distinct from NULL"): which types have one, their wire form at the top
// level and nested, their literals, and that they stay apart from null and from the empty
// string or blob. The type lists come from Cassandra's serializers (see
// cql_value_test_util.hpp).

#include "cqlshift/protocol/cql_value.hpp"

#include "cql_value_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cqlshift::protocol {
namespace {

using namespace test_values;
using v = protocol_version;

constexpr protocol_version all_versions[] = {v::v2, v::v3, v::v4, v::v5, v::dse_v1, v::dse_v2};

// Their serializers' validate() rejects zero bytes ("Expected 2 bytes for a smallint (0)",
// "Expected 4 byte long for date (0)", "Expected at least 3 bytes for a duration (0)", ...).
constexpr type_id fixed_ids_without_empty[] = {type_id::smallint, type_id::tinyint, type_id::date,
                                               type_id::time, type_id::duration};

cql_value empty() {
  return cql_value::empty();
}

void expect_decode_error(const data_type& t, const bytes& wire, errc expected,
                         protocol_version pv = v::v4) {
  SCOPED_TRACE(to_cql(t) + " " + test::to_hex(wire));
  auto decoded = decode_value(t, wire, pv);
  ASSERT_FALSE(decoded) << "decoded";
  EXPECT_EQ(decoded.error(), expected);
}

void expect_encode_error(const data_type& t, const cql_value& val, errc expected,
                         protocol_version pv = v::v4) {
  SCOPED_TRACE(to_cql(t));
  auto encoded = encode_value(t, val, pv);
  ASSERT_FALSE(encoded) << "encoded";
  EXPECT_EQ(encoded.error(), expected);
}

void expect_golden(const data_type& t, const cql_value& val, const bytes& wire,
                   protocol_version pv) {
  SCOPED_TRACE(to_cql(t) + " " + test::to_hex(wire));
  auto encoded = encode_value(t, val, pv);
  ASSERT_TRUE(encoded) << encoded.error().message();
  EXPECT_EQ(*encoded, wire);
  auto decoded = decode_value(t, wire, pv);
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(*decoded, val);
}

TEST(CqlValueEmpty, ZeroBytesAreTheEmptyValueAtEveryVersion) {
  for (auto pv : all_versions) {
    SCOPED_TRACE(std::string(to_string(pv)));
    for (type_id id : empty_capable_ids) {
      EXPECT_TRUE(allows_empty_value(id)) << to_cql(type(id));
      expect_golden(type(id), empty(), bytes{}, pv);
      auto decoded = decode_value(type(id), bytes{}, pv);
      ASSERT_TRUE(decoded);
      EXPECT_TRUE(decoded->is_empty());
      EXPECT_FALSE(decoded->is_null());
    }
  }
}

TEST(CqlValueEmpty, EmptyIsNeitherNullNorAZeroValue) {
  EXPECT_TRUE(empty().is_empty());
  EXPECT_FALSE(empty().is_null());
  EXPECT_FALSE(null().is_empty());
  EXPECT_FALSE(i32(0).is_empty());
  EXPECT_NE(empty(), null());
  EXPECT_NE(empty(), i32(0));
  EXPECT_NE(empty(), boolean(false));
  EXPECT_NE(empty(), blob(""));
  EXPECT_NE(empty(), str(""));
  EXPECT_NE(empty(), list({}));
  EXPECT_EQ(empty(), empty());
}

TEST(CqlValueEmpty, AsValueItIsAZeroLengthValueNotNull) {
  auto as_value = encode_as_value(type(type_id::int_), empty(), v::v4);
  ASSERT_TRUE(as_value);
  EXPECT_EQ(*as_value, value::of(bytes{}));
  EXPECT_NE(*as_value, value::null_value());

  auto decoded = decode_value(type(type_id::uuid), value::of(bytes{}), v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, empty());
  decoded = decode_value(type(type_id::uuid), value::null_value(), v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->is_null());
}

TEST(CqlValueEmpty, TextAndBlobZeroBytesStayTheEmptyStringOrBlob) {
  for (type_id id : {type_id::ascii, type_id::text, type_id::varchar}) {
    EXPECT_FALSE(allows_empty_value(id));
    expect_golden(type(id), str(""), bytes{}, v::v4);
    // One wire form, one value: the empty alternative is not a second spelling of "".
    expect_encode_error(type(id), empty(), errc::invalid_value);
  }
  const data_type custom{type_id::custom, "org.example.T", {}, {}, {}, {}};
  for (const data_type& t : {type(type_id::blob), custom}) {
    EXPECT_FALSE(allows_empty_value(t.id));
    expect_golden(t, blob(""), bytes{}, v::v4);
    expect_encode_error(t, empty(), errc::invalid_value);
  }
}

TEST(CqlValueEmpty, TypesWhoseSerializersRejectZeroBytesStayStrict) {
  for (type_id id : fixed_ids_without_empty) {
    EXPECT_FALSE(allows_empty_value(id));
    expect_decode_error(type(id), bytes{}, errc::truncated);
    expect_encode_error(type(id), empty(), errc::invalid_value);
  }
  // A collection needs at least its count: ListSerializer and friends fail with "Not enough
  // bytes to read a list".
  for (const data_type& t :
       {data_type::list_of(type(type_id::int_)), data_type::set_of(type(type_id::int_)),
        data_type::map_of(type(type_id::int_), type(type_id::int_))}) {
    EXPECT_FALSE(allows_empty_value(t.id));
    expect_decode_error(t, bytes{}, errc::truncated);
    expect_decode_error(t, bytes{}, errc::truncated, v::v2);
    expect_encode_error(t, empty(), errc::invalid_value);
  }
}

TEST(CqlValueEmpty, ZeroByteTupleAndUdtHaveEveryFieldMissing) {
  const data_type tuple = data_type::tuple_of({type(type_id::int_), type(type_id::varchar)});
  const data_type u = udt("u", {{"a", type(type_id::int_)}});
  for (const data_type& t : {tuple, u}) {
    EXPECT_FALSE(allows_empty_value(t.id));
    expect_encode_error(t, empty(), errc::invalid_value);
  }
  auto decoded = decode_value(tuple, bytes{}, v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, list({null(), null()}));
  decoded = decode_value(u, bytes{}, v::v4);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, list({null()}));
}

TEST(CqlValueEmpty, NestedEmptyElementsAndFields) {
  const data_type int_t = type(type_id::int_);
  expect_golden(data_type::list_of(int_t), list({empty(), i32(1)}),
                hex("00000002 00000000 00000004 00000001"), v::v4);
  expect_golden(data_type::set_of(type(type_id::uuid)), list({empty()}), hex("00000001 00000000"),
                v::v5);
  expect_golden(data_type::map_of(type(type_id::inet), type(type_id::boolean)),
                map({{empty(), empty()}, {addr("7f000001"), boolean(true)}}),
                hex("00000002 00000000 00000000 00000004 7f000001 00000001 01"), v::v4);
  // The same zero-length field is empty for the int and the empty string for the text.
  expect_golden(data_type::tuple_of({int_t, type(type_id::varchar)}), list({empty(), str("")}),
                hex("00000000 00000000"), v::v4);
  expect_golden(udt("u", {{"x", int_t}, {"n", type(type_id::varchar)}}), list({empty(), null()}),
                hex("00000000 ffffffff"), v::v4);
  expect_golden(data_type::list_of(data_type::list_of(type(type_id::bigint))),
                list({list({empty()})}), hex("00000001 00000008 00000001 00000000"), v::v3);
}

TEST(CqlValueEmpty, V2CollectionsCarryEmptyElementsWithShortLengths) {
  const data_type int_t = type(type_id::int_);
  expect_golden(data_type::list_of(int_t), list({empty(), i32(1)}), hex("0002 0000 0004 00000001"),
                v::v2);
  // Inside, the v3 layout as always.
  expect_golden(data_type::map_of(int_t, data_type::list_of(int_t)),
                map({{empty(), list({empty()})}}), hex("0001 0000 0008 00000001 00000000"), v::v2);
}

TEST(CqlValueEmpty, NestedZeroBytesOfTypesWithoutEmpty) {
  expect_decode_error(data_type::list_of(type(type_id::smallint)), hex("00000001 00000000"),
                      errc::truncated);
  expect_decode_error(data_type::tuple_of({type(type_id::date)}), hex("00000000"), errc::truncated);
  expect_decode_error(data_type::set_of(type(type_id::duration)), hex("0001 0000"), errc::truncated,
                      v::v2);
  expect_encode_error(data_type::list_of(type(type_id::tinyint)), list({empty()}),
                      errc::invalid_value);
  expect_encode_error(data_type::list_of(type(type_id::varchar)), list({empty()}),
                      errc::invalid_value);
  expect_golden(data_type::list_of(type(type_id::varchar)), list({str("")}),
                hex("00000001 00000000"), v::v4);
  expect_golden(data_type::list_of(type(type_id::blob)), list({blob("")}), hex("00000001 00000000"),
                v::v4);
}

TEST(CqlValueEmpty, LiteralIsEmptyStringForTimestampAndInetOnly) {
  for (type_id id : empty_capable_ids) {
    SCOPED_TRACE(to_cql(type(id)));
    auto literal = to_cql_literal(type(id), empty());
    if (id == type_id::timestamp || id == type_id::inet) {
      ASSERT_TRUE(literal);
      EXPECT_EQ(*literal, "''");
    } else {
      ASSERT_FALSE(literal);
      EXPECT_EQ(literal.error(), errc::invalid_value);
    }
  }
  auto literal =
      to_cql_literal(data_type::set_of(type(type_id::inet)), list({empty(), addr("7f000001")}));
  ASSERT_TRUE(literal);
  EXPECT_EQ(*literal, "{'', '127.0.0.1'}");
  literal = to_cql_literal(data_type::list_of(type(type_id::int_)), list({i32(1), empty()}));
  ASSERT_FALSE(literal);
  EXPECT_EQ(literal.error(), errc::invalid_value);
  // Types without an empty value reject it here too, even those spelled with quotes.
  literal = to_cql_literal(type(type_id::date), empty());
  ASSERT_FALSE(literal);
  EXPECT_EQ(literal.error(), errc::invalid_value);
  literal = to_cql_literal(type(type_id::varchar), empty());
  ASSERT_FALSE(literal);
  EXPECT_EQ(literal.error(), errc::invalid_value);
}

}  // namespace
}  // namespace cqlshift::protocol
