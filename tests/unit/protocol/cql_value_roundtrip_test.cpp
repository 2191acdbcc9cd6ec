// Randomized round trip: random nested types, random values of them, encode -> decode gives the
// value back at every protocol version, and every value has a literal unless it holds an empty
// value of a type whose empty value has none.

#include "cqlshift/protocol/cql_value.hpp"
#include "cqlshift/protocol/timeuuid.hpp"

#include "cql_value_test_util.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <utility>

namespace cqlshift::protocol {
namespace {

using namespace test_values;

constexpr type_id scalar_ids[] = {
    type_id::ascii,   type_id::bigint,  type_id::blob,     type_id::boolean,  type_id::counter,
    type_id::decimal, type_id::double_, type_id::float_,   type_id::int_,     type_id::timestamp,
    type_id::uuid,    type_id::varchar, type_id::varint,   type_id::timeuuid, type_id::inet,
    type_id::date,    type_id::time,    type_id::smallint, type_id::tinyint,  type_id::duration,
};

class generator {
 public:
  generator(std::uint32_t seed, bool nulls, bool empties)
      : rng_(seed), nulls_(nulls), empties_(empties) {}

  // Whether the values generated since the last call can all be spelled as a CQL literal.
  bool take_spellable() { return std::exchange(spellable_, true); }

  data_type random_type(int depth) {
    const int pick = below(depth >= 3 ? 1 : 6);
    switch (pick) {
      case 1:
        return data_type::list_of(random_type(depth + 1));
      case 2:
        return data_type::set_of(random_type(depth + 1));
      case 3:
        return data_type::map_of(random_type(depth + 1), random_type(depth + 1));
      case 4: {
        std::vector<data_type> fields;
        for (int k = below(3) + 1; k > 0; --k)
          fields.push_back(random_type(depth + 1));
        return data_type::tuple_of(std::move(fields));
      }
      case 5: {
        std::vector<std::pair<std::string, data_type>> fields;
        for (int k = below(3) + 1; k > 0; --k) {
          fields.emplace_back("f" + std::to_string(k), random_type(depth + 1));
        }
        return udt("u", std::move(fields));
      }
      default:
        return type(scalar_ids[below(std::size(scalar_ids))]);
    }
  }

  cql_value random_value(const data_type& t, bool top = false) {
    if (nulls_ && !top && below(8) == 0) return null();
    if (empties_ && has_empty_value(t.id) && below(6) == 0) {
      spellable_ = spellable_ && has_empty_literal(t.id);
      return cql_value::empty();
    }
    switch (t.id) {
      case type_id::list:
      case type_id::set: {
        cql_list l;
        for (int k = below(4); k > 0; --k)
          l.push_back(random_value(t.params[0]));
        return list(std::move(l));
      }
      case type_id::map: {
        cql_map m;
        for (int k = below(4); k > 0; --k) {
          cql_value key = random_value(t.params[0]);
          m.push_back({std::move(key), random_value(t.params[1])});
        }
        return map(std::move(m));
      }
      case type_id::tuple:
      case type_id::udt: {
        cql_list l;
        for (const auto& p : t.params)
          l.push_back(random_value(p));
        return list(std::move(l));
      }
      case type_id::ascii:
        return str(std::string(below(5), 'a'));
      case type_id::varchar:
        return str(below(2) ? "h\xc3\xa9\xe2\x82\xac" : "");
      case type_id::bigint:
      case type_id::counter:
      case type_id::timestamp:
        return i64(static_cast<std::int64_t>(rng_()));
      case type_id::time:
        return i64(static_cast<std::int64_t>(rng_() % 86'400'000'000'000));
      case type_id::blob:
        return {random_bytes(below(6))};
      case type_id::varint:
        return {minimal_varint(random_bytes(below(12) + 1))};
      case type_id::decimal:
        return {decimal_value{static_cast<std::int32_t>(rng_()),
                              minimal_varint(random_bytes(below(12) + 1))}};
      case type_id::boolean:
        return boolean(below(2) == 1);
      case type_id::double_: {
        double d;
        do
          d = std::bit_cast<double>(rng_());
        while (std::isnan(d));
        return f64(d);
      }
      case type_id::float_: {
        float f;
        do
          f = std::bit_cast<float>(static_cast<std::uint32_t>(rng_()));
        while (std::isnan(f));
        return f32(f);
      }
      case type_id::int_:
        return i32(static_cast<std::int32_t>(rng_()));
      case type_id::smallint:
        return i16(static_cast<std::int16_t>(rng_()));
      case type_id::tinyint:
        return i8(static_cast<std::int8_t>(rng_()));
      case type_id::uuid: {
        uuid u{};
        for (auto& b : u)
          b = static_cast<std::uint8_t>(rng_());
        return {u};
      }
      case type_id::timeuuid:
        return {timeuuid_from_unix_micros(static_cast<std::int64_t>(rng_() >> 20),
                                          static_cast<std::uint16_t>(rng_()), rng_())};
      case type_id::inet:
        return {inet{random_bytes(below(2) ? 4 : 16), 0}};
      case type_id::date:
        return date(static_cast<std::uint32_t>(rng_()));
      case type_id::duration: {
        const std::int32_t sign = below(2) ? 1 : -1;
        return dur(sign * below(1000), sign * below(1000),
                   sign * static_cast<std::int64_t>(rng_() >> 2));
      }
      default:
        return null();
    }
  }

 private:
  int below(std::size_t n) { return static_cast<int>(rng_() % n); }
  bytes random_bytes(int n) {
    bytes b(static_cast<std::size_t>(n));
    for (auto& x : b)
      x = static_cast<std::uint8_t>(rng_());
    return b;
  }

  std::mt19937_64 rng_;
  bool nulls_;
  bool empties_;
  bool spellable_ = true;
};

void round_trip(protocol_version pv, bool nulls, bool empties = false) {
  generator gen(20240229, nulls, empties);
  for (int k = 0; k < 2000; ++k) {
    const data_type t = gen.random_type(0);
    const cql_value val = gen.random_value(t, true);
    const bool spellable = gen.take_spellable();
    SCOPED_TRACE(to_cql(t) + " #" + std::to_string(k));
    auto encoded = encode_value(t, val, pv);
    ASSERT_TRUE(encoded) << encoded.error().message();
    auto decoded = decode_value(t, *encoded, pv);
    ASSERT_TRUE(decoded) << decoded.error().message();
    ASSERT_EQ(*decoded, val);
    auto again = encode_value(t, *decoded, pv);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *encoded);
    auto literal = to_cql_literal(t, val);
    EXPECT_EQ(literal.has_value(), spellable);
    if (!literal) {
      EXPECT_EQ(literal.error(), errc::invalid_value);
    }
  }
}

TEST(CqlValueRoundTrip, RandomValuesV4WithNulls) {
  round_trip(protocol_version::v4, true);
}
TEST(CqlValueRoundTrip, RandomValuesV3WithNulls) {
  round_trip(protocol_version::v3, true);
}
TEST(CqlValueRoundTrip, RandomValuesV5WithNulls) {
  round_trip(protocol_version::v5, true);
}
TEST(CqlValueRoundTrip, RandomValuesV2WithoutNulls) {
  round_trip(protocol_version::v2, false);
}
TEST(CqlValueRoundTrip, RandomValuesV4WithNullsAndEmpties) {
  round_trip(protocol_version::v4, true, true);
}
TEST(CqlValueRoundTrip, RandomValuesV2WithEmpties) {
  round_trip(protocol_version::v2, false, true);
}

}  // namespace
}  // namespace cqlshift::protocol
