#pragma once
// Shorthands for the CqlValue* tests: typed values and column types.

#include "cqlshift/protocol/cql_value.hpp"

#include "test_util.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cqlshift::protocol::test_values {

using test::hex;

inline cql_value i8(std::int8_t v) {
  return {v};
}
inline cql_value i16(std::int16_t v) {
  return {v};
}
inline cql_value i32(std::int32_t v) {
  return {v};
}
inline cql_value i64(std::int64_t v) {
  return {v};
}
inline cql_value f32(float v) {
  return {v};
}
inline cql_value f64(double v) {
  return {v};
}
inline cql_value boolean(bool v) {
  return {v};
}
inline cql_value str(std::string v) {
  return {std::move(v)};
}
inline cql_value blob(std::string_view h) {
  return {hex(h)};
}
inline cql_value date(std::uint32_t raw) {
  return {raw};
}
inline cql_value dec(std::int32_t scale, std::string_view unscaled_hex) {
  return {decimal_value{scale, hex(unscaled_hex)}};
}
inline cql_value dur(std::int32_t months, std::int32_t days, std::int64_t nanos) {
  return {duration_value{months, days, nanos}};
}
inline cql_value addr(std::string_view h) {
  return {inet{hex(h), 0}};
}
inline cql_value uid(std::string_view h) {
  uuid u{};
  const bytes b = hex(h);
  for (std::size_t k = 0; k < u.size() && k < b.size(); ++k)
    u[k] = b[k];
  return {u};
}
inline cql_value list(cql_list l) {
  return {std::move(l)};
}
inline cql_value map(cql_map m) {
  return {std::move(m)};
}
inline cql_value null() {
  return cql_value::null();
}

// The types whose zero-length value is Cassandra's "empty" value: their serializers' validate()
// accepts zero bytes and deserialize() turns them into nothing (Int32Serializer,
// LongSerializer, CounterSerializer, TimestampSerializer, BooleanSerializer, FloatSerializer,
// DoubleSerializer, DecimalSerializer, IntegerSerializer, UUIDSerializer, TimeUUIDSerializer,
// InetAddressSerializer). Written out here rather than taken from allows_empty_value so the
// tests check it.
inline constexpr type_id empty_capable_ids[] = {
    type_id::int_,    type_id::bigint, type_id::counter,  type_id::timestamp,
    type_id::boolean, type_id::float_, type_id::double_,  type_id::decimal,
    type_id::varint,  type_id::uuid,   type_id::timeuuid, type_id::inet,
};
inline bool has_empty_value(type_id id) {
  for (type_id e : empty_capable_ids) {
    if (e == id) return true;
  }
  return false;
}
// Cassandra's TimestampType and InetAddressType parse the literal '' as zero bytes.
inline bool has_empty_literal(type_id id) {
  return id == type_id::timestamp || id == type_id::inet;
}

inline data_type type(type_id id) {
  return data_type::of(id);
}
inline data_type udt(std::string name, std::vector<std::pair<std::string, data_type>> fields) {
  data_type t = data_type::of(type_id::udt);
  t.udt_keyspace = "ks";
  t.udt_name = std::move(name);
  for (auto& [n, f] : fields) {
    t.field_names.push_back(std::move(n));
    t.params.push_back(std::move(f));
  }
  return t;
}

}  // namespace cqlshift::protocol::test_values
