// CAST(x AS type) in a selection: the conversions of Cassandra's CastFcts, with Java's rules for
// narrowing numbers (Number.intValue(), BigDecimal.valueOf(double), ...), and the text of a value
// cast to text (its serializer's toCQLLiteral).

#include "cqlshift/protocol/timeuuid.hpp"
#include "cqlshift/sim/values.hpp"
#include "values_impl.hpp"

#include <cmath>
#include <cstdlib>

namespace cqlshift::sim {

namespace detail {

using protocol::bytes;

std::optional<std::string> to_cast_text(const data_type& t, const cql_value& v) {
  if (v.is_empty()) return std::string();
  const auto& x = v.v;
  switch (t.id) {
    case type_id::ascii:
    case type_id::text:
    case type_id::varchar:
      if (const auto* s = std::get_if<std::string>(&x)) return *s;
      break;
    case type_id::tinyint:
      if (const auto* i = std::get_if<std::int8_t>(&x)) return std::to_string(int{*i});
      break;
    case type_id::smallint:
      if (const auto* i = std::get_if<std::int16_t>(&x)) return std::to_string(*i);
      break;
    case type_id::int_:
      if (const auto* i = std::get_if<std::int32_t>(&x)) return std::to_string(*i);
      break;
    case type_id::bigint:
    case type_id::counter:
      if (const auto* i = std::get_if<std::int64_t>(&x)) return std::to_string(*i);
      break;
    case type_id::varint:
      if (const auto* b = std::get_if<bytes>(&x)) return protocol::varint_to_string(*b);
      break;
    case type_id::decimal:
      if (const auto* d = std::get_if<protocol::decimal_value>(&x)) return format_decimal(*d);
      break;
    case type_id::float_:
      if (const auto* f = std::get_if<float>(&x)) return format_float(*f);
      break;
    case type_id::double_:
      if (const auto* d = std::get_if<double>(&x)) return format_double(*d);
      break;
    case type_id::boolean:
      if (const auto* b = std::get_if<bool>(&x)) return std::string(*b ? "true" : "false");
      break;
    case type_id::inet:
      if (const auto* i = std::get_if<protocol::inet>(&x)) return format_inet(*i);
      break;
    case type_id::uuid:
    case type_id::timeuuid:
      if (const auto* u = std::get_if<protocol::uuid>(&x)) return protocol::to_string(*u);
      break;
    case type_id::timestamp:
      if (const auto* i = std::get_if<std::int64_t>(&x)) return format_timestamp_iso(*i);
      break;
    case type_id::date:
      if (const auto* d = std::get_if<std::uint32_t>(&x)) return format_date(*d);
      break;
    case type_id::time:
      if (const auto* i = std::get_if<std::int64_t>(&x)) return format_time(*i);
      break;
    default:
      break;
  }
  return std::nullopt;
}

namespace {

// The low 64 bits of the integer written in `digits` ([-]digits), two's complement: what
// BigInteger.longValue gives.
std::int64_t low_bits(std::string_view digits, std::size_t extra_zeros) {
  const bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.remove_prefix(1);
  std::uint64_t v = 0;
  for (char c : digits)
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  // Past 64 factors of ten the low 64 bits are all zero (10^64 is a multiple of 2^64).
  for (std::size_t k = 0; k < std::min<std::size_t>(extra_zeros, 64); ++k)
    v *= 10;
  if (extra_zeros >= 64) v = 0;
  return static_cast<std::int64_t>(negative ? 0 - v : v);
}

std::string decimal_scientific(const protocol::decimal_value& d) {
  return protocol::varint_to_string(d.unscaled) + "e" + std::to_string(-std::int64_t{d.scale});
}

}  // namespace

std::optional<double> to_double(const data_type& t, const cql_value& v) {
  const auto& x = v.v;
  if (const auto* i = std::get_if<std::int8_t>(&x)) return *i;
  if (const auto* i = std::get_if<std::int16_t>(&x)) return *i;
  if (const auto* i = std::get_if<std::int32_t>(&x)) return *i;
  if (const auto* i = std::get_if<std::int64_t>(&x)) return static_cast<double>(*i);
  if (const auto* f = std::get_if<float>(&x)) return *f;
  if (const auto* d = std::get_if<double>(&x)) return *d;
  if (const auto* b = std::get_if<bytes>(&x); b && t.id == type_id::varint) {
    return std::strtod(protocol::varint_to_string(*b).c_str(), nullptr);
  }
  if (const auto* d = std::get_if<protocol::decimal_value>(&x)) {
    return std::strtod(decimal_scientific(*d).c_str(), nullptr);
  }
  return std::nullopt;
}

std::optional<std::int64_t> to_long(const data_type& t, const cql_value& v) {
  const auto& x = v.v;
  if (const auto* i = std::get_if<std::int8_t>(&x)) return *i;
  if (const auto* i = std::get_if<std::int16_t>(&x)) return *i;
  if (const auto* i = std::get_if<std::int32_t>(&x)) return *i;
  if (const auto* i = std::get_if<std::int64_t>(&x)) return *i;
  // (long) of a float or double: NaN is 0, out of range saturates.
  const auto saturate = [](double d) -> std::int64_t {
    if (std::isnan(d)) return 0;
    if (d >= 9.2233720368547758e18) return INT64_MAX;
    if (d <= -9.2233720368547758e18) return INT64_MIN;
    return static_cast<std::int64_t>(d);
  };
  if (const auto* f = std::get_if<float>(&x)) return saturate(*f);
  if (const auto* d = std::get_if<double>(&x)) return saturate(*d);
  if (const auto* b = std::get_if<bytes>(&x); b && t.id == type_id::varint) {
    return low_bits(protocol::varint_to_string(*b), 0);
  }
  if (const auto* d = std::get_if<protocol::decimal_value>(&x)) {
    std::string digits = protocol::varint_to_string(d->unscaled);
    if (d->scale < 0) return low_bits(digits, static_cast<std::size_t>(-std::int64_t{d->scale}));
    const bool negative = digits[0] == '-';
    const std::size_t len = digits.size() - (negative ? 1 : 0);
    const auto scale = static_cast<std::size_t>(d->scale);
    if (scale >= len) return 0;
    digits.resize(digits.size() - scale);
    return low_bits(digits, 0);
  }
  return std::nullopt;
}

}  // namespace detail

namespace {

using protocol::cql_value;
using protocol::data_type;
using protocol::type_id;
using namespace detail;

bool is_floating(type_id id) {
  return id == type_id::float_ || id == type_id::double_;
}

// (int) of a double in Java: NaN is 0, out of range saturates.
std::int32_t java_int(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 2147483647.0) return INT32_MAX;
  if (d <= -2147483648.0) return INT32_MIN;
  return static_cast<std::int32_t>(d);
}

// Number.byteValue/shortValue/intValue: a float or double goes through (int), every integer
// keeps its low bits.
std::int64_t integral(const data_type& from, const cql_value& v) {
  if (is_floating(from.id)) return java_int(*to_double(from, v));
  return *to_long(from, v);
}

sim_result<cql_value> numeric_cast(const data_type& from, const cql_value& v, type_id to) {
  switch (to) {
    case type_id::tinyint:
      return cql_value{static_cast<std::int8_t>(integral(from, v))};
    case type_id::smallint:
      return cql_value{static_cast<std::int16_t>(integral(from, v))};
    case type_id::int_:
      return cql_value{static_cast<std::int32_t>(integral(from, v))};
    case type_id::bigint:
      return cql_value{*to_long(from, v)};
    case type_id::float_: {
      // floatValue of a BigInteger or BigDecimal rounds once, from the exact value.
      if (from.id == type_id::varint || from.id == type_id::decimal) {
        const auto text = to_cast_text(from, v);
        return cql_value{std::strtof(text->c_str(), nullptr)};
      }
      if (const auto* i = std::get_if<std::int64_t>(&v.v)) return cql_value{static_cast<float>(*i)};
      return cql_value{static_cast<float>(*to_double(from, v))};
    }
    case type_id::double_:
      return cql_value{*to_double(from, v)};
    case type_id::decimal: {
      const double d = *to_double(from, v);
      if (!std::isfinite(d)) return invalid_request("Infinite or NaN");
      return cql_value{*parse_decimal(format_double(d))};
    }
    case type_id::varint:
      return cql_value{protocol::varint_from_int64(*to_long(from, v))};
    default:
      return invalid_request("not a numeric type");
  }
}

// Whether CastFcts defines castAs<to>(from).
bool castable(type_id from, type_id to) {
  if (is_text(to)) {
    if (is_numeric(from)) return true;
    switch (from) {
      case type_id::ascii:
        return to != type_id::ascii;
      case type_id::inet:
      case type_id::boolean:
      case type_id::timeuuid:
      case type_id::timestamp:
      case type_id::date:
      case type_id::time:
      case type_id::uuid:
        return true;
      default:
        return false;
    }
  }
  if (is_numeric(from) && is_numeric(to)) return to != type_id::counter;
  switch (to) {
    case type_id::date:
      return from == type_id::timeuuid || from == type_id::timestamp;
    case type_id::timestamp:
      return from == type_id::timeuuid || from == type_id::date;
    default:
      return false;
  }
}

}  // namespace

sim_result<cql_value> cast_value(const data_type& from, const cql_value& v, const data_type& to,
                                 std::string_view selected) {
  const auto same = [](type_id a, type_id b) {
    return a == b || (is_text(a) && is_text(b) && a != type_id::ascii && b != type_id::ascii);
  };
  if (from == to || same(from.id, to.id)) return v;
  if (!castable(from.id, to.id)) {
    return invalid_request(std::string(selected) + " cannot be cast to " + cql_type_name(to));
  }
  if (v.is_null()) return v;
  if (is_text(to.id)) {
    if (auto text = to_cast_text(from, v)) return cql_value{std::move(*text)};
    return invalid_request("Invalid value of type " + cql_type_name(from));
  }
  if (v.is_empty()) return cql_value::null();
  if (is_numeric(from.id)) {
    if (!to_double(from, v)) return invalid_request("Invalid value of type " + cql_type_name(from));
    return numeric_cast(from, v, to.id);
  }
  // The time conversions of TimeFcts.
  const typed_value arg{from, v};
  const char* fn = to.id == type_id::date ? "todate" : "totimestamp";
  auto r = apply_function(fn, std::span<const typed_value>(&arg, 1), eval_context{});
  if (!r) return r.error();
  return std::move(r->value);
}

}  // namespace cqlshift::sim
